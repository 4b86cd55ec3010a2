"""Race reports are written in Markdown and always reach a page sanitised."""

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


def _same_site_images(tag: str, attribute: str, value: str) -> str | None:
    """Images only from this site: the CSP (img-src 'self') would block any other
    host, leaving fans a broken image and the console an error."""
    if tag == "img" and attribute == "src":
        return value if value.startswith("/") and not value.startswith("//") else None
    return value


def render_markdown(text: str) -> SafeString:
    """Markdown to HTML with no scripts, event handlers, inline styles,
    ``javascript:`` URLs or images from other hosts (nh3 keeps only the tags and
    attributes listed above)."""
    html = md.markdown(text or "", extensions=["tables", "sane_lists"])
    clean = nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
        attribute_filter=_same_site_images,
    )
    return mark_safe(clean)  # noqa: S308 (sanitised by nh3 just above)
