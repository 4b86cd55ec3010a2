"""Text that the csv module cannot read is a problem named by file and line, not an
exception (a package file is not limited in size as the admin's paste box is)."""

from racing.parsing.csvrows import PackageError, read_csv


def test_a_cell_too_long_for_csv_is_a_problem_on_its_line():
    text = "rank,bib,time\n1,1,3:51:42\n2," + "9" * 200_000 + ",+0:05\n"
    try:
        read_csv("results/stage-01.csv", text, ("rank", "bib", "time"))
    except PackageError as exc:
        problems = exc.problems
    else:
        problems = []
    assert problems == [
        "results/stage-01.csv line 3: is not CSV text "
        "(field larger than field limit (131072))"
    ]


def test_any_line_ending_ends_a_line():
    rows = read_csv("x.csv", "rank,bib,time\r1,1,3:51:42\r\n2,2,+0:05\n", ("rank",))
    assert [(r.line, r.get("bib")) for r in rows] == [(2, "1"), (3, "2")]
