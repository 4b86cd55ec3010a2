"""CSV tables of race packages and pastes: decoding, reading, problems by line."""

import csv
import io
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from defusedcsv import csv as defused_csv


class PackageError(Exception):
    """One or more problems, each naming the file, the line and what is wrong."""

    def __init__(self, problems: Iterable[str]):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


def problem(file: str, line: int | None, message: str) -> str:
    return f"{file} line {line}: {message}" if line else f"{file}: {message}"


@dataclass
class CsvRow:
    line: int
    values: dict[str, str]

    def get(self, key: str) -> str:
        return (self.values.get(key) or "").strip()


def decode(label: str, data: bytes) -> str:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise PackageError(
            [problem(label, line, f"is not UTF-8 text (byte {data[exc.start]:#04x})")]
        ) from None
    no_nul(label, text)
    return text


def no_nul(label: str, text: str) -> None:
    """Text has no NUL character: no column holds one, and PostgreSQL refuses it."""
    if "\x00" in text:
        line = text[: text.index("\x00")].count("\n") + 1
        raise PackageError([problem(label, line, "contains a NUL character")])


# A cell a spreadsheet runs as a formula starts with one of these (the characters
# defusedcsv neutralises in the exports).
FORMULA_STARTS = "=+-@|%"
# How the export writes a neutralised cell: apostrophes, then a formula character
# or an escaped ``|``. A text cell that starts so gets one apostrophe more.
NEUTRALISED = re.compile("'+(?:[" + re.escape(FORMULA_STARTS) + r"]|\\\|)")


def write_neutralised(out: io.StringIO, rows: Iterable[Iterable[object]]) -> None:
    """Write CSV rows with every text cell a spreadsheet would run as a formula
    neutralised (defusedcsv: an apostrophe before it, its ``|`` as ``\\|``), and a
    cell that already looks so (:data:`NEUTRALISED`) given one apostrophe more:
    :func:`restore_cell` reads every cell back exactly."""
    writer = defused_csv.writer(out, lineterminator="\n")
    for row in rows:
        cells = ["" if c is None else str(c) for c in row]
        writer.writerow(["'" + c if NEUTRALISED.match(c) else c for c in cells])


def restore_cell(cell: str) -> str:
    """A cell as it was before the export neutralised it for spreadsheets.

    The export (defusedcsv) writes a text cell that starts with one of
    :data:`FORMULA_STARTS` (other than a plain number such as ``-5``) with an
    apostrophe before it and each ``|`` in it as ``\\|`` (``'=HYPERLINK(...)``),
    and a text cell that matches :data:`NEUTRALISED` with one apostrophe more. So
    a cell that matches :data:`NEUTRALISED` loses its first apostrophe and, when
    no apostrophe follows it, has its ``\\|`` read as ``|`` again; every other
    cell is read as written. Export then import gives every cell back exactly.
    """
    if not NEUTRALISED.match(cell):
        return cell
    cell = cell[1:]
    return cell if cell.startswith("'") else cell.replace("\\|", "|")


# Every data row has one (its bib); a header line has none.
WHOLE_NUMBER = re.compile(r"[+-]?\d+")


def sniff(label: str, text: str) -> tuple[str, str]:
    """Pasted or uploaded CSV text with every line ending (an old Mac's bare CR
    too) as ``\\n``, and its delimiter: a tab when the first non-blank line has
    one (a spreadsheet's copy), else a comma. A NUL character is a problem. A
    byte-order mark in front (the site's CSV export has one) is dropped."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    no_nul(label, text)
    first = next((ln for ln in text.split("\n") if ln.strip()), "")
    return text, "\t" if "\t" in first else ","


def read_csv(
    label: str,
    text: str,
    required: Iterable[str],
    *,
    default_header: tuple[str, ...] | None = None,
    headerless: Callable[[str, list[list[str]]], Sequence[str]] | None = None,
) -> list[CsvRow]:
    """Rows of a CSV (comma or tab separated) keyed by lower-case header names,
    each cell as :func:`restore_cell` gives it.

    With ``default_header`` or ``headerless``, the first row is the header only
    when it has no whole number in it (every data row has a bib); rows without a
    header are read as having the columns ``default_header``, or those that
    ``headerless(label, rows)`` gives for them (it raises ``PackageError`` when
    it cannot tell them).
    """
    text, delimiter = sniff(label, text)
    rows = _rows(label, text, delimiter)
    start = 0
    while start < len(rows) and not any(c.strip() for c in rows[start]):
        start += 1
    if start == len(rows):
        raise PackageError([problem(label, None, "is empty")])
    header = [h.strip().lower() for h in rows[start]]
    body_start = start + 1
    optional = default_header is not None or headerless is not None
    if optional and any(WHOLE_NUMBER.fullmatch(c) for c in header):
        body_start = start
        if headerless is not None:
            data = [r for r in rows[start:] if any(c.strip() for c in r)]
            header = list(headerless(label, data))
        else:
            header = list(default_header or ())
    missing = [c for c in required if c not in header]
    if missing:
        raise PackageError(
            [problem(label, start + 1, f"missing required column {', '.join(missing)}")]
        )
    out = []
    for index in range(body_start, len(rows)):
        cells = rows[index]
        if not any(c.strip() for c in cells):
            continue
        out.append(CsvRow(index + 1, dict(zip(header, cells, strict=False))))
    return out


def _rows(label: str, text: str, delimiter: str) -> list[list[str]]:
    """The cells of every row, each as :func:`restore_cell` gives it."""
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        return [[restore_cell(c) for c in cells] for cells in reader]
    except csv.Error as exc:  # a quote left open at the end
        line = reader.line_num or None
        raise PackageError([problem(label, line, f"is not CSV text ({exc})")]) from None


# Every whole number of a package fits in two bytes (ranks, bibs, points, bonus and
# penalty seconds, stage numbers): larger is a typing slip, and no column holds it.
INT_MAX = 32767


def parse_int(
    row: CsvRow, key: str, label: str, errors: list[str], *, minimum: int | None = 0
) -> int | None:
    raw = row.get(key)
    if raw == "":
        return None
    try:
        value = int(raw)
    except ValueError:
        errors.append(problem(label, row.line, f"{key} {raw!r} is not a whole number"))
        return None
    if minimum is not None and value < minimum:
        errors.append(problem(label, row.line, f"{key} {value} is below {minimum}"))
        return None
    if abs(value) > INT_MAX:
        errors.append(problem(label, row.line, f"{key} {value} is too large"))
        return None
    return value


def package_rows(
    files: Mapping[str, bytes], name: str, required: tuple[str, ...], errors: list[str]
) -> list[CsvRow]:
    """The rows of the package's CSV file ``name``; none when it is missing or
    unreadable (the problem is in ``errors``)."""
    if name not in files:
        errors.append(f"{name}: missing")
        return []
    try:
        return read_csv(name, decode(name, files[name]), required)
    except PackageError as exc:
        errors.extend(exc.problems)
    return []
