"""Cells the export neutralised for spreadsheets (a leading apostrophe before
``=``, ``+``, ``-``, ``@``, ``|`` or ``%``) are read back as they were; every other
cell is read as written. Pure: no database."""

from racing.parsing.csvrows import read_csv, restore_cell
from racing.parsing.package import read_package
from tests.racing.test_package import FILES, write

# What the export writes -> what the import reads.
CELLS = [
    ('\'=HYPERLINK("http://x")', '=HYPERLINK("http://x")'),
    ("'@SUM(1)", "@SUM(1)"),
    ("'-X", "-X"),
    ("'+33 6", "+33 6"),
    ("'%x", "%x"),
    ("'=A\\|B", "=A|B"),
    ("'\\|x", "|x"),
    # A text cell that started with apostrophes before such a character was
    # written with one apostrophe more.
    ("''=x", "'=x"),
    ("''\\|x", "'\\|x"),
    # Everything else is read as written.
    ("-5", "-5"),
    ("+0:17", "+0:17"),
    ("'t Hooft", "'t Hooft"),
    ("O'Connor", "O'Connor"),
    ("'", "'"),
    ("", ""),
    ("=1+1", "=1+1"),
]


def test_a_neutralised_cell_is_read_back_as_it_was():
    assert [restore_cell(written) for written, _ in CELLS] == [r for _, r in CELLS]


def test_every_cell_of_a_table_is_restored():
    rows = read_csv("t.csv", "name,code\n'=HYPERLINK(\"x\"),'@AB\n", ("name",))
    assert rows[0].values == {"name": '=HYPERLINK("x")', "code": "@AB"}


def test_a_package_with_neutralised_names_imports_them_exactly(tmp_path):
    riders = FILES["riders.csv"].replace(
        "1,Ann,Alpha,", '1,\'@SUM(1),"\'=HYPERLINK(""x"")",'
    )
    teams = FILES["teams.csv"].replace("Team Alpha", "'-Team Alpha")
    stages = FILES["stages.csv"].replace(",Lille,", ",'+Lille,")
    stage_1 = FILES["results/stage-01.csv"].replace(
        "1,1,Ann Alpha,", '1,1,"\'=HYPERLINK(""X"") @SUM(1)",'
    )
    files = {
        "riders.csv": riders,
        "teams.csv": teams,
        "stages.csv": stages,
        "results__stage-01.csv": stage_1,
    }
    package = read_package(write(tmp_path, **files))
    rider = package.riders[1][0]
    assert (rider.given_name, rider.family_name) == ("@SUM(1)", '=HYPERLINK("x")')
    assert package.teams["AAA"] == ("-Team Alpha", "FR")
    assert package.stages[1].start == "+Lille"
