"""Template helpers for the rider and team pages."""

from django import template

from racing import registry
from stages.models import StageResult

register = template.Library()


@register.filter
def ordinal(n: int | None) -> str:
    """``1`` -> ``1st``, ``12`` -> ``12th``, ``23`` -> ``23rd``."""
    if n is None or n == "":
        return ""
    n = int(n)
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10)
    return f"{n}{suffix or 'th'}"


@register.filter
def jersey_name(classification: str, race_slug: str = "") -> str:
    """``"gc"`` in the Tour -> ``Yellow jersey``; in the Giro -> ``Pink jersey``
    (``racing.registry.jersey``)."""
    return registry.jersey(classification, race_slug).name


@register.filter
def classification_name(classification: str) -> str:
    """``"gc"`` -> ``General``: the registry's short name of a classification (an
    unknown key as it is)."""
    table = registry.table(classification)
    return table.label if table else classification


@register.filter
def status_label(status: str) -> str:
    """``DNF`` -> ``Did not finish``; "" (results stop) -> ``No result``."""
    if not status:
        return "No result"
    return (
        str(StageResult.Status(status).label)
        if status in StageResult.Status
        else status
    )
