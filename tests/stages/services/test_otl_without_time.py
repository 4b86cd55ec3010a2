"""A rider eliminated outside the time limit, listed without a rank or a time
(``,13,,OTL``): imported (package or results file), shown on the stage page with
his status and no time, out of the GC from that stage on, and exported so that a
re-import gives the same rows."""

import io
import re

from django.core.management import call_command

from editions.models import Entry
from stages.models import Stage, StageResult, Standing
from stages.services.packages import package_import
from stages.services.results import results_import
from tests.factories import TIMES, paste_text
from tests.stages.services.test_packages import write_package

# Stage 2 of the small race with Faure (bib 13, last) eliminated: no rank, no time.
WITHOUT_FAURE = {bib: t for bib, t in TIMES[2].items() if bib != 13}
STAGE_2 = paste_text(WITHOUT_FAURE) + ",13,,OTL\n"
STAGE_3 = paste_text({bib: t for bib, t in TIMES[3].items() if bib != 13})


def gc_bibs(stage: Stage) -> list[int]:
    return list(
        Standing.objects.filter(stage=stage, classification="gc")
        .order_by("rank")
        .values_list("entry__bib", flat=True)
    )


def page_row(client, stage: Stage, family: str) -> str:
    """The HTML of the stage result's row of the rider ``family``."""
    url = f"/races/{stage.edition.race.slug}/{stage.edition.year}/stage-{stage.number}/"
    html = client.get(url).content.decode()
    rows = re.findall(r"<tr\b.*?</tr>", html, flags=re.S)
    return next(row for row in rows if family.upper() in row)


def assert_faure_left_on_stage_2(client, stages: dict[int, Stage]) -> None:
    faure = StageResult.objects.get(stage=stages[2], entry__bib=13)
    assert (faure.rank, faure.time_s, faure.status) == (None, None, "OTL")
    assert 13 in gc_bibs(stages[1])
    assert 13 not in gc_bibs(stages[2])
    assert 13 not in gc_bibs(stages[3])
    assert gc_bibs(stages[3])  # the others are still ranked
    entry = Entry.objects.get(edition=stages[2].edition, bib=13)
    assert (entry.exit_stage, entry.exit_status) == (2, "OTL")
    row = page_row(client, stages[2], "Faure")
    assert 'title="Outside the time limit">OTL</abbr>' in row
    assert re.search(r'<td class="num time">\s*</td>', row)


def test_a_package_with_an_otl_row_without_rank_or_time_imports(tmp_path, db, client):
    folder = write_package(tmp_path / "pkg", results=(1, 2, 3))
    (folder / "results" / "stage-02.csv").write_text(STAGE_2)
    (folder / "results" / "stage-03.csv").write_text(STAGE_3)
    edition, _ = package_import(folder)
    stages = {s.number: s for s in Stage.objects.filter(edition=edition)}
    assert_faure_left_on_stage_2(client, stages)


def test_a_results_file_with_an_otl_row_without_rank_or_time_imports(race, client):
    results_import(stage=race.stage(2), label="stage-02.csv", data=STAGE_2)
    results_import(stage=race.stage(3), label="stage-03.csv", data=STAGE_3)
    assert_faure_left_on_stage_2(client, race.stages)


def test_the_export_of_an_otl_row_imports_again_unchanged(race, client, tmp_path):
    stage = race.stage(2)
    results_import(stage=stage, label="stage-02.csv", data=STAGE_2)
    before = list(
        StageResult.objects.filter(stage=stage)
        .order_by("entry__bib")
        .values_list("entry__bib", "rank", "time_s", "status", "bonus", "penalty")
    )
    slug, year = race.edition.race.slug, race.edition.year
    exported = client.get(f"/races/{slug}/{year}/stage-2/stage.csv").content
    path = tmp_path / "stage-02.csv"
    path.write_bytes(exported)
    StageResult.objects.filter(stage=stage).delete()
    call_command(
        "import_results",
        f"--race={slug}",
        f"--year={year}",
        "--stage=2",
        str(path),
        stdout=io.StringIO(),
    )
    after = list(
        StageResult.objects.filter(stage=stage)
        .order_by("entry__bib")
        .values_list("entry__bib", "rank", "time_s", "status", "bonus", "penalty")
    )
    assert after == before
    assert client.get(f"/races/{slug}/{year}/stage-2/stage.csv").content == exported
