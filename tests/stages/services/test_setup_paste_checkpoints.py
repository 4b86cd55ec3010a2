"""A stage's pasted checkpoints (``services.setup_paste_checkpoints``): the optional
``scale`` column, one of the edition's climb_points scales, and names unique on
the stage without case or accents, each problem naming the pasted line."""

import pytest

from stages.models import Checkpoint
from stages.services.setup_paste import CHANGED, NEW, SetupRefused
from stages.services.setup_paste_checkpoints import (
    checkpoints_paste_save,
    checkpoints_preview,
)
from tests.factories import CheckpointFactory, EditionFactory, StageFactory

GIRO_RULES = {"climb_points": {"summit-1": [50, 24, 16, 9, 6, 4, 2, 1]}}


@pytest.fixture
def stage(db):
    edition = EditionFactory(year=2030, published=False, rules=GIRO_RULES)
    return StageFactory(edition=edition, number=7)


def stored(stage) -> dict[str, tuple[str, str, str]]:
    return {
        c.name: (c.kind, c.category, c.scale)
        for c in Checkpoint.objects.filter(stage=stage)
    }


def test_a_climb_takes_a_scale_of_the_editions_rules(stage):
    text = (
        "km,kind,name,category,scale\n"
        "100,climb,Passo Lanciano,2,\n"
        "218,climb,Campo Imperatore,1,summit-1\n"
    )
    preview = checkpoints_preview(stage, text)
    assert preview.ok, preview.problems
    checkpoints_paste_save(stage=stage, text=text, expected_digest=preview.digest)
    assert stored(stage) == {
        "Passo Lanciano": ("climb", "2", ""),
        "Campo Imperatore": ("climb", "1", "summit-1"),
    }


def test_the_scale_is_the_seventh_column_without_a_header(stage):
    checkpoints_paste_save(
        stage=stage, text="218,climb,Campo Imperatore,1,1,2130,summit-1\n"
    )
    assert stored(stage) == {"Campo Imperatore": ("climb", "1", "summit-1")}


def test_a_paste_without_the_scale_column_keeps_the_stored_scale(stage):
    CheckpointFactory(
        stage=stage,
        kind="climb",
        name="Campo Imperatore",
        category="1",
        scale="summit-1",
    )
    preview = checkpoints_preview(stage, "218,climb,CAMPO IMPERATORE,1,1,2130\n")
    assert [row.status for row in preview.rows] == [CHANGED]
    checkpoints_paste_save(stage=stage, text="218,climb,CAMPO IMPERATORE,1,1,2130\n")
    assert stored(stage) == {"CAMPO IMPERATORE": ("climb", "1", "summit-1")}


def test_a_climb_pasted_as_a_sprint_loses_its_scale(stage):
    CheckpointFactory(
        stage=stage,
        kind="climb",
        name="Campo Imperatore",
        category="1",
        scale="summit-1",
    )
    checkpoints_paste_save(stage=stage, text="218,sprint,Campo Imperatore,\n")
    assert stored(stage) == {"Campo Imperatore": ("sprint", "", "")}


@pytest.mark.parametrize(
    ("row", "problem"),
    [
        (
            "218,climb,Campo Imperatore,1,1,,top",
            "Pasted checkpoints line 2: scale 'top' is not a climb_points scale of "
            "the rules (HC, 1, 2, 3, 4, summit-1)",
        ),
        (
            "80,sprint,Pescara,,1,,summit-1",
            "Pasted checkpoints line 2: scale 'summit-1': only a climb has a scale "
            "(this is a sprint)",
        ),
    ],
)
def test_a_bad_scale_is_refused_naming_the_line(stage, row, problem):
    text = f"90,climb,Passo Lanciano,2\n{row}\n"
    preview = checkpoints_preview(stage, text)
    assert preview.problems == [problem]
    with pytest.raises(SetupRefused):
        checkpoints_paste_save(stage=stage, text=text)
    assert not Checkpoint.objects.filter(stage=stage).exists()


@pytest.mark.parametrize(
    ("first", "second"),
    [
        ("Jaizkibel", "JAIZKIBEL"),
        ("Col de la Loze", "COL DE LA LOZE"),
        ("Côte de Bagnols", "Cote de Bagnols"),
    ],
)
def test_two_rows_of_one_name_are_refused_naming_both_lines(stage, first, second):
    text = f"10,climb,{first},2\n50,sprint,Town,\n90,climb,{second},1\n"
    preview = checkpoints_preview(stage, text)
    assert preview.problems == [
        f"Pasted checkpoints line 3: {second!r} is the same name as {first!r} "
        "(line 1) once case and accents are ignored: checkpoint names must differ "
        "on a stage"
    ]
    with pytest.raises(SetupRefused):
        checkpoints_paste_save(stage=stage, text=text)
    assert not Checkpoint.objects.filter(stage=stage).exists()


def test_a_name_stored_in_another_spelling_is_updated_not_doubled(stage):
    CheckpointFactory(stage=stage, kind="climb", name="Jaizkibel", category="1")
    preview = checkpoints_preview(stage, "60,climb,JAIZKIBEL,1\n")
    assert [(row.key, row.status) for row in preview.rows] == [("JAIZKIBEL", CHANGED)]
    assert NEW not in {row.status for row in preview.rows}
