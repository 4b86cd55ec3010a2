"""The rider page's "Climbs and sprints": where he scored at each sprint, climb
and bonus point of an edition, as a fan reads it (riders.scored)."""

import re
from html import unescape

from editions.models import Entry
from riders.scored import scored_by_entry
from stages.models import CheckpointCrossing, StageResult, Standing


def scored_section(html: str, anchor: str) -> str:
    start = html.index(f'id="scored-{anchor}"')
    return html[start : html.index("</section>", start)]


def rows(section: str) -> list[str]:
    return re.findall(r"<tr[ >].*?</tr>", section, flags=re.S)[1:]  # no head


def text(html: str) -> str:
    return " ".join(unescape(re.sub(r"<[^>]+>", " ", html)).split())


def test_ciccone_tour_mountains_points_are_won_at_the_climbs(client, tour):
    # Giulio Ciccone, the 2023 Tour's king of the mountains with 106 points.
    html = client.get("/riders/giulio-ciccone/").content.decode()
    section = scored_section(html, "tour-de-france-2023")
    summary = text(
        re.search(r"ride-scored__summary[^>]*>(.*?)</p>", section, re.S).group(1)
    )
    assert summary.startswith("13 climbs won, 1 sprint won; 106 mountains points")
    stages = [
        int(n) for n in re.findall(r'data-spoils="tour-de-france/2023/(\d+)"', section)
    ]
    assert stages[1:] == sorted(stages[1:])  # the summary, then rows by stage


def test_each_row_links_its_stage_table_and_is_marked_with_its_stage(client, tour):
    html = client.get("/riders/giulio-ciccone/").content.decode()
    for row in rows(scored_section(html, "tour-de-france-2023")):
        marked = re.search(r'data-spoils="tour-de-france/2023/(\d+)"', row).group(1)
        link = re.search(r'href="([^"]+)"', row).group(1)
        assert link == f"/races/tour-de-france/2023/stage-{marked}/checkpoints/"


def test_gall_won_the_col_de_la_loze_double_points_and_its_bonus(client, tour):
    html = client.get("/riders/felix-gall/").content.decode()
    section = rows(scored_section(html, "tour-de-france-2023"))
    loze = [text(r) for r in section if "Col de la Loze" in r]
    assert loze == [
        "Col de la Loze won Stage 17 : climbs & sprints · Climb · HC · km 159.1 "
        "1 40 pts",
        "Col de la Loze (bonus point) won Stage 17 : climbs & sprints · Bonus point · "
        "km 159.1 1 8 s",
    ]
    won = [r for r in section if "Col de la Loze" in r]
    assert all('class="win"' in r for r in won)  # highlighted, and says "won"


def test_places_that_won_nothing_are_left_out(client, tour):
    html = client.get("/riders/giulio-ciccone/").content.decode()
    found = rows(scored_section(html, "tour-de-france-2023"))
    assert len(found) > 10  # he scored on many climbs: rows to look at
    for row in found:
        assert re.search(r"\d+&nbsp;<abbr", row), text(row)


def test_a_rider_who_scored_nowhere_gets_one_line(client, tour):
    nobody = (
        Entry.objects.filter(edition=tour, crossings__isnull=True)
        .select_related("rider")
        .order_by("bib")
        .first()
    )
    html = client.get(nobody.rider.get_absolute_url()).content.decode()
    section = scored_section(html, "tour-de-france-2023")
    assert "No points or bonus seconds at a sprint, climb or bonus point." in section
    assert "<table" not in section


def test_spoiler_free_hides_the_block_whoever_he_is(client, tour):
    """A scorer's and a non-scorer's section wait for the edition's latest stage
    as one block (the same placeholder for both), each row inside for its own
    stage too."""
    nobody = (
        Entry.objects.filter(edition=tour, crossings__isnull=True)
        .select_related("rider")
        .order_by("bib")
        .first()
    )
    block = '<div class="ride-scored__body" data-spoils="tour-de-france/2023/21">'
    for url in ("/riders/giulio-ciccone/", nobody.rider.get_absolute_url()):
        section = scored_section(
            client.get(url).content.decode(), "tour-de-france-2023"
        )
        assert block in section
        before = section[: section.index(block)]
        assert "data-spoils" not in before  # only the heading is outside
        assert "<tr" not in before


def block_stage(html: str, anchor: str) -> int:
    """The stage the "Climbs and sprints" block of ``anchor`` waits for."""
    section = scored_section(html, anchor)
    found = re.search(r'class="ride-scored__body" data-spoils="[^"]+/(\d+)"', section)
    return int(found.group(1))


def test_crossings_entered_before_the_results_wait_for_their_own_stage(client, tour):
    """Crossings may be entered before their stage has results: the block sums
    them, so it waits for the latest stage among them, not only for the
    edition's latest stage with results (which would give a later stage's
    scores away)."""
    StageResult.objects.filter(stage__edition=tour, stage__number=21).delete()
    scorer = (
        CheckpointCrossing.objects.filter(
            checkpoint__stage__edition=tour, checkpoint__stage__number=21, rank=1
        )
        .select_related("entry__rider")
        .first()
    )
    assert scorer is not None  # someone won a checkpoint of stage 21
    html = client.get(scorer.entry.rider.get_absolute_url()).content.decode()
    assert block_stage(html, "tour-de-france-2023") == 21
    assert "Stage 21" in scored_section(html, "tour-de-france-2023")
    # Ciccone: the block waits at least for his latest scoring stage.
    html = client.get("/riders/giulio-ciccone/").content.decode()
    section = scored_section(html, "tour-de-france-2023")
    marked = [int(n) for n in re.findall(r"/2023/(\d+)\"", section)]
    assert block_stage(html, "tour-de-france-2023") >= max(marked) >= 20
    # Whoever scored nothing waits for the latest stage with results, now 20.
    nobody = (
        Entry.objects.filter(edition=tour, crossings__isnull=True)
        .select_related("rider")
        .order_by("bib")
        .first()
    )
    html = client.get(nobody.rider.get_absolute_url()).content.decode()
    assert block_stage(html, "tour-de-france-2023") == 20


def test_checkpoint_climb_points_add_up_to_the_tour_mountains_totals(tour):
    """Every rider of the final mountains classification: the climb points of
    his rows are his total, but for the two published penalties."""
    entries = list(
        Entry.objects.filter(edition=tour).select_related("edition__race", "rider")
    )
    scored = scored_by_entry(entries, {tour.pk})
    final = dict(
        Standing.objects.filter(
            stage__edition=tour, stage__number=21, classification="mountains"
        ).values_list("entry_id", "value")
    )
    differ = {}
    for entry in entries:
        if entry.pk in final:
            won = sum(r.points for r in scored[entry.pk].rows if r.kind == "climb")
            if won != final[entry.pk]:
                differ[entry.rider.family_name] = final[entry.pk] - won
    assert len(final) > 60
    # Penalties: Rui Costa -8 on stage 20; Carlos Rodríguez -2.
    assert differ == {"Costa": -8, "Rodríguez": -2}


def test_rider_page_queries_stay_the_same_with_crossings_and_editions(
    client, tour, django_assert_num_queries
):
    # Sepp Kuss rode three Grand Tours; Ciccone one, with 30-odd scoring places.
    with django_assert_num_queries(9):
        kuss = client.get("/riders/sepp-kuss/")
    with django_assert_num_queries(9):
        client.get("/riders/giulio-ciccone/")
    assert kuss.content.decode().count('class="ride-scored"') == 3


def test_giro_names_its_cima_coppi_and_pays_summit_finishes_on_their_scale(
    client, giro
):
    html = client.get("/riders/santiago-buitrago/").content.decode()
    section = rows(scored_section(html, "giro-d-italia-2023"))
    lavaredo = [text(r) for r in section if "Tre Cime di Lavaredo" in r]
    # The Giro's HC climb is its Cima Coppi: 50 points for the first.
    assert lavaredo == [
        "Tre Cime di Lavaredo won Stage 19 : climbs & sprints · Climb · Cima Coppi · "
        "km 183 1 50 pts"
    ]
    # Campo Imperatore, a cat. 1 summit finish, pays 50 (its "summit-1" scale)
    # where a cat. 1 pass pays 40.
    html = client.get("/riders/davide-bais/").content.decode()
    section = rows(scored_section(html, "giro-d-italia-2023"))
    campo = [text(r) for r in section if "Campo Imperatore" in r]
    assert campo == [
        "Campo Imperatore won Stage 7 : climbs & sprints · Climb · cat. 1 · "
        "km 218 1 50 pts"
    ]
