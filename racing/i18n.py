"""Marks on the core's words that pages show in the reader's language.

The pure core translates nothing (it imports no Django): these return their
message unchanged. ``makemessages`` collects what they mark into the catalogues
(``gettext_noop``, and ``pgettext_noop`` through the project's makemessages,
``stages.management.commands.makemessages``), and ``stages.vocabulary`` translates
the words where a page uses them.
"""

# The site's languages, each named in itself. English is the source language
# (the words of the code) and a package's own: ``reports/stage-NN.md`` is in
# English, ``reports/stage-NN.fr.md`` in French (RACE_PACKAGE.md).
LANGUAGES: tuple[tuple[str, str], ...] = (
    ("en", "English"),
    ("fr", "Français"),
    ("it", "Italiano"),
    ("es", "Español"),
)
SOURCE_LANGUAGE = "en"
LANGUAGE_CODES: frozenset[str] = frozenset(code for code, _ in LANGUAGES)


def gettext_noop(message: str) -> str:
    """``message``, marked for the catalogues."""
    return message


def pgettext_noop(context: str, message: str) -> str:
    """``message``, marked for the catalogues in ``context`` (a race's own word
    for a jersey: its slug)."""
    return message
