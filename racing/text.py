"""Names and words as cycling writes them, and matching them loosely."""

import re
import unicodedata


def fold(text: str) -> str:
    """Case- and accent-insensitive form of a name, for matching (``Pogačar`` and
    ``POGACAR`` fold alike)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if c.isalnum() or c == " ").strip()


# Letters that Unicode does not decompose into a base letter and an accent
# (for search_key).
_LETTERS = str.maketrans(
    {"ø": "o", "đ": "d", "ð": "d", "ł": "l", "æ": "ae", "œ": "oe", "þ": "th"}
)
_OTHER = re.compile(r"[^a-z0-9]+")


def search_key(text: str | None) -> str:
    """The folded form the site search compares names in (``Pogačar`` ->
    ``pogacar``, ``Saint-Gervais Mont-Blanc`` -> ``saint gervais mont blanc``);
    PostgreSQL's ``unaccent`` gives the same (``riders.search.Folded``)."""
    decomposed = unicodedata.normalize("NFKD", (text or "").casefold())
    bare = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(_OTHER.sub(" ", bare.translate(_LETTERS)).split())


def slugify(value: str) -> str:
    """ASCII slug of a name (``Tour de France`` -> ``tour-de-france``), the same as
    Django's ``slugify``."""
    value = unicodedata.normalize("NFKD", str(value))
    value = value.encode("ascii", "ignore").decode("ascii")
    value = re.sub(r"[^\w\s-]", "", value.lower())
    return re.sub(r"[-\s]+", "-", value).strip("-_")


class PersonName:
    """Names as cycling writes them, for anything with ``given_name`` and
    ``family_name`` (a rider, or a plain row read for a page or a paste)."""

    __slots__ = ()

    @property
    def display_name(self) -> str:
        """Cycling convention: ``VINGEGAARD Jonas``."""
        return f"{self.family_name.upper()} {self.given_name}"

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"
