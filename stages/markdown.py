"""Race reports are written in Markdown and always reach a page sanitised."""

import re
from urllib.parse import unquote, urlsplit

import markdown as md
import nh3
from django.utils.safestring import SafeString, mark_safe

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "strong", "em", "b", "i", "a", "ul", "ol", "li",
    "blockquote", "code", "pre", "table", "thead", "tbody", "tr", "th", "td", "img",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title"},
    "th": {"scope"},
}


def same_site_path(src: str) -> bool:
    """Whether an image ``src`` (entities already decoded by the sanitiser) is an
    absolute path on this site: one ``/`` then neither ``/`` nor ``\\``, no
    backslash, whitespace or control character anywhere, and neither scheme nor
    host as ``urlsplit`` reads it. Browsers read ``/\\host`` and ``/<tab>/host``
    (tabs and newlines are stripped) as ``//host``, another site.

    The same holds once percent-decoded: ``/%5Chost`` or ``/%2Fhost`` stays a
    path in a browser, but a feed reader that decodes before resolving would
    fetch another host, so those are refused too (no image of the site is named
    so); an encoded space (``%20``) is kept."""
    decoded = unquote(src)
    for value in (src, decoded):
        if not value.startswith("/") or value[1:2] in ("/", "\\"):
            return False
        if "\\" in value or any(not c.isprintable() for c in value):
            return False
    if any(c.isspace() for c in src):
        return False
    parts = urlsplit(src)
    return not parts.scheme and not parts.netloc


def _same_site_images(tag: str, attribute: str, value: str) -> str | None:
    """Images only from this site: the CSP (img-src 'self') would block any other
    host on the pages, but the Atom feed carries the same HTML to feed readers,
    which have no such policy. Any other ``src`` is dropped (the image shows its
    ``alt`` text)."""
    if tag == "img" and attribute == "src":
        return value if same_site_path(value) else None
    return value


_HEADING = re.compile(r"<(/?)h([1-6])\b", re.IGNORECASE)


def _heading_below_headline(match: re.Match) -> str:
    level = min(max(int(match[2]) + 1, 3), 4)
    return f"<{match[1]}h{level}"


def shift_headings(html: str) -> str:
    """A report's headings sit under its headline (an ``h2`` on the page): ``#``
    and ``##`` become ``h3``, ``###`` and below ``h4``, so a subheading never
    reads as large as, or outranks, the headline."""
    return _HEADING.sub(_heading_below_headline, html)


def render_markdown(text: str) -> SafeString:
    """Markdown to HTML with no scripts, event handlers, inline styles,
    ``javascript:`` URLs or images from other hosts (nh3 keeps only the tags and
    attributes listed above); headings shifted below the report's headline
    (``shift_headings``)."""
    html = shift_headings(md.markdown(text or "", extensions=["tables", "sane_lists"]))
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
        attribute_filter=_same_site_images,
    )
    return mark_safe(clean)  # noqa: S308 (sanitised by nh3 just above)


INLINE_TAGS = {"strong", "em", "b", "i", "a", "code"}


def render_inline(text: str) -> SafeString:
    """Markdown inline only (emphasis, strong, code, links), sanitised: a ticker
    line. Block markup (headings, lists, images, paragraphs) keeps its text and
    loses its tags."""
    html = md.markdown(text or "")
    clean = nh3.clean(
        html,
        tags=INLINE_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
    )
    return mark_safe(clean.strip())  # noqa: S308 (sanitised by nh3 just above)
