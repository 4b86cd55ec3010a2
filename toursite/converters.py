"""``<num:...>`` in URL patterns: a year or a stage number as the site writes it.

Django's ``<int:...>`` also takes ``02023`` and ``stage-012``: each spelling would be
a page of its own in the page cache, so that a client could multiply stored pages
by adding zeros. These take a number written without leading zeros and at most five
digits (larger numbers are no year or stage); any other spelling is a 404.
"""

from django.urls import register_converter


class WholeNumber:
    regex = "[1-9][0-9]{0,4}"

    def to_python(self, value: str) -> int:
        return int(value)

    def to_url(self, value: int) -> str:
        return str(value)


register_converter(WholeNumber, "num")


def form_int(text: str | None) -> int | None:
    """A whole number sent in a query string or a form (an id, a page): ASCII
    digits only, at most nine of them; anything else is None. (``"²".isdigit()``
    is true but ``int("²")`` fails, and a number of thousands of digits would
    overflow the database.)"""
    if text and len(text) <= 9 and text.isascii() and text.isdecimal():
        return int(text)
    return None
