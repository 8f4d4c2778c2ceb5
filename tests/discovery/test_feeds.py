"""RSS and Atom feeds parse with a real feed parser and list the papers of the page they mirror."""

from __future__ import annotations

import html
from datetime import date
from urllib.parse import quote

import feedparser
import lxml.etree
import pytest

from paperboy.periods import period_containing
from tests.api.conftest import collapse
from tests.discovery.conftest import ATOM, between, doc, feed_ids, latest_records
from tests.discovery.test_pages_real import author_ids, org_ids

BASE = "http://127.0.0.1:8000"
LATEST = date(2026, 8, 21)
FEEDS = [
    "/feeds/daily",
    "/feeds/weekly",
    "/feeds/trending",
    "/organizations/google/feed",
    "/authors/" + quote("Ziwei Liu"),
]


def _get(client, path: str, kind: str):  # type: ignore[no-untyped-def]
    response = client.get(path + "." + kind)
    assert response.status_code == 200, response.text[:300]
    media = "application/rss+xml" if kind == "rss" else "application/atom+xml"
    assert response.headers["content-type"] == media + "; charset=utf-8"
    return response.content


@pytest.mark.parametrize("path", FEEDS[:4] + ["/authors/" + quote("Ziwei Liu") + "/feed"])
@pytest.mark.parametrize("kind", ["rss", "atom"])
def test_every_feed_parses_cleanly(client, path: str, kind: str) -> None:  # type: ignore[no-untyped-def]
    body = _get(client, path, kind)
    parsed = feedparser.parse(body)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == ("rss20" if kind == "rss" else "atom10")
    assert parsed.feed.title.endswith("· paperboy") and parsed.entries
    for entry in parsed.entries:
        arxiv_id = entry.link.removeprefix(BASE + "/papers/")
        record = latest_records()[arxiv_id]
        assert entry.link == entry.id == f"{BASE}/papers/{arxiv_id}"  # guid = our paper page
        assert entry.title == collapse(record["title"])
        assert html.unescape(entry.summary) == collapse(record["summary"])  # "<think>" stays text
        assert entry.published_parsed is not None
        names = [a["name"] for a in record["authors"] if not a.get("hidden")]
        if kind == "atom":
            assert [a.name for a in entry.authors] == names
        else:
            assert entry.author == ", ".join(names)  # <dc:creator>
    self_links = [link.href for link in parsed.feed.links if link.rel == "self"]
    assert self_links == [f"{BASE}{path}.{kind}"]


def test_the_daily_feed_is_the_latest_day(client) -> None:  # type: ignore[no-untyped-def]
    expected = [e["paper"]["id"] for e in between(LATEST, LATEST)]
    rss = feed_ids(_get(client, "/feeds/daily", "rss"))
    assert sorted(rss) == sorted(expected) and rss == feed_ids(_get(client, "/feeds/daily", "atom"))
    page = doc(client.get("/"))
    assert rss == [a.get("href").removeprefix("/papers/") for a in page.xpath("//h2[@class='card-title']/a")]


def test_the_weekly_feed_is_the_latest_week(client) -> None:  # type: ignore[no-untyped-def]
    week = period_containing("week", LATEST)
    expected = {e["paper"]["id"] for e in between(week.start, week.end)}
    ids = feed_ids(_get(client, "/feeds/weekly", "atom"))
    assert len(expected) == 110 and len(ids) == 100 and set(ids) < expected  # the 100 most upvoted
    shown = [
        a.get("href").removeprefix("/papers/")
        for p in (0, 1)
        for a in doc(client.get("/papers/week/2026-W34", params={"p": p})).xpath(
            "//h2[@class='card-title']/a"
        )
    ]
    assert ids == shown[:100]
    root = lxml.etree.fromstring(_get(client, "/feeds/weekly", "atom"))
    assert root.findtext(f"{ATOM}title").startswith("Weekly papers: Week 34 of 2026")


def test_organization_and_author_feeds(client) -> None:  # type: ignore[no-untyped-def]
    org = feed_ids(_get(client, "/organizations/google/feed", "rss"))
    assert set(org) == org_ids("google") or (len(org) == 100 and set(org) <= org_ids("google"))
    author = feed_ids(_get(client, "/authors/" + quote("Ziwei Liu") + "/feed", "atom"))
    assert len(author) == 100 and set(author) <= author_ids("Ziwei Liu")  # capped at 100, newest first
    page = doc(client.get("/authors/" + quote("Ziwei Liu")))
    assert author[:50] == [
        a.get("href").removeprefix("/papers/") for a in page.xpath("//h2[@class='card-title']/a")
    ]


def test_unknown_feeds_are_404(client) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/feeds/daily.json").status_code == 404
    assert client.get("/organizations/no-such-lab/feed.rss").status_code == 404
    assert client.get("/authors/Nobody%20At%20All/feed.atom").status_code == 404


@pytest.mark.parametrize(
    ("url", "own"),
    [
        ("/", None),
        ("/papers/week/2026-W34", None),
        ("/papers/trending", None),
        ("/papers/2608.19880", None),
        ("/organizations/google", "/organizations/google/feed"),
        ("/authors/" + quote("Ziwei Liu"), "/authors/Ziwei%20Liu/feed"),
    ],
)
def test_pages_advertise_their_feeds(client, url: str, own: str | None) -> None:  # type: ignore[no-untyped-def]
    head = doc(client.get(url)).xpath("//head")[0]
    rss = head.xpath("link[@rel='alternate'][@type='application/rss+xml']/@href")
    atom = head.xpath("link[@rel='alternate'][@type='application/atom+xml']/@href")
    site = ["/feeds/daily", "/feeds/weekly", "/feeds/trending"]
    assert rss == [p + ".rss" for p in ([own] if own else []) + site]
    assert atom == [p + ".atom" for p in ([own] if own else []) + site]
    for href in rss + atom:
        assert client.get(href).status_code == 200, href
