"""A race package (RACE_PACKAGE.md) written from plain data: the reverse of
``racing.parsing.package.read_package``.

:func:`package_to_files` gives the files of the layout by their name in the
package, the mapping ``read_package`` also reads; :func:`package_zip` puts them
in a zip under one top folder, ``<slug>-<year>/`` (:func:`package_folder`).
Reading what is written gives the package back: the same teams, riders, stages,
checkpoints, results, crossings, reports and rules.

The same package gives the same bytes: rows in a fixed order (riders by bib,
stages by number, results by rank), zip entries sorted and all dated 1980-01-01.

Every CSV cell is written as the site's exports write text cells (defusedcsv): a
cell a spreadsheet would run as a formula (a leading ``=``, ``+``, ``-``, ``@``,
``|``, ``%``) gets an apostrophe, which the reader takes off again
(``racing.parsing.csvrows.restore_cell``). Times and numbers never start so (no
time is negative, and a negative number stays as it is), so they are written as
they are.
"""

import io
import math
import re
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from datetime import date

from racing.i18n import SOURCE_LANGUAGE
from racing.parsing.crossings import CROSSING_COLUMNS
from racing.parsing.csvrows import write_neutralised
from racing.parsing.layouts import PACKAGE_COLUMNS
from racing.parsing.package import Package
from racing.parsing.results import ResultRow, StartListRider
from racing.standings import FINISHED_STATUSES
from racing.timefmt import format_race_time, format_time

TEAM_COLUMNS = ("code", "name", "country")
RIDER_COLUMNS = ("bib", "first_name", "last_name", "nationality", "birth_date", "team")
STAGE_COLUMNS = (
    *("number", "date", "start", "finish", "distance_km", "type"),
    *("points_scale", "team_times", "status"),
)
CHECKPOINT_COLUMNS = (
    *("stage", "kind", "name", "km", "category", "multiplier"),
    *("altitude", "scale"),
)
# Result columns a stage may leave to the rules (RACE_PACKAGE.md): a column that
# is present is taken as published, one that is left out is computed.
AWARD_COLUMNS = ("bonus", "points", "kom_points")

# The earliest time a zip entry can carry: every entry has it, so that the same
# files give the same bytes.
_ZIP_TIME = (1980, 1, 1, 0, 0, 0)


def package_folder(package: Package) -> str:
    """The package's top folder in a zip: ``tour-de-france-2023``."""
    return f"{package.slug}-{package.year}"


def write_package_zip(package: Package) -> bytes:
    """The whole package as a zip: its files (:func:`package_to_files`) in its
    folder (:func:`package_folder`)."""
    return package_zip(package_to_files(package), package_folder(package))


def package_to_files(package: Package) -> dict[str, bytes]:
    """Every file of the package by its name in the package (``teams.csv``,
    ``results/stage-07.csv``), UTF-8.

    ``checkpoints.csv`` is written when the package has checkpoints, a crossings
    file for each stage with crossings, a results file for each stage in
    ``package.results`` and a report for each stage in ``package.reports``.
    Raises ``ValueError`` when a value cannot be written so that it reads back
    the same (see :func:`results_csv` and :func:`edition_toml`).
    """
    files = {
        "edition.toml": edition_toml(package).encode(),
        "teams.csv": _csv(
            TEAM_COLUMNS,
            ((code, name, country) for code, (name, country) in package.teams.items()),
        ),
        "riders.csv": _csv(
            RIDER_COLUMNS,
            (
                (bib, r.given_name, r.family_name, nat, born, r.team_code)
                for bib, (r, nat, born) in sorted(package.riders.items())
            ),
        ),
        "stages.csv": _csv(
            STAGE_COLUMNS,
            (
                (s.number, s.date, s.start, s.finish, s.distance_km, s.type)
                + (s.points_scale, s.team_times, s.status)
                for _, s in sorted(package.stages.items())
            ),
        ),
    }
    if package.checkpoints:
        files["checkpoints.csv"] = _csv(
            CHECKPOINT_COLUMNS,
            (
                (c.stage, c.kind, c.name, c.km, c.category, c.multiplier)
                + (c.altitude_m, c.scale)
                for c in package.checkpoints
            ),
        )
    start_list = {bib: spec[0] for bib, spec in package.riders.items()}
    for number, table in sorted(package.results.items()):
        files[f"results/{stage_file(number)}.csv"] = results_csv(
            number, table.rows, start_list
        )
    for number, crossings in sorted(package.crossings.items()):
        if crossings:
            files[f"crossings/{stage_file(number)}.csv"] = _csv(
                CROSSING_COLUMNS, crossings
            )
    for (number, language), (headline, body) in sorted(package.reports.items()):
        files[report_file(number, language)] = report_text(headline, body)
    return files


def stage_file(number: int) -> str:
    """``stage-07``: a stage's files are named after its number, two digits."""
    return f"stage-{number:02d}"


def package_zip(files: Mapping[str, bytes], folder: str) -> bytes:
    """A zip of ``files`` (name in the package -> content), each under
    ``folder/``, in the order of their names, compressed, all with the same date
    and permissions: the same files give the same bytes."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name in sorted(files):
            info = zipfile.ZipInfo(f"{folder}/{name}", date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.create_system = 3  # Unix, wherever the zip is made
            info.external_attr = 0o644 << 16  # a plain file, readable by all
            archive.writestr(info, files[name])
    return buffer.getvalue()


# CSV ------------------------------------------------------------------------------


def _csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    """A CSV file: the header, then the rows, neutralised as the exports write
    them (``write_neutralised``)."""
    buffer = io.StringIO()
    write_neutralised(buffer, [header, *rows])
    return buffer.getvalue().encode()


def results_csv(
    number: int, rows: Sequence[ResultRow], start_list: Mapping[int, StartListRider]
) -> bytes:
    """results/stage-NN.csv: every column of RACE_PACKAGE.md, the rider's name
    third (the reader checks it against the bib), one row per ``rows``, by rank,
    the riders without a rank after them by bib.

    ``time`` is absolute (``H:MM:SS``, ``.hh`` where hundredths were recorded)
    for a rider who finished (OK, OTL), blank for the others and for an OTL
    rider listed without a time; ``gc_time`` only where it differs from
    ``time``. An award column (bonus, points, kom_points) that is None on every
    row is left out, so that the reader computes it from the rules again;
    otherwise every row needs a value, or ``ValueError`` names the row (a blank
    in a column that is present reads as 0).
    """
    omitted = {
        column
        for column in AWARD_COLUMNS
        if all(getattr(row, column) is None for row in rows)
    }
    header = [c for c in PACKAGE_COLUMNS if c not in omitted]
    ordered = sorted(rows, key=lambda r: (r.rank is None, r.rank or 0, r.bib or 0))
    body = []
    for row in ordered:
        rider = start_list.get(row.bib)
        if rider is None:
            raise ValueError(f"stage {number}: bib {row.bib} is not on the start list")
        cells = _result_cells(row, rider)
        for column in AWARD_COLUMNS:
            if column not in omitted and cells[column] is None:
                raise ValueError(
                    f"stage {number}, bib {row.bib}: {column} is left to the "
                    "rules while other riders' are published"
                )
        body.append([cells[c] for c in header])
    return _csv(header, body)


def _result_cells(row: ResultRow, rider: StartListRider) -> dict[str, object]:
    finished = row.status in FINISHED_STATUSES
    time = format_race_time(row.time_s, row.hundredths) if finished else ""
    gc_time = row.gc_time_s if finished and row.gc_time_s != row.time_s else None
    return {
        "rank": row.rank,
        "bib": row.bib,
        "rider": rider.display_name,
        "time": time,
        "status": row.status,
        "bonus": row.bonus,
        "penalty": row.penalty,
        "gc_time": format_time(gc_time),
        "points": row.points,
        "kom_points": row.kom_points,
    }


def report_file(number: int, language: str) -> str:
    """``reports/stage-12.md`` (English, the package's own), else
    ``reports/stage-12.fr.md``."""
    suffix = "" if language == SOURCE_LANGUAGE else f".{language}"
    return f"reports/{stage_file(number)}{suffix}.md"


def report_text(headline: str, body: str) -> bytes:
    """reports/stage-NN.md: ``# Headline`` (on one line), a blank line, the body."""
    first = "# " + " ".join(headline.splitlines()).strip()
    body = body.strip()
    return (f"{first}\n\n{body}\n" if body else f"{first}\n").encode()


# edition.toml ---------------------------------------------------------------------

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_ESCAPES = {
    '"': '\\"',
    "\\": "\\\\",
    "\b": "\\b",
    "\t": "\\t",
    "\n": "\\n",
    "\f": "\\f",
    "\r": "\\r",
}
# Rule keys that are tables of named entries (``points_scales.<scale>``).
_SCALE_TABLES = ("points_scales", "climb_points", "category_names")


def edition_toml(package: Package) -> str:
    """edition.toml: ``race``, ``slug``, ``year``, and a ``[rules]`` table with the
    package's rule overrides and its youth cut-off (``youth_born_on_or_after``,
    a TOML date). Scale tables are written as tables (``[rules.points_scales]``),
    also when the overrides name a scale with a dotted key
    (``"points_scales.flat"``). Raises ``ValueError`` for a value TOML cannot
    hold (None, a float that is not finite)."""
    rules: dict[str, object] = {}
    for key, value in package.rules.items():
        head, _, tail = str(key).partition(".")
        current = rules.get(head)
        mergeable = head in _SCALE_TABLES and (
            current is None or isinstance(current, Mapping)
        )
        if mergeable and tail:
            rules[head] = {**(current or {}), tail: value}
        elif mergeable and isinstance(value, Mapping):
            rules[head] = {**(current or {}), **value}
        else:
            rules[str(key)] = value
    rules["youth_born_on_or_after"] = package.youth_born_on_or_after
    lines = [
        f"race = {_toml_string(package.race_name)}",
        f"slug = {_toml_string(package.slug)}",
        f"year = {package.year}",
        "",
        *_toml_table(("rules",), rules),
    ]
    return "\n".join(lines) + "\n"


def _toml_table(path: tuple[str, ...], table: Mapping[str, object]) -> list[str]:
    """``[path]`` and its keys: the plain values, then each sub-table."""
    lines = ["[" + ".".join(_toml_key(p) for p in path) + "]"]
    tables = []
    for key, value in table.items():
        if isinstance(value, Mapping):
            tables.append((key, value))
        else:
            lines.append(f"{_toml_key(key)} = {_toml_value(value)}")
    for key, value in tables:
        lines += ["", *_toml_table((*path, str(key)), value)]
    return lines


def _toml_key(key: object) -> str:
    text = str(key)
    return text if _BARE_KEY.fullmatch(text) else _toml_string(text)


def _toml_string(text: str) -> str:
    """A TOML basic string: quotes, backslashes and control characters escaped."""
    out = []
    for char in text:
        if char in _ESCAPES:
            out.append(_ESCAPES[char])
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def _toml_value(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float) and math.isfinite(value):
        return repr(value)
    if isinstance(value, str):
        return _toml_string(value)
    if isinstance(value, date):  # a datetime too: TOML has both
        return value.isoformat()
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_toml_value(v) for v in value) + "]"
    if isinstance(value, Mapping):
        pairs = (f"{_toml_key(k)} = {_toml_value(v)}" for k, v in value.items())
        return "{ " + ", ".join(pairs) + " }" if value else "{}"
    raise ValueError(f"edition.toml: cannot write {value!r} in TOML")
