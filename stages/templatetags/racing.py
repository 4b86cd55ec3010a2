"""Template helpers shared by every page: race times, gaps, flags and jerseys."""

import functools

from django import template
from django.templatetags.static import static
from django.utils.html import format_html
from django_countries import countries

from racing import registry
from racing.timefmt import format_gap, format_time
from stages import vocabulary

register = template.Library()


@register.filter
def hms(seconds: int | None) -> str:
    """``13902`` -> ``3:51:42``."""
    return format_time(seconds)


@register.filter
def gap(seconds: int | None) -> str:
    """``17`` -> ``+0:17``; ``3723`` -> ``+1:02:03``."""
    return format_gap(seconds)


@register.inclusion_tag("includes/nationality.html")
def flag(code: str) -> dict:
    """A nationality (ISO 3166-1 alpha-2, ``DK``): its flag as an image every
    system shows (django-countries' flags, not emoji, which Windows shows as
    letters), the code as text and the country's name in the page's language."""
    code = (code or "").upper()
    known = countries.name(code) if code else ""
    image = _flag_image(code) if known else ""
    return {"code": code, "name": known or code, "image": image}


@functools.lru_cache(maxsize=512)
def _flag_image(code: str) -> str:
    return static(f"flags/{code.lower()}.gif")


@register.inclusion_tag("includes/jersey.html")
def jersey(classification: str, race_slug: str = "") -> dict:
    """A small jersey icon of ``classification``'s leader in the race ``race_slug``
    (``racing.registry.jersey``), named in its text alternative: ``Yellow jersey
    (general classification leader)``."""
    worn = registry.jersey(classification, race_slug)
    label = vocabulary.jersey_label(classification, race_slug)
    return {"colour": worn.colour, "dots": worn.dots, "label": label}


@register.filter
def absolute(value: int | None) -> int | None:
    """``-3`` -> ``3`` (movement arrows carry the sign)."""
    return None if value is None else abs(value)


@register.filter
def seconds(value: int | None) -> str:
    """Bonus and penalty seconds: ``10`` -> ``10″``; 60 or more as ``1:00``."""
    if not value:
        return ""
    if value >= 60:
        return f"{value // 60}:{value % 60:02d}"
    return f"{value}″"


@register.filter
def points_gap(value: int | None) -> str:
    """Points behind the leader: ``25`` -> ``−25``; the leader gets nothing."""
    return f"−{value}" if value else ""


@register.inclusion_tag("includes/stage_type.html")
def stage_type(stage) -> dict:
    """A stage's type as a profile icon and its name."""
    return {"type": stage.type, "label": stage.get_type_display()}


@register.filter
def table_label(table: str) -> str:
    """``"gc"`` -> ``General``: the registry's short name of a table, as on the
    tabs (an unknown key as it is)."""
    return vocabulary.table_label(table)


@register.simple_tag
def spoils(edition_or_stage, number: int | None = None) -> str:
    """The spoiler-free marker of an element showing the outcome of stage
    ``number`` of an edition: `` data-spoils="tour-de-france/2023/12"``. Pass an
    Edition and a stage number (or a Stage), or a Stage (its own number unless
    ``number`` is given). Nothing when the stage is unknown. See
    static/js/spoilers.js."""
    edition = getattr(edition_or_stage, "edition", None) or edition_or_stage
    if number in (None, ""):
        number = getattr(edition_or_stage, "number", None)
    number = getattr(number, "number", number)  # a Stage for its number
    race = getattr(getattr(edition, "race", None), "slug", "")
    year = getattr(edition, "year", None)
    try:
        number = int(number)
    except (TypeError, ValueError):
        return ""
    if not race or year is None:
        return ""
    return format_html(' data-spoils="{}/{}/{}"', race, year, number)
