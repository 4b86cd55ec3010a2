"""The rules each Grand Tour starts from (racing.standings.presets): valid overrides
of the defaults, with RULES.md's numbers (§2, §3, §8) and the 2023 tables'."""

import pytest

from racing.standings import Rules
from racing.standings.presets import GIRO, PRESETS, TOUR, VUELTA, describe, preset_for


@pytest.mark.parametrize("slug", sorted(PRESETS))
def test_every_preset_is_accepted_by_the_rules(slug):
    rules = Rules.from_overrides(PRESETS[slug], 2024)
    assert rules.finish_bonus == (10, 6, 4)  # the same in the three races
    assert rules.sprint_bonus == ()  # bonus seconds are bonus checkpoints
    assert set(rules.points_scales) == {"flat", "hilly", "mountain", "itt"}


def test_the_tour_is_the_default_rules():
    assert PRESETS[TOUR] == {}
    assert Rules.from_overrides(PRESETS[TOUR], 2024) == Rules.from_overrides({}, 2024)


def test_the_giro_preset():
    rules = Rules.from_overrides(PRESETS[GIRO], 2024)
    assert rules.checkpoint_bonus == (3, 2, 1)
    assert rules.sprint_points == (12, 8, 6, 5, 4, 3, 2, 1)
    assert rules.points_scales["flat"][:3] == (50, 35, 25)
    assert rules.points_scales["hilly"][:3] == (25, 18, 12)
    assert rules.points_scales["mountain"][:3] == (15, 12, 9)
    assert rules.climb_points["HC"] == (50, 30, 20, 14, 10, 6, 4, 2, 1)  # Cima Coppi
    assert rules.climb_points["1"] == (40, 18, 12, 9, 6, 4, 2, 1)
    assert rules.climb_points["4"] == (3, 2, 1)


def test_the_vuelta_preset():
    rules = Rules.from_overrides(PRESETS[VUELTA], 2024)
    assert rules.checkpoint_bonus == (6, 4, 2)
    assert rules.sprint_points == (20, 17, 15, 13, 10)
    assert rules.points_scales == Rules().points_scales  # the 50/30/20 scales
    assert rules.climb_points["HC"] == (15, 10, 6, 4, 2, 1)  # Especial
    assert rules.climb_points["2"] == (5, 3, 1)


def test_another_race_gets_the_tour_rules_and_a_copy():
    assert preset_for("tour-of-testland") == {}
    giro = preset_for(GIRO)
    giro["climb_points"]["HC"].append(99)
    assert PRESETS[GIRO]["climb_points"]["HC"][-1] == 1


def test_describe_lists_bonuses_and_scales():
    lines = dict(describe(PRESETS[VUELTA], 2024))
    assert lines["Finish bonus (s)"] == "10-6-4"
    assert lines["Bonus-point seconds (s)"] == "6-4-2"
    assert lines["Sprint seconds (s)"] == "none"
    assert lines["Intermediate-sprint points"] == "20-17-15-13-10"
    assert lines["Climb points, category HC (Especial)"] == "15-10-6-4-2-1"
    assert lines["Climb points, scale top (Especial)"] == "20-15-10-6-4-2"
    assert lines["Mountains ties: first places on"] == (
        "top (Especial), then HC (Especial), then 1, then 2, then 3"
    )
    assert lines["Name of category HC"] == "Especial"
    assert lines["Finish points, flat stages"].startswith("50-30-20-18")
    with pytest.raises(ValueError, match="unknown key"):
        describe({"finish_bonuses": [1]}, 2024)
