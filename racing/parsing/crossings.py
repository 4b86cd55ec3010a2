"""Checkpoint crossings (RACE_PACKAGE.md crossings): ``checkpoint,rank,bib`` rows."""

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from racing.parsing.csvrows import CsvRow, PackageError, parse_int, problem, read_csv
from racing.parsing.results import StartListRider
from racing.text import fold

CROSSING_COLUMNS = ("checkpoint", "rank", "bib")


@dataclass
class CrossingRow:
    line: int
    checkpoint: Any  # the stage's checkpoint named on the row, or None
    name: str
    rank: int | None
    bib: int | None
    problems: list[str]


def parse_crossings_table(
    label: str,
    text: str,
    checkpoints: Mapping[str, Any],
    start_list: Mapping[int, StartListRider],
    out_of_race: Mapping[int, str],
    *,
    header_optional: bool = False,
) -> tuple[list[CrossingRow], list[str]]:
    """Rows ``checkpoint,rank,bib`` of one stage (RACE_PACKAGE.md crossings).

    ``checkpoints`` maps folded names (case and accents ignored) to the stage's
    checkpoints (anything with a ``name``); ``out_of_race`` maps the bibs of riders
    out before this stage to why. The header row is optional with
    ``header_optional`` (pasted rows). Returns the rows and every problem, each
    naming ``label`` and its line; a row's own problems are also on the row.
    """
    try:
        csv_rows = read_csv(
            label,
            text,
            CROSSING_COLUMNS,
            default_header=CROSSING_COLUMNS if header_optional else None,
        )
    except PackageError as exc:
        return [], exc.problems
    rows: list[CrossingRow] = []
    seen: dict[tuple[str, str], int] = {}
    for csv_row in csv_rows:
        errs: list[str] = []
        rows.append(
            _crossing_row(label, csv_row, checkpoints, start_list, out_of_race, errs)
        )
        row = rows[-1]
        if row.checkpoint is not None:
            for key, what in (
                ((row.checkpoint.name, f"rank {row.rank}"), row.rank),
                ((row.checkpoint.name, f"bib {row.bib}"), row.bib),
            ):
                if what is None:
                    continue
                if key in seen:
                    errs.append(
                        problem(
                            label,
                            row.line,
                            f"duplicate {key[1]} at {row.checkpoint.name} "
                            f"(already on line {seen[key]})",
                        )
                    )
                else:
                    seen[key] = row.line
        row.problems = errs
    return rows, [p for r in rows for p in r.problems]


def _crossing_row(
    label: str,
    csv_row: CsvRow,
    checkpoints: Mapping[str, Any],
    start_list: Mapping[int, StartListRider],
    out_of_race: Mapping[int, str],
    errs: list[str],
) -> CrossingRow:
    name = csv_row.get("checkpoint")
    checkpoint = checkpoints.get(fold(name))
    if checkpoint is None:
        known = ", ".join(c.name for c in checkpoints.values()) or "none yet"
        errs.append(
            problem(
                label,
                csv_row.line,
                f"checkpoint {name!r} is not on this stage (checkpoints: {known})",
            )
        )
    rank = parse_int(csv_row, "rank", label, errs, minimum=1)
    bib = parse_int(csv_row, "bib", label, errs, minimum=1)
    if rank is None and not any("rank" in e for e in errs):
        errs.append(problem(label, csv_row.line, "rank is missing"))
    if bib is None and not any("bib" in e for e in errs):
        errs.append(problem(label, csv_row.line, "bib is missing"))
    if bib is not None:
        rider = start_list.get(bib)
        if rider is None:
            errs.append(
                problem(label, csv_row.line, f"bib {bib} is not on the start list")
            )
        elif bib in out_of_race:
            errs.append(
                problem(
                    label,
                    csv_row.line,
                    f"bib {bib} ({rider.family_name}) is already out of the race "
                    f"({out_of_race[bib]})",
                )
            )
    return CrossingRow(csv_row.line, checkpoint, name, rank, bib, errs)
