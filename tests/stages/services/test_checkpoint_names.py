"""Checkpoint names stored before names had to differ on a stage (case and accents
ignored): such a pair does not block the corrections of the stage's other
checkpoints, nor of the pair itself when it keeps its names; a write that adds,
renames or moves a checkpoint to a name of the stage is still refused."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from stages.models import Checkpoint, Stage
from stages.services import corrections
from tests.factories import small_race

CLASH = (
    "Stage 1: {name!r} is the same name as {other!r} (a checkpoint of this stage) "
    "once case and accents are ignored: checkpoint names must differ on a stage"
)


@pytest.fixture
def stage(db):
    stage = small_race(standings=False).stage(1)
    # Stored directly, as a database from before the rule may hold them.
    Checkpoint.objects.create(stage=stage, kind="climb", name="Jaizkibel", category="1")
    Checkpoint.objects.create(stage=stage, kind="climb", name="JAIZKIBEL", category="2")
    Checkpoint.objects.create(stage=stage, kind="sprint", name="Town", km=80)
    return stage


def test_a_third_checkpoint_of_the_stage_is_corrected(stage):
    town = Checkpoint.objects.get(stage=stage, name="Town")
    town.km = Decimal("85.5")
    corrections.checkpoint_save(checkpoint=town)
    assert Checkpoint.objects.get(pk=town.pk).km == Decimal("85.5")


def test_one_of_the_pair_is_corrected_when_it_keeps_its_name(stage):
    climb = Checkpoint.objects.get(stage=stage, name="JAIZKIBEL")
    climb.category = "HC"
    corrections.checkpoint_save(checkpoint=climb)
    assert Checkpoint.objects.get(pk=climb.pk).category == "HC"


@pytest.mark.parametrize("spelling", ["jaizkibel", "Jáizkibel"])
def test_one_of_the_pair_renamed_to_another_clashing_spelling_is_refused(
    stage, spelling
):
    climb = Checkpoint.objects.get(stage=stage, name="JAIZKIBEL")
    climb.name = spelling
    with pytest.raises(ValidationError) as refused:
        corrections.checkpoint_save(checkpoint=climb)
    assert refused.value.message_dict == {
        "name": [CLASH.format(name=spelling, other="Jaizkibel")]
    }
    assert Checkpoint.objects.get(pk=climb.pk).name == "JAIZKIBEL"


def test_one_of_the_pair_renamed_apart_is_saved(stage):
    climb = Checkpoint.objects.get(stage=stage, name="JAIZKIBEL")
    climb.name = "Alto de Jaizkibel"
    corrections.checkpoint_save(checkpoint=climb)
    names = Checkpoint.objects.filter(stage=stage).values_list("name", flat=True)
    assert sorted(names) == ["Alto de Jaizkibel", "Jaizkibel", "Town"]


def test_a_new_checkpoint_of_the_pairs_name_is_refused(stage):
    new = Checkpoint(stage=stage, kind="climb", name="Jaízkibel", category="3")
    with pytest.raises(ValidationError, match="same name as 'Jaizkibel'"):
        corrections.checkpoint_save(checkpoint=new)
    renamed = Checkpoint.objects.get(stage=stage, name="Town")
    renamed.name = "TOWN"  # its own name in another spelling is no clash
    corrections.checkpoint_save(checkpoint=renamed)
    assert Checkpoint.objects.filter(stage=stage).count() == 3


def test_a_checkpoint_moved_onto_a_name_of_its_new_stage_is_refused(stage):
    stage_2 = Stage.objects.get(edition=stage.edition, number=2)
    moved = Checkpoint.objects.create(stage=stage_2, kind="sprint", name="town", km=9)
    moved.stage = stage
    with pytest.raises(ValidationError) as refused:
        corrections.checkpoint_save(checkpoint=moved)
    assert refused.value.message_dict == {
        "name": [CLASH.format(name="town", other="Town")]
    }
    assert Checkpoint.objects.get(pk=moved.pk).stage == stage_2
