"""The files of each stage in a race package (RACE_PACKAGE.md): results/,
crossings/ and reports/, one ``stage-NN`` file per stage of stages.csv."""

import re
from collections.abc import Mapping

from racing.i18n import LANGUAGE_CODES, SOURCE_LANGUAGE
from racing.parsing.crossings import parse_crossings_table
from racing.parsing.csvrows import PackageError, decode, problem
from racing.parsing.racefiles import CheckpointSpec
from racing.parsing.results import ResultsTable, StartListRider, parse_results_table
from racing.parsing.sources import PackageFiles
from racing.parsing.stagelist import StageSpec
from racing.standings import OUT_STATUSES, exits
from racing.text import fold

# stage-NN.csv, stage-NN.md, or a report in another language: stage-NN.fr.md.
STAGE_FILE = re.compile(r"^stage-(\d{2,3})(?:\.([a-z]{2}))?\.(csv|md)$")


def read_results(
    files: PackageFiles,
    stages: Mapping[int, StageSpec],
    start_list: Mapping[int, StartListRider],
    errors: list[str],
) -> dict[int, ResultsTable]:
    """results/stage-NN.csv: each stage's result table, read in stage order so
    that a row for a rider already out of the race for good is refused: his exit
    by ``racing.standings.exits`` over the stages read so far (all finished) is
    final, a DNF, DNS or DSQ. An OTL or a missing row is not final (the jury may
    reinstate him), so his later rows are read."""
    results: dict[int, ResultsTable] = {}
    # bib -> stage -> status; the first row of a bib listed twice on a stage
    # counts (the duplicate is refused anyway).
    statuses: dict[int, dict[int, str]] = {}
    # A final exit is a DNF, DNS or DSQ row, so only the riders with one need
    # exits(): the cost stays that of a few riders, not of the whole field.
    leaving: set[int] = set()
    out_of_race: dict[int, str] = {}
    for number, (label, text) in sorted(
        _stage_texts(files, "results", "csv", stages, errors).items()
    ):
        table = parse_results_table(label, text, start_list, out_of_race=out_of_race)
        errors.extend(table.problems)
        results[number] = table
        for row in table.rows:
            if row.bib is not None:
                statuses.setdefault(row.bib, {}).setdefault(number, row.status)
                if row.status in OUT_STATUSES:
                    leaving.add(row.bib)
        rows = ((b, n, st) for b in leaving for n, st in statuses[b].items())
        out_of_race = {
            bib: f"{gone.status} on stage {gone.stage}"
            for bib, gone in exits(rows, results).items()
            if gone.final
        }
    return results


def _stage_texts(
    files: PackageFiles,
    folder: str,
    suffix: str,
    stages: Mapping[int, StageSpec],
    errors: list[str],
) -> dict[int, tuple[str, str]]:
    """The text of each readable ``folder/stage-NN.suffix`` of a stage of
    stages.csv, by stage number, with the file's label; a file of another name or
    stage, or not UTF-8, is a problem."""
    return {
        number: text
        for (number, _), text in _stage_texts_in(
            files, folder, suffix, stages, errors, translated=False
        ).items()
    }


def _stage_texts_in(
    files: PackageFiles,
    folder: str,
    suffix: str,
    stages: Mapping[int, StageSpec],
    errors: list[str],
    *,
    translated: bool,
) -> dict[tuple[int, str], tuple[str, str]]:
    """As ``_stage_texts``, by stage number and language: with ``translated``, a
    file may name one of the site's languages (``stage-NN.fr.md``); without a
    name, it is English."""
    texts: dict[tuple[int, str], tuple[str, str]] = {}
    for label in sorted(files):
        if not label.startswith(f"{folder}/") or not label.endswith(f".{suffix}"):
            continue
        m = STAGE_FILE.match(label.removeprefix(f"{folder}/"))
        if not m or (m.group(2) and not translated):
            errors.append(f"{label}: file name must be stage-NN.{suffix}")
            continue
        language = m.group(2) or SOURCE_LANGUAGE
        if m.group(2) == SOURCE_LANGUAGE:
            errors.append(
                f"{label}: an English report is stage-NN.{suffix}, without "
                f"'.{SOURCE_LANGUAGE}'"
            )
            continue
        if language not in LANGUAGE_CODES:
            known = ", ".join(sorted(LANGUAGE_CODES))
            errors.append(
                f"{label}: language '{language}' is not one of the site's ({known})"
            )
            continue
        number = int(m.group(1))
        refused = _refused(label, number, stages, played=folder != "reports")
        if refused:
            errors.append(refused)
            continue
        try:
            texts[number, language] = (label, decode(label, files[label]))
        except PackageError as exc:
            errors.extend(exc.problems)
    return texts


def _refused(
    label: str, number: int, stages: Mapping[int, StageSpec], *, played: bool
) -> str:
    """Why the file of stage ``number`` cannot be read ("" when it can): a stage
    not in stages.csv, after the race's last stage, or (for what only a raced
    stage has: results, crossings) a stage that was not raced."""
    if number in stages:
        spec = stages[number]
        if played and spec.cancelled:
            return problem(
                label,
                1,
                f"stage {number} was not raced (status cancelled, stages.csv line "
                f"{spec.line}): a cancelled stage has no results or crossings",
            )
        return ""
    last = max(stages.values(), key=lambda s: s.number, default=None)
    if last is not None and number > last.number:
        return problem(
            label,
            1,
            f"stage {number} is after the race's last stage ({last.number}, "
            f"stages.csv line {last.line})",
        )
    return f"{label}: stage {number} is not in stages.csv"


def read_crossings(
    files: PackageFiles,
    stages: Mapping[int, StageSpec],
    checkpoints: list[CheckpointSpec],
    start_list: Mapping[int, StartListRider],
    errors: list[str],
) -> dict[int, list[tuple[str, int, int]]]:
    """crossings/stage-NN.csv (optional): stage -> (checkpoint name, rank, bib) of
    the rows without problems."""
    crossings: dict[int, list[tuple[str, int, int]]] = {}
    texts = _stage_texts(files, "crossings", "csv", stages, errors)
    for number, (label, text) in texts.items():
        on_stage = {fold(c.name): c for c in checkpoints if c.stage == number}
        rows, problems = parse_crossings_table(label, text, on_stage, start_list, {})
        errors.extend(problems)
        crossings[number] = [
            (r.checkpoint.name, r.rank, r.bib) for r in rows if not r.problems
        ]
    return crossings


def read_reports(
    files: PackageFiles, stages: Mapping[int, StageSpec], errors: list[str]
) -> dict[tuple[int, str], tuple[str, str]]:
    """reports/stage-NN.md and reports/stage-NN.<language>.md (optional):
    (stage, language) -> (headline, body), the first line being ``# Headline``."""
    reports: dict[tuple[int, str], tuple[str, str]] = {}
    for key, (label, text) in _stage_texts_in(
        files, "reports", "md", stages, errors, translated=True
    ).items():
        first, _, body = text.strip().partition("\n")
        if not first.startswith("# ") or not first[2:].strip():
            errors.append(problem(label, 1, 'first line must be "# Headline"'))
            continue
        reports[key] = (first[2:].strip(), body.strip())
    return reports
