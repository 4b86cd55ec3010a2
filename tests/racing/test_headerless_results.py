"""Result rows pasted without their header line (racing.parsing.layouts): the
package files' own order, the stage export's and the documented one are recognised;
anything else gets one message asking for the header line. Pure: no database."""

from pathlib import Path

import pytest

from racing.parsing.layouts import PACKAGE_COLUMNS
from racing.parsing.package import read_package
from racing.parsing.results import parse_results_table

TOUR = Path(__file__).resolve().parents[2] / "races" / "tour-de-france-2023"
LABEL = "Pasted results"


@pytest.fixture(scope="module")
def start_list():
    return {bib: spec[0] for bib, spec in read_package(TOUR).riders.items()}


@pytest.fixture(scope="module")
def stage_12() -> list[str]:
    return (TOUR / "results" / "stage-12.csv").read_text().splitlines()


def read(lines, start_list):
    return parse_results_table(
        LABEL, "\n".join(lines), start_list, header_optional=True
    )


def fields(table) -> list[tuple]:
    return [
        (r.bib, r.rank, r.time_s, r.status, r.bonus, r.penalty, r.points, r.kom_points)
        for r in table.rows
    ]


def test_the_package_rows_without_their_header_read_as_with_it(stage_12, start_list):
    assert stage_12[0] == ",".join(PACKAGE_COLUMNS)
    with_header = read(stage_12, start_list)
    without = read(stage_12[1:], start_list)
    assert without.problems == []
    assert len(without.rows) == len(stage_12) - 1
    assert fields(without) == fields(with_header)
    assert "rider" in without.columns
    izagirre = without.rows[0]
    assert (izagirre.bib, izagirre.rank, izagirre.time_s) == (124, 1, 3 * 3600 + 3102)


def test_a_bad_cell_is_named_under_its_own_column(stage_12, start_list):
    lines = stage_12[1:]
    lines[3] = lines[3].replace("3:52:48", "3:5x:48")
    lines[5] = lines[5].replace("Thibaut Pinot", "Thibaut Pineau")
    table = read(lines, start_list)
    assert table.problems == [
        f"{LABEL} line 4: malformed time '3:5x:48' "
        "(expected H:MM:SS, M:SS, +M:SS or s.t.)",
        f"{LABEL} line 6: rider 'Thibaut Pineau' does not match bib 37 (Thibaut Pinot)",
    ]


def test_the_documented_order_and_the_stage_export_need_no_header(start_list):
    documented = ["1,124,3:51:42,,18", "2,213,+0:58,,6", ",193,,DNF"]
    table = read(documented, start_list)
    assert table.problems == []
    assert [(r.rank, r.time_s, r.status) for r in table.rows] == [
        (1, 13902, "OK"),
        (2, 13960, "OK"),
        (None, None, "DNF"),
    ]
    exported = [
        "1,124,IZAGIRRE Ion,COF,Cofidis,3:51:42,+0:00:00,13902,0,OK,18,0,33,5",
        "2,213,BURGAUDEAU Mathieu,TDE,TotalEnergies,3:52:40,+0:00:58,13960,58,OK,6,"
        "10,27,0",
        ",193,DE LA CRUZ David,AST,Astana Qazaqstan Team,,,,,DNF,0,0,0,0",
    ]
    # An export downloaded before it had the team's name is read too.
    before_team_name = [
        "1,124,IZAGIRRE Ion,COF,3:51:42,+0:00:00,13902,0,OK,18,0,33,5",
        "2,213,BURGAUDEAU Mathieu,TDE,3:52:40,+0:00:58,13960,58,OK,6,10,27,0",
        ",193,DE LA CRUZ David,AST,,,,,DNF,0,0,0,0",
    ]
    for rows in (exported, before_team_name):
        table = read(rows, start_list)
        assert table.problems == []
        assert [(r.rank, r.time_s, r.status, r.points) for r in table.rows] == [
            (1, 13902, "OK", 33),
            (2, 13960, "OK", 27),
            (None, None, "DNF", 0),
        ]


@pytest.mark.parametrize(
    "lines",
    [
        # The name first: no known order.
        ["Ion Izagirre,124,1,3:51:42", "Mathieu Burgaudeau,213,2,3:52:40"],
        # The time before the bib.
        ["1,3:51:42,124", "2,3:52:40,213"],
        # Half the rows in one order, half in another.
        ["1,124,3:51:42", "2,213,Mathieu Burgaudeau,3:52:40"],
    ],
)
def test_rows_in_another_order_get_one_message_asking_for_the_header(lines, start_list):
    table = read(lines, start_list)
    assert table.rows == []
    assert table.problems == [
        f"{LABEL}: the rows have no header line and their columns are in no known "
        "order: paste the header line first, e.g. "
        "rank,bib,rider,time,status,bonus,penalty,gc_time,points,kom_points "
        "(rank, bib and time are required; the other columns may be left out)"
    ]


def test_an_unknown_status_is_not_repeated_as_a_status_without_rank(start_list):
    text = "rank,bib,time,status\n1,124,3:51:42,\n2,213,3:52:40,3:52:40\n"
    table = parse_results_table(LABEL, text, start_list)
    assert table.problems == [
        f"{LABEL} line 3: unknown status '3:52:40' (use OK, DNF, DNS, OTL or DSQ)"
    ]


def test_a_header_line_with_an_unknown_column_is_a_header(start_list):
    text = "pos,bib,rider,time\n1,124,Ion Izagirre,3:51:42\n"
    table = read(text.splitlines(), start_list)
    assert table.problems == [f"{LABEL} line 1: missing required column rank"]
