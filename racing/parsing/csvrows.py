"""CSV tables of race packages and pastes: decoding, reading, problems by line."""

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass


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
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise PackageError(
            [problem(label, line, f"is not UTF-8 text (byte {data[exc.start]:#04x})")]
        ) from None


def read_csv(
    label: str,
    text: str,
    required: Iterable[str],
    *,
    default_header: tuple[str, ...] | None = None,
) -> list[CsvRow]:
    """Rows of a CSV (comma or tab separated) keyed by lower-case header names.

    With ``default_header``, a table whose first row is not a header is read as
    having those columns (pasted results without a header row).
    """
    lines = text.splitlines()
    first = next((ln for ln in lines if ln.strip()), "")
    delimiter = "\t" if "\t" in first else ","
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    start = 0
    while start < len(rows) and not any(c.strip() for c in rows[start]):
        start += 1
    if start == len(rows):
        raise PackageError([problem(label, None, "is empty")])
    header = [h.strip().lower() for h in rows[start]]
    body_start = start + 1
    if default_header and header and header[0] not in default_header:
        header, body_start = list(default_header), start
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
    return value
