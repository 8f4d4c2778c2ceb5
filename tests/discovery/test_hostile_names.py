"""Author, organization and title text that looks like markup stays text in pages, links and feeds."""

from __future__ import annotations

import html
from urllib.parse import quote

import feedparser
import lxml.etree
import lxml.html
import pytest

from paperboy.models import Organization
from tests.discovery.conftest import DAY, sample_paper
from tests.sites import Site

PAPER = "2608.40001"
SCRIPT = '<script>alert("author")</script>'
IMG = '"><img src=x onerror=alert(1)>'
# Path-like: "/", "?", "#" and "%" must not change where the link goes. (No "%2F" inside the name: Starlette's
# TestClient decodes paths twice; a real server does not, which was checked by hand with uvicorn.)
PATHY = "AC/DC? #1 100% sure.."
ORG = Organization(
    name='lab"><svg onload=alert(2)>', fullname="<b>Evil</b> & Co", avatar_url="javascript:alert(3)"
)
TITLE = "<img src=x onerror=alert(4)> & </think>\x0b title"


@pytest.fixture
def hostile(site: Site) -> Site:
    site.add_papers(
        [sample_paper(PAPER, TITLE, [SCRIPT, IMG, PATHY], org=ORG, abstract="<script>alert(5)</script> ok")],
        DAY,
    )
    return site


def safe(html: str) -> lxml.html.HtmlElement:
    """The page parses, runs only our own scripts and carries no event handler or javascript: URL."""
    doc = lxml.html.fromstring(html)
    for script in doc.iter("script"):
        assert (script.get("src") or "").startswith("/static/"), lxml.html.tostring(script)
    for element in doc.iter():
        if not isinstance(element.tag, str):
            continue
        for name, value in element.attrib.items():
            assert not name.lower().startswith("on"), lxml.html.tostring(element)[:200]
            assert not value.strip().lower().startswith("javascript:"), (name, value)
    assert not doc.xpath("//img[@src='x'] | //svg[@onload] | //b[.='Evil']")
    return doc


def test_pages_escape_names_and_links_round_trip(hostile: Site) -> None:
    client = hostile.client()
    paper = safe(client.get(f"/papers/{PAPER}").text)
    assert paper.xpath("string(//h1)") == TITLE
    links = paper.xpath("//ul[@id='authors']/li/a[@class='author-link']")
    assert [a.text for a in links] == [SCRIPT, IMG, PATHY]
    for a, name in zip(links, [SCRIPT, IMG, PATHY], strict=True):
        assert a.get("href") == "/authors/" + quote(name, safe="")
        author = safe(client.get(a.get("href")).text)
        assert author.xpath("string(//h1)") == name
        assert author.xpath("//h2[@class='card-title']/a/@href") == [f"/papers/{PAPER}"]
    org_href = paper.xpath("//p[@class='org-line']/a/@href")[0]
    assert org_href == "/organizations/" + quote(ORG.name, safe="")
    org = safe(client.get(org_href).text)
    assert org.xpath("string(//h1)") == ORG.fullname
    card = safe(client.get("/papers/date/2026-08-21").text)
    assert card.xpath("string(//h2[@class='card-title'])").strip() == TITLE
    assert card.xpath("//*[contains(@class, 'card-authors')]//a/text()") == [SCRIPT, IMG, PATHY]
    safe(client.get("/papers/trending").text)


@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_feeds_carry_names_as_text(hostile: Site, kind: str) -> None:
    client = hostile.client()
    for path in (
        "/feeds/daily",
        "/feeds/trending",
        "/organizations/" + quote(ORG.name, safe="") + "/feed",
        "/authors/" + quote(SCRIPT, safe="") + "/feed",
        "/authors/" + quote(PATHY, safe="") + "/feed",
    ):
        body = client.get(f"{path}.{kind}").content
        root = lxml.etree.fromstring(body, lxml.etree.XMLParser(resolve_entities=False, no_network=True))
        assert not [
            e
            for e in root.iter()
            if isinstance(e.tag, str) and e.tag.rsplit("}", 1)[-1] in ("script", "img", "svg")
        ]
        parsed = feedparser.parse(body)
        assert not parsed.bozo, (path, parsed.get("bozo_exception"))
        [entry] = parsed.entries
        assert entry.title == TITLE.replace("\x0b", " ").replace("  ", " ")  # control characters dropped
        names = [a.name for a in entry.authors] if kind == "atom" else entry.author.split(", ")
        assert SCRIPT in names and IMG in names
        assert html.unescape(entry.summary) == "<script>alert(5)</script> ok"  # the abstract, as text
