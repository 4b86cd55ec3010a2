"""Messages of the writes that the admin both shows and stores: in the editor's
language on the page, in English in the change log (stored data stays English).

A :class:`Said` is the message in the active language (it is a ``str``: shown as
it is) that also keeps its English words in :attr:`Said.english`, for the log.
:func:`said` words a message with ``gettext`` in both languages; its parameters may
be ``Said`` themselves (each language takes its own words). Data (names, numbers,
times) is the same in both.
"""

from collections.abc import Callable, Iterable, Mapping

from django.utils import translation

from racing.i18n import SOURCE_LANGUAGE


class Said(str):
    """A message in the active language, with its English words in ``english``."""

    english: str

    def __new__(cls, shown: str, english: str | None = None) -> "Said":
        message = super().__new__(cls, shown)
        message.english = str(shown) if english is None else english
        return message


def english(message: str) -> str:
    """A message's English words (the message itself when it has no others): what
    the change log stores."""
    return getattr(message, "english", message)


def said(words: Callable[[Mapping[str, object]], str], **params: object) -> Said:
    """``words(params)`` (a ``gettext`` call formatted with ``params``) in the active
    language and in English."""
    shown = words(params)
    with translation.override(SOURCE_LANGUAGE):
        source = words({key: english(value) for key, value in params.items()})
    return Said(shown, source)


def joined(separator: str, messages: Iterable[str]) -> Said:
    """``separator.join(messages)`` in both languages."""
    messages = list(messages)
    return Said(separator.join(messages), separator.join(map(english, messages)))
