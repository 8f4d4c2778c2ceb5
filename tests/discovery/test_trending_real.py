"""Trending on all 558 real days: pages, the API and the feed follow the README formula, recomputed here."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta

from tests.api.conftest import max_comments, max_upvotes
from tests.discovery.conftest import between, card_ids, days, doc, feed_ids

LATEST = date(2026, 8, 21)


def _when(entry: dict, day: str) -> datetime:
    raw = entry["paper"].get("submittedOnDailyAt") or entry.get("publishedAt")
    if raw:
        return datetime.fromisoformat(raw.replace("Z", "+00:00"))
    return datetime.fromisoformat(day).replace(tzinfo=UTC)


def _stars() -> dict[str, int]:
    """GitHub stars as stored: the latest value any day gave."""
    found: dict[str, int] = {}
    for entries in days().values():
        for e in entries:
            if e["paper"].get("githubStars") is not None:
                found[e["paper"]["id"]] = e["paper"]["githubStars"]
    return found


def expected(start: date, end: date) -> list[str]:
    """Paper ids by the README formula with default weights, "now" being the end of ``end``."""
    now = datetime.combine(end + timedelta(days=1), datetime.min.time(), tzinfo=UTC)
    first: dict[str, datetime] = {}
    for day, entries in days().items():
        if start.isoformat() <= day <= end.isoformat():
            for e in entries:
                first.setdefault(e["paper"]["id"], _when(e, day))
    stars = _stars()

    def score(arxiv_id: str) -> float:
        hours = max(0.0, (now - first[arxiv_id]).total_seconds() / 3600)
        points = (
            max_upvotes()[arxiv_id] + 2 * max_comments()[arxiv_id] + math.log2(1 + stars.get(arxiv_id, 0)) + 1
        )
        return points / (hours + 2) ** 1.2

    # Ties (same votes, same feature time) go to more upvotes, the later feature, then the older row.
    loaded = {}
    for entries in days().values():
        for e in entries:
            loaded.setdefault(e["paper"]["id"], len(loaded))
    return sorted(first, key=lambda i: (-score(i), -max_upvotes()[i], -first[i].timestamp(), loaded[i]))


def _all_pages(client, url: str, **params: str) -> list[str]:  # type: ignore[no-untyped-def]
    ids: list[str] = []
    for p in range(20):
        response = client.get(url, params={**params, "p": p})
        if response.status_code == 404:
            return ids
        ids += card_ids(doc(response))
    raise AssertionError("too many pages")


def test_the_day_page_sorted_by_trending(client) -> None:  # type: ignore[no-untyped-def]
    page = doc(client.get("/papers/date/2026-08-21", params={"sort": "trending"}))
    assert card_ids(page) == expected(LATEST, LATEST)
    whys = [p.text_content() for p in page.xpath("//article//p[@class='why']")]
    assert len(whys) == 17 and all(w.endswith("featured on Aug 21") for w in whys), whys
    assert "163 upvotes" in whys[0]
    current = page.xpath("//nav[@class='sort']/a[@aria-current='true']")
    assert [a.text_content() for a in current] == ["Trending"]
    pager_or_self = page.xpath("//nav[@class='sort']/a[.='Trending']/@href")
    assert pager_or_self == ["/papers/date/2026-08-21?sort=trending"]


def test_other_sorts_show_no_why_line(client) -> None:  # type: ignore[no-untyped-def]
    for sort in ("upvotes", "publishedAt"):
        assert not doc(client.get("/", params={"sort": sort})).xpath("//p[@class='why']")


def test_a_month_sorted_by_trending_pages_without_gaps(client) -> None:  # type: ignore[no-untyped-def]
    ids = _all_pages(client, "/papers/month/2025-10", sort="trending")
    assert ids == expected(date(2025, 10, 1), date(2025, 10, 31))
    assert len(ids) == len({e["paper"]["id"] for e in between(date(2025, 10, 1), date(2025, 10, 31))})


def test_the_trending_page(client) -> None:  # type: ignore[no-untyped-def]
    start = LATEST - timedelta(days=6)  # PAPERBOY_TRENDING_DAYS = 7, counted back from the latest day
    ids = _all_pages(client, "/papers/trending")
    assert ids == expected(start, LATEST)
    page = doc(client.get("/papers/trending"))
    assert f"{len(ids)} papers featured Aug 15, 2026 – Aug 21, 2026" in " ".join(
        page.xpath("string(//p[@class='count-line'])").split()
    )
    assert len(page.xpath("//article//p[@class='why']")) == len(card_ids(page)) == 50
    day = doc(client.get("/papers/date/2025-03-05"))
    tabs = day.xpath("//nav[@class='site-nav']/a")
    assert [(a.xpath("string(span[@class='tab-full'])"), a.get("href")) for a in tabs][-1] == (
        "Trending",
        "/papers/trending",
    ), "Trending is a tab beside Daily, Weekly and Monthly on every feed page"
    assert "÷ (hours since featured + 2)" in page.xpath("string(//details[@class='trend-explain'])")


def test_the_api_sorts_by_the_same_score(client) -> None:  # type: ignore[no-untyped-def]
    ids: list[str] = []
    for p in range(40):
        batch = client.get(
            "/api/daily_papers", params={"week": "2025-W39", "sort": "trending", "p": p, "limit": 7}
        )
        assert batch.status_code == 200
        if not batch.json():
            break
        ids += [entry["paper"]["id"] for entry in batch.json()]
    start = date.fromisocalendar(2025, 39, 1)
    assert ids == expected(start, start + timedelta(days=6))


def test_the_trending_feed_matches_the_page(client) -> None:  # type: ignore[no-untyped-def]
    ids = feed_ids(client.get("/feeds/trending.rss").content)
    assert ids == expected(LATEST - timedelta(days=6), LATEST)[:100]
