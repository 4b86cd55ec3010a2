"""A team time trial shown as teams: the Vuelta a España 2023 opened with one in
Barcelona (stage 1), won by Team dsm - firmenich. The stage tab ranks the teams
with their riders under them (page and HTMX fragment), the team is the stage
winner on the stage, edition and home pages, and the CSV stays per rider."""

import csv
import io
import re

import pytest
from django.core.management import call_command

from stages import queries
from stages.exports import COLUMNS
from stages.models import Stage, StageResult, Standing
from stages.queries import Row, TeamRef
from tests.factories import small_race
from tests.stages.official import load_official

STAGE_1 = "/races/vuelta-a-espana/2023/stage-1/"
HX = {"HX-Request": "true"}
# Stage page: version, stage, teams, rows, jerseys, stage numbers, key facts
# (top teams, GC top ten, its jerseys, leaders), reports, checkpoints; the
# fragment leaves out the last six. The team ranking is built from the rows
# already read.
PAGE_QUERIES = 12
FRAGMENT_QUERIES = 6

pytestmark = pytest.mark.django_db


def squash(html: str) -> str:
    return " ".join(html.split())


def team_blocks(html: str) -> list[str]:
    """The table's team blocks (one ``<tbody>`` per team), squashed."""
    table = squash(html).split('<table class="results results--ttt">')[1]
    table = table.split("</table>")[0]
    return [b.split("</tbody>")[0] for b in table.split('<tbody class="ttt-team">')[1:]]


def codes(blocks: list[str]) -> list[str]:
    return [re.search(r'<span class="team-code">(\w+)</span>', b)[1] for b in blocks]


def rider_rows(block: str) -> list[str]:
    return block.split('<tr class="ttt-rider')[1:]


def official_stage_1() -> list[tuple[str, int]]:
    """The official team ranking of the team time trial: the team classification
    after stage 1 (the first stage, so only the team time trial's times)."""
    return [(r.key, r.value) for r in load_official("vuelta2023")[1]["teams"]]


@pytest.fixture
def ttt(vuelta) -> Stage:
    return Stage.objects.select_related("edition__race").get(edition=vuelta, number=1)


def test_the_teams_and_their_times_are_the_official_ones(ttt):
    teams = queries.team_time_trial(queries.stage_result_rows(ttt))
    official = official_stage_1()
    assert len(official) == 22
    assert [(t.team.code, t.value) for t in teams] == official
    assert [t.rank for t in teams] == list(range(1, 23))
    winner, second = teams[0], teams[1]
    assert winner.team.name == "Team dsm - firmenich"
    assert (winner.value, winner.gap) == (17 * 60 + 30, 0)
    # Movistar rode the same time: placed by its best rider's stage rank.
    assert second.team.code == "MOV"
    assert second.same_time
    assert sum(len(t.riders) for t in teams) == 176


def test_a_team_time_is_the_one_the_team_classification_counts(ttt):
    """The engine adds each team's time trial time once to the team
    classification: after stage 1 both must agree for every team."""
    stored = dict(
        Standing.objects.filter(stage=ttt, classification="teams").values_list(
            "team__code", "value"
        )
    )
    teams = queries.team_time_trial(queries.stage_result_rows(ttt))
    assert {t.team.code: t.value for t in teams} == stored


@pytest.mark.parametrize("headers", [{}, HX], ids=["page", "fragment"])
def test_the_stage_tab_ranks_the_teams(client, headers):
    response = client.get(STAGE_1, headers=headers)
    assert response.status_code == 200
    html = response.content.decode()
    assert ("<html" in html) == (not headers)
    blocks = team_blocks(html)
    assert codes(blocks) == [code for code, _ in official_stage_1()]
    first = blocks[0]
    head = first.split('<tr class="ttt-rider')[0]
    assert '<td class="col-rank"> 1 </td>' in head
    assert ">Team dsm - firmenich</a>" in head
    assert 'href="/races/vuelta-a-espana/2023/teams/dsm/"' in head
    assert "0:17:30" in head
    riders = rider_rows(first)
    assert len(riders) == 8
    assert "MILESI</span> Lorenzo" in riders[0]
    assert '<td class="col-bib">166</td>' in riders[0]
    # A rider with his team's time does not repeat it.
    assert "0:17:30" not in riders[0]
    assert "s.t." in blocks[1].split('<tr class="ttt-rider')[0]  # Movistar


def test_dropped_riders_show_their_own_time_and_non_finishers_their_status(
    client,
):
    found = team_blocks(client.get(STAGE_1).content.decode())
    blocks = dict(zip(codes(found), found, strict=True))
    groupama = blocks["GFC"]
    assert "0:17:36" in groupama.split('<tr class="ttt-rider')[0]
    askey = next(r for r in rider_rows(groupama) if "ASKEY" in r)
    assert "0:17:38" in askey
    assert "+0:08" in askey
    ledanois = next(r for r in rider_rows(blocks["ARK"]) if "LEDANOIS" in r)
    assert "0:19:35" in ledanois
    assert "+2:05" in ledanois
    de_plus = next(r for r in rider_rows(blocks["IGD"]) if "DE PLUS" in r)
    assert 'title="Did not finish">DNF</abbr>' in de_plus
    assert "is-out" in de_plus


def test_the_winner_line_names_the_team(client):
    for headers in ({}, HX):
        html = squash(client.get(STAGE_1, headers=headers).content.decode())
        line = html.split('class="stage-winner"')[1].split("</p>")[0]
        assert "Team dsm - firmenich" in line
        assert "DSM" in line
        assert "0:17:30" in line
        assert "MILESI" not in line


def test_a_live_team_time_trial_names_the_team_leading_so_far(client, ttt):
    Stage.objects.filter(pk=ttt.pk).update(status=Stage.Status.LIVE)
    html = squash(client.get(STAGE_1, headers=HX).content.decode())
    line = html.split('class="stage-winner"')[1].split("</p>")[0]
    assert "Leading so far:" in line
    assert "Stage winner" not in line
    assert "Team dsm - firmenich" in line


def test_a_road_stage_keeps_its_rider_table_and_rider_winner(client):
    html = squash(client.get("/races/vuelta-a-espana/2023/stage-2/").content.decode())
    assert "results--ttt" not in html
    line = html.split('class="stage-winner"')[1].split("</p>")[0]
    assert "KRON</span> Andreas" in line
    assert "Lotto Dstny" in line


def test_the_edition_page_names_the_team_as_winner_of_stage_1(client):
    html = squash(client.get("/races/vuelta-a-espana/2023/").content.decode())
    rows = html.split('<table class="results results--stages">')[1].split("<tr>")
    stage_1 = next(r for r in rows if "Barcelona → Barcelona" in r)
    # number, date, km, type, winner (without the GC leader folded in for phones)
    winner_cell = stage_1.split("</td>")[4].split("leader-fold")[0]
    assert ">Team dsm - firmenich</a>" in winner_cell
    assert "MILESI" not in winner_cell
    stage_2 = next(r for r in rows if "Mataró → Barcelona" in r)
    assert "KRON</span> Andreas" in stage_2.split("</td>")[4]


def test_the_home_page_lists_teams_when_the_latest_stage_is_a_ttt(client, ttt):
    later = Stage.objects.exclude(pk=ttt.pk)
    later.update(date="2023-01-01")
    html = squash(client.get("/").content.decode())
    card = html.split('id="top-ten-heading"')[1].split("</section>")[0]
    assert "Stage 1: top 10" in card
    heads = re.findall(r'<span class="team-code">(\w+)</span>', card)
    assert heads == [code for code, _ in official_stage_1()][:10]
    assert ">Team dsm - firmenich</a>" in card
    assert "0:17:30" in card
    assert "MILESI" not in card


def test_filters_narrow_the_teams(client):
    # A team filter shows that team, in its place.
    blocks = team_blocks(client.get(f"{STAGE_1}?team=mov").content.decode())
    assert codes(blocks) == ["MOV"]
    assert '<td class="col-rank"> 2 </td>' in blocks[0]
    assert len(rider_rows(blocks[0])) == 8
    # A rider's name shows his team with him only.
    blocks = team_blocks(client.get(f"{STAGE_1}?q=milesi").content.decode())
    assert codes(blocks) == ["DSM"]
    assert len(rider_rows(blocks[0])) == 1
    # A team's name shows the whole team.
    blocks = team_blocks(client.get(f"{STAGE_1}?q=movistar").content.decode())
    assert codes(blocks) == ["MOV"]
    assert len(rider_rows(blocks[0])) == 8
    html = client.get(f"{STAGE_1}?q=nobody-at-all", headers=HX).content.decode()
    assert "Nothing matches" in html
    assert "<tbody" not in html


def test_the_team_table_is_accessible(client):
    html = squash(client.get(STAGE_1).content.decode())
    table = html.split('<table class="results results--ttt">')[1].split("</table>")[0]
    assert '<caption id="stage-caption">' in table
    assert table.count('<th scope="col"') == 5
    blocks = team_blocks(html)
    for block in blocks:
        # The team's name heads its row group: every rider row below is its.
        assert block.count('<th scope="rowgroup"') == 1
        assert block.count('<th scope="row"') == len(rider_rows(block))
    assert 'aria-labelledby="stage-caption"' in html


def test_the_csv_keeps_its_columns_and_round_trips(client, vuelta, tmp_path):
    response = client.get(f"{STAGE_1}stage.csv")
    text = response.content.decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert tuple(text.splitlines()[0].split(",")) == COLUMNS["stage"]
    assert len(rows) == 176
    assert (rows[0]["rider"], rows[0]["team"], rows[0]["time"]) == (
        "MILESI Lorenzo",
        "DSM",
        "0:17:30",
    )
    stage = vuelta.stages.get(number=1)
    fields = ("entry__bib", "rank", "time_s", "hundredths", "status", "bonus")
    before = list(
        StageResult.objects.filter(stage=stage)
        .order_by("entry__bib")
        .values_list(*fields)
    )
    path = tmp_path / "stage-01.csv"
    path.write_bytes(response.content)
    StageResult.objects.filter(stage=stage).update(time_s=1, rank=None, status="DNF")
    call_command(
        "import_results",
        "--race=vuelta-a-espana",
        "--year=2023",
        "--stage=1",
        str(path),
        stdout=io.StringIO(),
    )
    after = list(
        StageResult.objects.filter(stage=stage)
        .order_by("entry__bib")
        .values_list(*fields)
    )
    assert after == before
    assert client.get(f"{STAGE_1}stage.csv").content == response.content


def test_queries_do_not_grow_with_the_riders(client, ttt, django_assert_num_queries):
    """The same fixed count for the Vuelta's 176 riders and a 6-rider race."""
    race = small_race()
    Stage.objects.filter(pk=race.stage(1).pk).update(type=Stage.Type.TTT)
    small = f"/races/{race.edition.race.slug}/{race.edition.year}/stage-1/"
    for url in (STAGE_1, small):
        with django_assert_num_queries(PAGE_QUERIES):
            page = client.get(url)
        assert 'class="results results--ttt"' in page.content.decode()
        with django_assert_num_queries(FRAGMENT_QUERIES):
            fragment = client.get(url, headers=HX)
        assert 'class="results results--ttt"' in fragment.content.decode()
    with django_assert_num_queries(7):  # version, edition, stages, winners, ...
        client.get("/races/vuelta-a-espana/2023/")


def rider(bib: int, team: str, rank: int | None, time: int | None, **kw) -> Row:
    return Row(rank=rank, team=TeamRef(team, f"Team {team}"), value=time, bib=bib, **kw)


def test_ranking_rules_on_plain_rows():
    rows = [
        rider(1, "AAA", 1, 1000, hundredths=40),
        rider(2, "AAA", 2, 1000, hundredths=40),
        rider(3, "AAA", 5, 1010),  # dropped
        rider(11, "BBB", 3, 1000, hundredths=20),  # faster to the hundredth
        rider(12, "BBB", None, None, status="DNF"),
        rider(21, "CCC", None, None, status="DNS"),
        rider(31, "DDD", 4, 1000, hundredths=20),  # tie: best rank decides
    ]
    teams = queries.team_time_trial(rows)
    assert [t.team.code for t in teams] == ["BBB", "DDD", "AAA", "CCC"]
    assert [t.rank for t in teams] == [1, 2, 3, None]
    bbb, ddd, aaa, ccc = teams
    assert (bbb.value, bbb.hundredths, bbb.gap) == (1000, 20, 0)
    assert ddd.same_time
    assert aaa.same_time
    assert aaa.value == 1000
    assert [r.bib for r in aaa.riders] == [1, 2, 3]
    assert [r.bib for r in bbb.riders] == [11, 12]
    assert ccc.value is None
    assert ccc.gap is None


def test_a_team_time_trial_is_the_teams_win_not_its_first_riders(client, vuelta):
    # Milesi crossed first for Team dsm - firmenich on stage 1 of the Vuelta 2023.
    rider = client.get("/riders/lorenzo-milesi/").content.decode()
    assert "Stage win" not in rider
    team = client.get("/races/vuelta-a-espana/2023/teams/dsm/").content.decode()
    wins = team[team.index('id="wins-title"') :]
    assert "team time trial, the whole team" in wins[: wins.index("</section>")]
