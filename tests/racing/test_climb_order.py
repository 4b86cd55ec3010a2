"""Climbs scored on scales of their own, the mountains tie-break by
``Rules.climb_order`` and the names of categories (RULES.md "Checked against the
2023 crossings"); the edition's rules on top of its race's preset."""

from datetime import date

import pytest

from racing.standings import (
    Checkpoint,
    Crossing,
    Result,
    RiderInfo,
    Rules,
    StageInput,
    compute,
    crossing_award,
)
from racing.standings.presets import GIRO, PRESETS, TOUR, VUELTA, with_preset

RIDERS = {rid: RiderInfo(rid, 1 + rid // 4, date(1990, 1, 1)) for rid in range(1, 8)}


def mountain_stage(
    order: list[int], checkpoints: tuple[Checkpoint, ...], crossings: list[tuple]
) -> StageInput:
    """A mountain stage finished in ``order`` (one second apart, so the GC is
    that order), every award left to the rules."""
    return StageInput(
        1,
        "mountain",
        tuple(
            Result(rid, "OK", rank, 20000 + rank) for rank, rid in enumerate(order, 1)
        ),
        checkpoints=checkpoints,
        crossings=tuple(Crossing(*x) for x in crossings),
    )


def mountains(rules: Rules, stage: StageInput) -> list[tuple[int, int]]:
    (after,) = compute([stage], RIDERS, rules)
    return [(s.rider_id, s.value) for s in after.tables["mountains"]]


# Rider 5 wins the Especial climb and is second on the top climb (15 + 15); rider 6
# wins the top climb and is second on the Especial (20 + 10). Rider 5 is ahead
# on GC.
VUELTA_STAGE = mountain_stage(
    [5, 6, 1, 2, 3, 4, 7],
    (Checkpoint(1, "climb", "HC"), Checkpoint(2, "climb", "HC", scale="top")),
    [(1, 1, 5), (1, 2, 6), (2, 1, 6), (2, 2, 5)],
)


def test_the_vuelta_top_climb_breaks_a_tie_ahead_of_an_especial_win():
    rules = Rules.from_overrides(PRESETS[VUELTA], 2023)
    assert rules.climb_order == ("top", "HC", "1", "2", "3")
    assert mountains(rules, VUELTA_STAGE) == [(6, 30), (5, 30)]


def test_without_top_in_the_order_the_top_climb_counts_as_especial():
    overrides = {**PRESETS[VUELTA], "climb_order": ["HC", "1", "2", "3"]}
    rules = Rules.from_overrides(overrides, 2023)
    # One Especial win each: the GC decides.
    assert mountains(rules, VUELTA_STAGE) == [(5, 30), (6, 30)]


def test_a_giro_summit_finish_scores_on_its_scale_and_counts_as_cat_1():
    rules = Rules.from_overrides(PRESETS[GIRO], 2023)
    summit = Checkpoint(1, "climb", "1", scale="summit-1")
    assert [crossing_award(summit, rank, rules).kom_points for rank in (1, 2, 3)] == [
        50,
        24,
        16,
    ]
    assert rules.climb_class("1", "summit-1") == "1"
    # Rider 5 wins the summit finish (50) and is second on a cat. 2 (8); rider 6
    # wins a cat. 1 climb (40) and the cat. 2 (18): 58 each, rider 5 ahead on GC.
    # One cat. 1 win each (the summit finish is one), then rider 6's cat. 2 win
    # decides; were the summit a class of its own, above cat. 1, rider 5 would
    # lead.
    stage = mountain_stage(
        [5, 6, 1, 2, 3, 4, 7],
        (Checkpoint(2, "climb", "2"), Checkpoint(3, "climb", "1"), summit),
        [(2, 1, 6), (2, 2, 5), (3, 1, 6), (1, 1, 5)],
    )
    assert mountains(rules, stage)[:2] == [(6, 58), (5, 58)]


def test_the_default_climb_order_is_the_categories_by_first_place_points():
    assert Rules().climb_order == ("HC", "1", "2", "3", "4")
    rules = Rules.from_overrides(
        {"climb_points": {"3": [12], "summit": [99], "4": []}}, 2023
    )
    # A scale of another name counts as its climbs' category; 4 has no points.
    assert rules.climb_order == ("HC", "3", "1", "2", "4")


def test_category_labels():
    vuelta = Rules.from_overrides(PRESETS[VUELTA], 2023)
    assert vuelta.category_label("HC") == "Especial"
    assert vuelta.category_label("HC", "top") == "Especial"
    assert vuelta.category_label("1") == "1"
    giro = Rules.from_overrides(PRESETS[GIRO], 2023)
    assert giro.category_label("HC") == "Cima Coppi"
    # A scale without a name of its own: its category's.
    assert giro.category_label("1", "summit-1") == "1"
    assert Rules().category_label("HC") == "HC"


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"climb_order": "HC"}, "climb_order must be a list of climb_points names"),
        ({"climb_order": []}, "climb_order must be a list of climb_points names"),
        ({"climb_order": ["HC", 1]}, "climb_order must be a list"),
        ({"climb_order": ["HC", "HC"]}, "climb_order lists HC twice"),
        (
            {"climb_order": ["top", "HC"]},
            "climb_order names 'top', which climb_points does not have",
        ),
        ({"category_names": ["HC"]}, "category_names must be a table"),
        ({"category_names": {"HC": ""}}, "category_names.HC must be a name"),
        ({"category_names.HC": 3}, "category_names.HC must be a name"),
        (
            {"category_names": {"top": "Especial"}},
            "category_names names 'top', neither a category",
        ),
    ],
)
def test_bad_climb_order_and_names_are_refused_with_the_reason(overrides, message):
    with pytest.raises(ValueError, match=message):
        Rules.from_overrides(overrides, 2023)


def test_names_and_order_may_name_scales_given_in_the_same_rules():
    rules = Rules.from_overrides(
        {
            "climb_order": ["top", "HC"],
            "category_names.top": "Especial",
            "climb_points.top": [20, 15],
        },
        2023,
    )
    assert (rules.climb_order, rules.category_label("HC", "top")) == (
        ("top", "HC"),
        "Especial",
    )


def test_an_edition_rules_go_on_top_of_its_race_preset_entry_by_entry():
    merged = with_preset(
        GIRO,
        {
            "climb_points": {"1": [30, 20]},
            "category_names.1": "Prima",
            "sprint_points": [1],
        },
    )
    rules = Rules.from_overrides(merged, 2023)
    assert rules.climb_points["1"] == (30, 20)  # the edition's
    assert rules.climb_points["summit-1"][:2] == (50, 24)  # the preset's
    assert rules.category_names == {"HC": "Cima Coppi", "1": "Prima"}
    assert rules.sprint_points == (1,)
    assert rules.checkpoint_bonus == (3, 2, 1)  # the preset's
    # The preset itself is untouched, and a race without one gets the rules as
    # given.
    assert PRESETS[GIRO]["climb_points"]["1"][0] == 40
    assert with_preset("tour-of-testland", {"sprint_points": [1]}) == {
        "sprint_points": [1]
    }
    assert with_preset(TOUR, {}) == {}
