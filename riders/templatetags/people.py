"""Template helpers for the rider and team pages."""

from django import template
from django.template.loader import render_to_string
from django.utils.html import conditional_escape
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext, pgettext

from riders.careers import Spell, and_list
from stages import vocabulary
from stages.models import StageResult
from stages.queries.rows import status_abbreviation

register = template.Library()


@register.filter
def ordinal(n: int | None) -> str:
    """``1`` -> ``1st``, ``12`` -> ``12th``, ``23`` -> ``23rd``, in the page's
    language (``1er``, ``12e`` in French)."""
    if n is None or n == "":
        return ""
    n = int(n)
    return _ordinal_pattern(n) % {"rank": n}


def _ordinal_pattern(n: int) -> str:
    """The pattern of rank ``n`` as an ordinal: one per English ending, and one
    for the first place alone (French ``1er`` but ``21e``)."""
    if n == 1:
        # Translators: the first place as an ordinal number: "1st".
        return pgettext("ordinal 1st", "%(rank)sst")
    ending = 0 if 10 <= n % 100 <= 20 else n % 10
    if ending == 1:
        # Translators: an ordinal number: 21st, 31st, 101st (not 1st, 11th).
        return pgettext("ordinal 21st", "%(rank)sst")
    if ending == 2:
        # Translators: an ordinal number: 2nd, 22nd, 32nd (not 12th).
        return pgettext("ordinal 2nd", "%(rank)snd")
    if ending == 3:
        # Translators: an ordinal number: 3rd, 23rd, 33rd (not 13th).
        return pgettext("ordinal 3rd", "%(rank)srd")
    # Translators: an ordinal number: 4th, 5th, 11th, 12th, 13th, 20th, 24th...
    return pgettext("ordinal 4th", "%(rank)sth")


@register.filter
def jersey_name(classification: str, race_slug: str = "") -> str:
    """``"gc"`` in the Tour -> ``Yellow jersey``; in the Giro -> ``Pink jersey``
    (``racing.registry.jersey``), in the page's language."""
    return vocabulary.jersey_name(classification, race_slug)


@register.filter
def classification_list(classifications: list[str]) -> str:
    """``["points", "kom"]`` -> ``points and mountains``: their short names in
    lower case, as a list in a sentence."""
    return and_list([vocabulary.table_label(c).lower() for c in classifications])


@register.filter
def status_label(status: str) -> str:
    """``DNF`` -> ``Did not finish``; "" (results stop) -> ``No result``."""
    if not status:
        return gettext("No result")
    return (
        str(StageResult.Status(status).label)
        if status in StageResult.Status
        else status
    )


@register.filter
def status_abbr(status: str) -> str:
    """``DNF`` as the page's language abbreviates it (the data's code stays
    ``DNF``)."""
    return status_abbreviation(status)


@register.filter
def quoted_list(words: list[str]) -> str:
    """``["nobody", "x"]`` -> ``“nobody”, “x”``: words a visitor typed, quoted."""
    # Translators: a word a visitor typed, between quotation marks: “nobody”.
    return ", ".join(gettext("“%(word)s”") % {"word": word} for word in words)


@register.simple_tag
def rode_for(spells: list[Spell]) -> SafeString:
    """``Rode for RU in 2021, FR since 2022``: the nationalities he rode under
    (``Career.nationalities``, oldest first), each with its flag."""
    *earlier, last = spells
    parts = [
        # Translators: a nationality he rode under (a flag and a code, "RU") and
        # its years: "RU in 2021", "RU in 2019–2021 and 2023".
        _html(gettext("%(nationality)s in %(years)s"), s, years=s.years_text)
        for s in earlier
    ]
    # Translators: his latest nationality (a flag and a code, "FR") and its
    # first year: "FR since 2022".
    parts.append(
        _html(gettext("%(nationality)s since %(year)s"), last, year=last.first)
    )
    # Translators: "Rode for RU in 2021, FR since 2022": the nationalities a
    # rider rode under, separated by commas.
    sentence = conditional_escape(gettext("Rode for %(nationalities)s"))
    return mark_safe(sentence % {"nationalities": ", ".join(parts)})


def _html(pattern: str, spell: Spell, **values: object) -> str:
    """``pattern`` (escaped) with the spell's flag and the (escaped) ``values``."""
    flag = render_to_string("includes/flag.html", {"code": spell.code}).strip()
    escaped = {k: conditional_escape(v) for k, v in values.items()}
    return conditional_escape(pattern) % {"nationality": flag, **escaped}
