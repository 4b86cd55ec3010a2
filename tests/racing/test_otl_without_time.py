"""A rider eliminated outside the time limit listed without a rank or a time
(``,4,,OTL``), as many sources publish him: read, and a rank or a time kept when
given (tests/stages/services/test_otl_without_time.py follows him into the
standings). Pure: no database."""

from racing.parsing.package import read_package
from racing.parsing.results import StartListRider, parse_results_table
from tests.racing.test_package import write

START = {
    bib: StartListRider(bib, "Test", family, "AAA")
    for bib, family in enumerate(
        ("Alpha", "Bravo", "Charlie", "Delta", "Echo", "Foxtrot", "Golf"), start=1
    )
}


def test_an_otl_row_is_read_with_what_it_gives():
    text = (
        "rank,bib,time,status\n"
        "1,1,4:00:00,\n"
        "2,2,s.t.,\n"
        ",3,,OTL\n"
        "4,4,,OTL\n"
        ",5,+0:30:00,OTL\n"
        "6,6,+0:31:00,OTL\n"
    )
    table = parse_results_table("results/stage-03.csv", text, START)
    assert table.problems == []
    assert [(r.bib, r.rank, r.time_s, r.status) for r in table.rows[2:]] == [
        (3, None, None, "OTL"),
        (4, 4, None, "OTL"),
        (5, None, 14400 + 1800, "OTL"),
        (6, 6, 14400 + 1860, "OTL"),
    ]


def test_only_an_otl_row_may_leave_out_the_rank_and_the_time():
    text = "rank,bib,time,status\n1,1,4:00:00,\n,2,,OK\n,3,,DNF\n2,4,,DNS\n,5,,OTL\n"
    assert parse_results_table("results/stage-03.csv", text, START).problems == [
        "results/stage-03.csv line 3: a finisher needs a rank",
        "results/stage-03.csv line 3: a finisher needs a time",
        "results/stage-03.csv line 5: a rider with status DNS has no rank",
    ]


def test_a_package_with_an_otl_row_without_rank_or_time_reads(tmp_path):
    """Rider 6 is OTL on stage 1 without a rank or a time, and has no row on
    stage 2: the package reads, and his row is kept as given."""
    stage_1 = (
        "rank,bib,rider,time,status\n"
        "1,1,Ann Alpha,4:00:00,\n"
        "2,2,BRAVO Bob,s.t.,\n"
        "3,4,Delta,+0:10,\n"
        "4,3,Charlie,s.t.,\n"
        ",5,Echo,,DNF\n"
        ",6,Foxtrot,,OTL\n"
    )
    stage_2 = "rank,bib,time\n1,2,17:30.25\n2,1,+0:01.50\n3,4,17:40\n4,3,+0:20\n"
    files = {"results__stage-01.csv": stage_1, "results__stage-02.csv": stage_2}
    package = read_package(write(tmp_path, **files))
    otl = next(r for r in package.results[1].rows if r.bib == 6)
    assert (otl.rank, otl.time_s, otl.status) == (None, None, "OTL")
