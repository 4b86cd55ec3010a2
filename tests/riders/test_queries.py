"""Who left the race (the core's pure rule, which the pages read stored on each
entry) and the GC-rank chart geometry (pure)."""

from datetime import date

from racing.standings import Exit, exits
from riders.charts import rank_chart
from riders.queries import age_on


def test_first_dnf_dns_or_dsq_is_the_exit():
    rows = [(1, 1, "OK"), (1, 2, "OK"), (1, 3, "DNF"), (2, 1, "OK"), (2, 2, "DNS")]
    assert exits(rows, {1, 2, 3}) == {1: Exit(3, "DNF"), 2: Exit(2, "DNS")}


def test_rider_whose_results_stop_left_on_the_first_missing_stage():
    rows = [(1, 1, "OK"), (1, 2, "OK"), (1, 3, "OK"), (2, 1, "OK")]
    assert exits(rows, {1, 2, 3}) == {2: Exit(2, "")}


def test_stage_still_being_entered_is_not_a_missing_row():
    # Stage 3 is live: rider 2 has no row yet, he has not left.
    rows = [(1, 1, "OK"), (1, 2, "OK"), (1, 3, "OK"), (2, 1, "OK"), (2, 2, "OK")]
    assert exits(rows, {1, 2}) == {}


def test_otl_rider_reinstated_by_the_jury_stays_in():
    rows = [(1, 1, "OK"), (1, 2, "OTL"), (1, 3, "OK"), (2, 1, "OK"), (2, 2, "OTL")]
    assert exits(rows, {1, 2, 3}) == {2: Exit(2, "OTL")}


def test_finisher_of_every_stage_has_no_exit():
    assert exits([(1, n, "OK") for n in range(1, 22)], range(1, 22)) == {}


def test_age_counts_whole_years():
    born = date(1996, 12, 10)
    assert age_on(born, date(2023, 7, 1)) == 26
    assert age_on(born, date(2023, 12, 10)) == 27
    assert age_on(None, date(2023, 7, 1)) is None


def test_chart_puts_rank_one_at_the_top_and_stages_left_to_right():
    chart = rank_chart([(1, 9), (2, 6), (6, 1), (21, 1)], 21)
    first, second, *_, last = chart.points
    assert first.x < second.x < last.x
    assert last.y < first.y  # moving up the GC draws a climbing line
    assert last.y == chart.plot_top
    assert [t.label for t in chart.y_ticks][0] == "1"
    assert chart.polyline.count(",") == 4


def test_chart_axis_grows_with_a_domestique_rank():
    chart = rank_chart([(1, 140), (2, 151)], 21)
    assert chart.y_ticks[-1].label == "200"
    assert all(chart.plot_top <= p.y <= chart.plot_bottom for p in chart.points)


def test_chart_with_nothing_to_draw_is_none():
    assert rank_chart([], 21) is None
