"""Colour contrast of the stylesheet's tokens, light and dark (WCAG 2.2 AA).

The tokens are read from static/css/site.css itself: the light theme's ``:root``
block and the one inside ``@media (prefers-color-scheme: dark)``. Picking a colour
that fails AA in either theme fails here.
"""

import re
from pathlib import Path

import pytest
from django.conf import settings

SITE_CSS = Path(settings.BASE_DIR) / "static" / "css" / "site.css"
TOKEN = re.compile(r"--([a-z0-9-]+)\s*:\s*(#[0-9a-fA-F]{3}(?:[0-9a-fA-F]{3})?)\b")
DARK = re.compile(
    r"@media\s*\(prefers-color-scheme:\s*dark\)\s*\{\s*:root\s*\{(.*?)\}", re.DOTALL
)
LIGHT = re.compile(r":root\s*\{(.*?)\}", re.DOTALL)

# Text (4.5:1, WCAG 1.4.3) on the backgrounds it is set on.
TEXT_ON = {
    **{
        (text, ground): 4.5
        for text in ("ink", "ink-soft", "muted", "link")
        for ground in ("paper", "canvas", "row-alt")
    },
    ("link", "row-hover"): 4.5,
    ("link-hover", "paper"): 4.5,
    ("ink", "row-hover"): 4.5,
    ("ink-soft", "head"): 4.5,  # table headers
    ("ink", "win-bg"): 4.5,  # a rider's stage win row
    ("ink", "group-bg"): 4.5,  # a team time trial's team row
    ("brand-ink", "brand"): 4.5,
    ("brand-ink", "brand-hover"): 4.5,
    ("brand-ink", "button"): 4.5,  # a button
    ("brand-ink", "button-hover"): 4.5,  # a button under the pointer
    ("brand-ink", "hero-end"): 4.5,
    ("hero-ink", "brand"): 4.5,
    ("hero-ink", "hero-end"): 4.5,
    ("brand-text", "paper"): 4.5,  # quiet buttons
    ("on-live", "live"): 4.5,  # the Live badge
    ("up", "paper"): 4.5,
    ("down", "paper"): 4.5,
    ("live", "paper"): 4.5,
    ("down", "status-bg"): 4.5,  # DNF, DNS badges
    ("draft-ink", "draft-bg"): 4.5,
}
# Graphics and the parts of controls (3:1, WCAG 1.4.11): chart lines, stage-type
# icons, field borders, the focus ring.
GRAPHICS_ON = {
    **{(f"series-{n}", "paper"): 3.0 for n in range(1, 11)},
    **{
        (f"type-{kind}", ground): 3.0
        for kind in ("flat", "hilly", "mountain", "tt")
        for ground in ("paper", "row-alt")
    },
    ("field-line", "paper"): 3.0,
    ("button", "paper"): 3.0,  # a button's edge on a card
    ("focus", "paper"): 3.0,
    ("focus", "canvas"): 3.0,
    ("accent", "brand"): 3.0,  # the header's focus ring and underline
}


def themes(css: str) -> dict[str, dict[str, str]]:
    """``{"light": {token: "#rrggbb"}, "dark": {...}}`` from the stylesheet; a dark
    token not redefined keeps its light value (as the cascade does)."""
    dark_block = DARK.search(css)
    assert dark_block, "site.css has no @media (prefers-color-scheme: dark) :root"
    light_block = LIGHT.search(css[: dark_block.start()])
    assert light_block, "site.css has no :root block of tokens"
    light = dict(TOKEN.findall(light_block[1]))
    return {"light": light, "dark": light | dict(TOKEN.findall(dark_block[1]))}


def luminance(colour: str) -> float:
    """WCAG relative luminance of ``#rgb`` or ``#rrggbb``."""
    digits = colour.lstrip("#")
    if len(digits) == 3:
        digits = "".join(c * 2 for c in digits)
    channels = [int(digits[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [
        c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels
    ]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted((luminance(a), luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


THEMES = themes(SITE_CSS.read_text(encoding="utf-8"))


def test_the_contrast_formula_matches_wcag():
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#fff", "#ffffff") == pytest.approx(1)
    assert contrast("#767676", "#ffffff") == pytest.approx(4.54, abs=0.01)


def test_the_stylesheet_follows_the_system_setting():
    css = SITE_CSS.read_text(encoding="utf-8")
    assert "color-scheme: light dark" in css
    # The dark theme redefines the colours rather than inheriting light ones.
    light, dark = THEMES["light"], THEMES["dark"]
    assert dark["paper"] != light["paper"]
    assert dark["ink"] != light["ink"]


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize(
    ("fore", "back", "least"),
    [(f, b, least) for (f, b), least in (TEXT_ON | GRAPHICS_ON).items()],
)
def test_tokens_meet_wcag_aa(theme, fore, back, least):
    tokens = THEMES[theme]
    assert fore in tokens, f"--{fore} is not defined"
    assert back in tokens, f"--{back} is not defined"
    ratio = contrast(tokens[fore], tokens[back])
    assert ratio >= least, (
        f"{theme}: --{fore} {tokens[fore]} on --{back} {tokens[back]} is "
        f"{ratio:.2f}:1, below {least}:1"
    )
