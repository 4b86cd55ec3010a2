"""checkpoints.csv in a race package: the optional ``scale`` column, names unique
on a stage without case or accents, and the rules a package's checkpoints are read
with (its race's preset under its own ``[rules]``). Pure: no database."""

from decimal import Decimal

import pytest

from racing.parsing.package import CheckpointSpec, read_package
from racing.parsing.racefiles import NameClash, name_clashes
from racing.standings import Rules
from tests.racing.test_package import FILES, problems, write

HEADER = "stage,kind,name,km,category,multiplier,altitude,scale\n"


def checkpoints(*rows: str) -> dict[str, str]:
    return {"checkpoints.csv": HEADER + "".join(f"{row}\n" for row in rows)}


def with_rules(rules: str, slug: str = "") -> dict[str, str]:
    toml = FILES["edition.toml"] + (f'slug = "{slug}"\n' if slug else "")
    return {"edition.toml": toml + "[rules]\n" + rules}


def test_a_climb_names_a_scale_of_the_rules(tmp_path):
    files = {
        **checkpoints("1,climb,Col du Test,120,1,1,1850,summit", "1,sprint,Town,80,,"),
        **with_rules("climb_points.summit = [30, 20, 10]\n"),
    }
    package = read_package(write(tmp_path, **files))
    assert package.checkpoints == [
        CheckpointSpec(1, "climb", "Col du Test", Decimal(120), "1", 1, 1850, "summit"),
        CheckpointSpec(1, "sprint", "Town", Decimal(80), "", 1, None, ""),
    ]


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        (
            "1,climb,Col du Test,120,1,1,,summit",
            "checkpoints.csv line 2: scale 'summit' is not a climb_points scale of "
            "the rules (HC, 1, 2, 3, 4)",
        ),
        (
            "1,sprint,Town,80,,1,,1",
            "checkpoints.csv line 2: scale '1': only a climb has a scale (this is a "
            "sprint)",
        ),
        (
            "1,bonus,Town,80,,1,,HC",
            "checkpoints.csv line 2: scale 'HC': only a climb has a scale (this is a "
            "bonus)",
        ),
    ],
)
def test_a_bad_scale_names_the_file_line_and_field(tmp_path, row, problem):
    files = {**checkpoints(row), "crossings__stage-01.csv": None}
    assert problems(write(tmp_path, **files)) == [problem]


def test_the_race_preset_gives_its_scales_under_the_editions_rules(tmp_path):
    # The Giro's preset has summit-1 and names HC the Cima Coppi; the edition
    # changes cat. 1 and adds a name, entry by entry.
    files = {
        **checkpoints("1,climb,Campo Imperatore,218,1,1,2130,summit-1"),
        **with_rules(
            "climb_points.1 = [30, 20]\ncategory_names.1 = 'Prima'\n",
            slug="giro-d-italia",
        ),
        "crossings__stage-01.csv": None,
    }
    package = read_package(write(tmp_path, **files))
    assert package.checkpoints[0].scale == "summit-1"
    rules = Rules.from_overrides(package.rules, 2023)
    assert rules.climb_points["summit-1"][:3] == (50, 24, 16)
    assert rules.climb_points["1"] == (30, 20)
    assert rules.category_names == {"HC": "Cima Coppi", "1": "Prima"}
    assert package.rules["checkpoint_bonus"] == [3, 2, 1]  # stored merged


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Jaizkibel", "JAIZKIBEL"),
        ("Col de la Loze", "COL DE LA LOZE"),
        ("Côte de Bagnols", "Cote de Bagnols"),
        ("Col du Test", "Col du Test"),
    ],
)
def test_two_checkpoints_of_one_name_on_a_stage_are_refused(tmp_path, first, second):
    files = {
        **checkpoints(f"1,climb,{first},100,2,1,,", "1,sprint,Town,80,,1,,"),
        "crossings__stage-01.csv": None,
    }
    files["checkpoints.csv"] += f"1,climb,{second},110,2,1,,\n"
    [problem] = problems(write(tmp_path, **files))
    assert problem.startswith(f"checkpoints.csv line 4: {second!r} ")
    assert f"{first!r} (line 2, stage 1)" in problem or (
        first == second and "already the name of line 2, stage 1" in problem
    )
    assert "case and accents" in problem


def test_one_name_on_two_stages_is_fine(tmp_path):
    files = {
        **checkpoints("1,climb,Jaizkibel,100,2,1,,", "2,climb,JAIZKIBEL,10,2,1,,"),
        "crossings__stage-01.csv": None,
    }
    assert len(read_package(write(tmp_path, **files)).checkpoints) == 2


def test_name_clashes_names_the_first_of_each_stage():
    named = [((1, 2), "Jaizkibel"), ((2, 3), "JAIZKIBEL"), ((1, 4), "Jaízkibel")]
    clashes = name_clashes(named, stage_of=lambda label: label[0])
    assert clashes == [NameClash((1, 4), "Jaízkibel", (1, 2), "Jaizkibel")]


def test_name_clashes_refuses_only_the_names_written():
    stored = [("a", "Jaizkibel"), ("b", "JAIZKIBEL"), ("c", "Town")]
    assert name_clashes([*stored, ("new", "Alto")], written={"new"}) == []
    [clash] = name_clashes([("new", "jaizkibel"), *stored], written={"new"})
    assert (clash.label, clash.first, clash.first_name) == ("new", "a", "Jaizkibel")
