"""Report images come only from this site (issue "Hardening", item 12): a ``src``
that a browser or a feed reader would resolve to another host is dropped, on the
stage pages and in the Atom feed alike (the feed has no CSP to block it).

``/%5Cevil`` (a percent-encoded backslash) is refused as well: a browser keeps it
in the path, but a reader that decodes the URL before resolving it would read
``/\\evil``, that is ``//evil``; no image of the site has such a name."""

import re
import xml.etree.ElementTree as ET
from datetime import timedelta

import pytest
from django.utils import timezone

from stages.markdown import render_markdown
from stages.models import RaceReport, Stage

ATOM = "{http://www.w3.org/2005/Atom}"

FOREIGN = [
    pytest.param("![x](/\\evil.example/x.png)", id="slash-backslash"),
    pytest.param('<img src="/&#9;/evil.example/x.png" alt="x">', id="slash-tab-slash"),
    pytest.param('<img src="/&#10;/evil.example/x.png" alt="x">', id="slash-newline"),
    pytest.param("![x](//evil.example/x.png)", id="protocol-relative"),
    pytest.param("![x](https://evil.example/x.png)", id="absolute-url"),
    pytest.param('<img src="/\\evil" alt="x">', id="backslash-raw-html"),
    pytest.param("![x](/%5Cevil)", id="encoded-backslash"),
    pytest.param("![x](/%2F/evil.example/x.png)", id="encoded-slash"),
    pytest.param("![x](x.png)", id="relative-path"),
]


def image_sources(html: str) -> list[str | None]:
    """The ``src`` of every ``img`` (None for an image left without one)."""
    return [
        (found.group(1) if (found := re.search(r'src="([^"]*)"', tag)) else None)
        for tag in re.findall(r"<img\b[^>]*>", html)
    ]


@pytest.mark.parametrize("body", FOREIGN)
def test_an_image_from_another_host_loses_its_source(body):
    html = render_markdown(body)
    assert image_sources(html) == [None]
    assert "evil" not in html
    assert 'alt="x"' in html  # the reader still sees what the image was


@pytest.mark.parametrize(
    "src",
    ["/static/img/x.png", "/media/reports/stage%2012.jpg", "/static/img/x.png?v=2"],
)
def test_an_image_of_this_site_is_kept(src):
    assert image_sources(render_markdown(f"![Izagirre]({src})")) == [src]


@pytest.mark.django_db
def test_the_feed_carries_only_same_site_images(client, tour):
    payloads = "\n\n".join(
        [
            "![a](/\\evil.example/a.png)",
            '<img src="/&#9;/evil.example/b.png" alt="b">',
            "![c](//evil.example/c.png)",
            "![d](/%5Cevil.example/d.png)",
            "![ok](/static/img/ok.png)",
        ]
    )
    RaceReport.objects.create(
        stage=Stage.objects.get(edition=tour, number=13),
        headline="Images from everywhere",
        body=payloads,
        status=RaceReport.Status.PUBLISHED,
        published_at=timezone.now() - timedelta(minutes=1),
    )
    feed = ET.fromstring(client.get("/feed/reports.atom").content)
    entry = next(
        e
        for e in feed.findall(f"{ATOM}entry")
        if e.findtext(f"{ATOM}title") == "Images from everywhere"
    )
    summary = entry.findtext(f"{ATOM}summary")
    assert image_sources(summary) == [None, None, None, None, "/static/img/ok.png"]
    assert "evil" not in summary
