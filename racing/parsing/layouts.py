"""Stage result rows pasted without their header line: which columns they are in.

Editors paste the rows of a results file (RACE_PACKAGE.md results, ``rider``
third), of the stage export, or in the documented order of the columns, often
without the header line. Each known order is tried on every row; the one whose
columns fit the most rows is taken, so that one bad cell is reported under its
own column. When no order fits most rows, or two orders that read the rows
differently fit as many, one problem asks for the header line and names the
columns: a value is never reported as another field.
"""

from collections.abc import Callable, Sequence

from racing import registry
from racing.parsing.csvrows import WHOLE_NUMBER, PackageError, problem
from racing.standings import STATUSES
from racing.timefmt import TimeFormatError, parse_time_cell

# The documented order of the columns of a results file (RACE_PACKAGE.md).
RESULT_COLUMNS = (
    "rank",
    "bib",
    "time",
    "status",
    "bonus",
    "penalty",
    "gc_time",
    "points",
    "kom_points",
)
# The header of the packages' own results files: the rider's name third.
PACKAGE_COLUMNS = ("rank", "bib", "rider", *RESULT_COLUMNS[2:])
# The stage export (RACE_PACKAGE.md "Export"), and as it was written before it
# had the team's name beside its code (files downloaded then).
EXPORT_COLUMNS = registry.TABLES["stage"].csv_columns
EXPORT_COLUMNS_BEFORE_TEAM_NAME = tuple(c for c in EXPORT_COLUMNS if c != "team_name")

# The orders recognised without a header, the most likely first.
LAYOUTS = (
    PACKAGE_COLUMNS,
    RESULT_COLUMNS,
    EXPORT_COLUMNS,
    EXPORT_COLUMNS_BEFORE_TEAM_NAME,
)

HEADER_NEEDED = (
    "the rows have no header line and their columns are in no known order: paste "
    f"the header line first, e.g. {','.join(PACKAGE_COLUMNS)} (rank, bib and time "
    "are required; the other columns may be left out)"
)


def _number(cell: str) -> bool:
    return not cell or bool(WHOLE_NUMBER.fullmatch(cell))


def _time(cell: str) -> bool:
    try:
        parse_time_cell(cell)
    except TimeFormatError:
        return False
    return True


def _name(cell: str) -> bool:
    """A rider's name or a team's code: has a letter and is no time (``s.t.``)."""
    return not cell or (any(c.isalpha() for c in cell) and not _time(cell))


def _status(cell: str) -> bool:
    return not cell or cell.upper() in STATUSES


# What a cell of each column looks like; the other columns are whole numbers.
_SHAPES: dict[str, Callable[[str], bool]] = {
    "rider": _name,
    "team": _name,
    "team_name": _name,
    "time": _time,
    "gap": _time,
    "gc_time": _time,
    "status": _status,
}


def _fits(layout: Sequence[str], cells: Sequence[str]) -> bool:
    """Every cell of the row has the form of its column in ``layout``."""
    if any(c.strip() for c in cells[len(layout) :]):
        return False
    return all(
        _SHAPES.get(column, _number)(cell.strip())
        for column, cell in zip(layout, cells, strict=False)
    )


def _width(cells: Sequence[str]) -> int:
    """Cells up to the last one that is not blank."""
    return max((i + 1 for i, c in enumerate(cells) if c.strip()), default=0)


def result_columns(label: str, rows: list[list[str]]) -> tuple[str, ...]:
    """The columns of result ``rows`` pasted without a header: the order of
    :data:`LAYOUTS` that fits the most rows, when it fits more than half of them
    and no order that reads the rows differently fits as many. Raises
    ``PackageError`` with one problem asking for the header line otherwise."""
    counts = [sum(_fits(layout, cells) for cells in rows) for layout in LAYOUTS]
    best = max(counts)
    chosen = [lay for lay, n in zip(LAYOUTS, counts, strict=True) if n == best]
    width = max((_width(cells) for cells in rows), default=0)
    if best * 2 <= len(rows) or len({lay[:width] for lay in chosen}) > 1:
        raise PackageError([problem(label, None, HEADER_NEEDED)])
    return chosen[0]
