"""Race reports are Markdown written by editors; nothing executable reaches a page."""

import re
from html.parser import HTMLParser

import pytest

from stages.markdown import ALLOWED_TAGS, render_markdown

XSS_PAYLOADS = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "<scr<script>ipt>alert(1)</scr</script>ipt>",
    '<img src="x" onerror="alert(1)">',
    "<img src=x OnError=alert(1)>",
    "<img src=x onerror\n=alert(1)>",
    '<a href="javascript:alert(1)">click</a>',
    '<a href="JaVaScRiPt:alert(1)">click</a>',
    '<a href="  javascript:alert(1)">click</a>',
    '<a href="java\tscript:alert(1)">click</a>',
    '<a href="&#106;avascript:alert(1)">click</a>',
    '<a href="&#x6A;&#x61;&#x76;&#x61;script&colon;alert(1)">click</a>',
    '<a href="jav&#x09;ascript:alert(1)">click</a>',
    "[click](javascript:alert(1))",
    "[click](JAVASCRIPT:alert(1))",
    "[click](&#106;avascript:alert(1))",
    "[click](vbscript:msgbox(1))",
    "![img](javascript:alert(1))",
    '<p style="background:url(javascript:alert(1))">styled</p>',
    '<span style="color:red">red</span>',
    "<style>body{display:none}</style>",
    '<iframe src="https://evil.example"></iframe>',
    '<iframe srcdoc="<script>alert(1)</script>"></iframe>',
    '<svg onload="alert(1)"><circle r="1"/></svg>',
    "<svg><script>alert(1)</script></svg>",
    '<math><mtext><img src=x onerror="alert(1)"></mtext></math>',
    '<a href="data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==">x</a>',
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<img src="data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+">',
    '<object data="javascript:alert(1)"></object>',
    '<embed src="javascript:alert(1)">',
    '<form action="javascript:alert(1)"><button>go</button></form>',
    '<input autofocus onfocus="alert(1)">',
    '<details open ontoggle="alert(1)">x</details>',
    '<body onload="alert(1)">',
    '<meta http-equiv="refresh" content="0;url=javascript:alert(1)">',
    '<base href="javascript:alert(1)//">',
    '<link rel="stylesheet" href="https://evil.example/x.css">',
    '<div onmouseover="alert(1)">hover</div>',
    '<a href="#" onclick="alert(1)">x</a>',
    "**bold** <b onmouseover=alert(1)>b</b>",
    '<table><tr><td background="javascript:alert(1)">x</td></tr></table>',
    '<img src="x" alt="" title="" onerror=alert(1)//',
    "<<script>script>alert(1)<</script>/script>",
    '<a href="https://ok.example" target="_blank" onclick="alert(1)">ok</a>',
]

SAFE_TAGS = ALLOWED_TAGS
SAFE_SCHEMES = {"http", "https", "mailto", None}
SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):")


def url_scheme(value: str) -> str | None:
    """The scheme a browser reads (WHATWG URL: outer C0 controls and spaces
    trimmed, tabs and newlines removed anywhere); None for a relative URL."""
    url = value.strip("".join(map(chr, range(33)))).translate(
        {9: None, 10: None, 13: None}
    )
    match = SCHEME.match(url)
    return match.group(1).lower() if match else None


class Elements(HTMLParser):
    """Every element and attribute of the output, as a browser would parse it."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, attrs))

    handle_startendtag = handle_starttag


def assert_harmless(html: str, payload: str) -> None:
    parser = Elements()
    parser.feed(html)
    parser.close()
    for tag, attrs in parser.found:
        assert tag in SAFE_TAGS, (payload, html)
        for name, value in attrs:
            assert not name.startswith("on"), (payload, html)
            assert name != "style", (payload, html)
            if name in ("href", "src") and value is not None:
                assert url_scheme(value) in SAFE_SCHEMES, (payload, html)
    assert "<script" not in html.lower(), (payload, html)


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_payload_never_reaches_the_page(payload):
    assert_harmless(str(render_markdown(payload)), payload)


@pytest.mark.parametrize("payload", XSS_PAYLOADS)
def test_payload_inside_a_report_keeps_the_text_around_it(payload):
    html = str(render_markdown(f"Before.\n\n{payload}\n\nAfter the stage."))
    assert "<p>Before.</p>" in html
    assert "After the stage." in html
    assert_harmless(html, payload)


def test_ordinary_markdown_survives():
    html = str(
        render_markdown(
            "Izagirre wins **alone** at [Belleville](https://example.com/b).\n\n"
            "## The climb\n\n- first\n- second\n\n| a | b |\n|---|---|\n| 1 | 2 |"
        )
    )
    assert "<strong>alone</strong>" in html
    assert 'href="https://example.com/b"' in html
    assert 'rel="noopener noreferrer nofollow"' in html
    assert "<h3>The climb</h3>" in html  # under the report headline (an h2)
    assert "<li>first</li>" in html
    assert "<table>" in html
    assert "<td>2</td>" in html


def test_empty_body_is_empty():
    assert str(render_markdown("")) == ""


@pytest.mark.parametrize(
    "raw",
    [
        '<a href="java\tscript:alert(1)">x</a>',
        '<a href=" JavaScript:alert(1)">x</a>',
        '<img src="data:image/svg+xml;base64,AAAA">',
        '<img src="x" onerror="alert(1)">',
        '<p style="color:red">x</p>',
        "<iframe></iframe>",
    ],
)
def test_the_check_itself_catches_unsanitised_html(raw):
    with pytest.raises(AssertionError):
        assert_harmless(raw, raw)


@pytest.mark.parametrize(
    "image",
    [
        "![Col](https://elsewhere.example/col.jpg)",
        "![Col](//elsewhere.example/col.jpg)",
        "![Col](http://elsewhere.example/col.jpg)",
    ],
)
def test_images_from_other_hosts_lose_their_source(image):
    # The CSP (img-src 'self') would block them: a broken image and a console error.
    html = str(render_markdown(image))
    assert "elsewhere.example" not in html


def test_images_from_this_site_are_kept():
    html = str(render_markdown("![Finish](/static/img/finish.jpg)"))
    assert '<img alt="Finish" src="/static/img/finish.jpg">' in html
