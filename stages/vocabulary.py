"""The core's words in the page's language: the one place where the registry's
table names, captions and jersey names (``racing.registry``,
marked by ``racing.i18n``) are translated."""

from django.utils.translation import gettext, pgettext

from racing import registry


def table_label(key: str) -> str:
    """``"gc"`` -> ``General`` (the tab's name; an unknown key as it is)."""
    found = registry.table(key)
    return gettext(found.label) if found else key


def table_title(key: str) -> str:
    """``"gc"`` -> ``general classification`` (an unknown key as it is)."""
    found = registry.table(key)
    return gettext(found.title) if found else key


def leader_title(key: str) -> str:
    """``"gc"`` -> ``the GC`` (an unknown key as it is)."""
    found = registry.table(key)
    return gettext(found.leader_title) if found else key


def caption(table: registry.Table, number: int) -> str:
    """``Result of stage 12``, ``General classification after stage 12``."""
    return gettext(table.caption).format(number=number)


def jersey_name(classification: str, race_slug: str = "") -> str:
    """The name of the jersey of ``classification``'s leader in that race, as the
    race's fans say it in the page's language (``maglia rosa``)."""
    worn = registry.jersey(classification, race_slug)
    if worn is registry.UNKNOWN_JERSEY:
        return gettext(worn.name)
    return pgettext(registry.jersey_race(race_slug), worn.name)


def jersey_label(classification: str, race_slug: str = "") -> str:
    """A jersey's text alternative: ``Yellow jersey (general classification
    leader)``."""
    return gettext("%(jersey)s (%(classification)s leader)") % {
        "jersey": jersey_name(classification, race_slug),
        "classification": table_title(classification),
    }
