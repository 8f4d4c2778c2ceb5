"""The daily / weekly / monthly feed pages against all 558 real days of Hugging Face daily papers."""

from __future__ import annotations

import threading
from datetime import date

import pytest
import sqlalchemy as sa

from paperboy.periods import parse_month, parse_week
from tests.web.conftest import HF_DAILY, card_titles, cards, day_file, ids_between, page, step_href


def _collapse(text: str) -> str:
    return " ".join(text.split())


def test_home_shows_the_latest_day(doc_of) -> None:  # type: ignore[no-untyped-def]
    entries = day_file("2026-08-21")
    doc = doc_of("/")
    assert len(cards(doc)) == len(entries) == 17
    titles = card_titles(doc)
    assert set(titles) == {_collapse(e["paper"]["title"]) for e in entries}
    assert titles[0] == "EnvHarness: Awakening Static Worlds for Agent Learning"  # most upvoted first
    votes = [int(v.text_content()) for v in doc.xpath("//span[@class='votes-num']")]
    assert votes == sorted((e["paper"]["upvotes"] for e in entries), reverse=True)
    assert "17 papers" in doc.xpath("string(//p[@class='count-line'])")
    assert doc.xpath("string(//h1)") == "Friday, August 21, 2026"
    assert step_href(doc, "prev") == "/papers/date/2026-08-20"
    assert step_href(doc, "next") is None  # nothing after the latest day


@pytest.mark.parametrize("day", ["2024-05-27", "2024-12-10", "2025-09-30", "2026-05-12", "2026-08-20"])
def test_a_day_shows_exactly_that_files_papers(doc_of, day: str) -> None:  # type: ignore[no-untyped-def]
    entries = day_file(day)
    doc = doc_of(f"/papers/date/{day}")
    assert sorted(card_titles(doc)) == sorted(_collapse(e["paper"]["title"]) for e in entries)
    noun = "paper" if len(entries) == 1 else "papers"
    assert f"{len(entries)} {noun}" in doc.xpath("string(//p[@class='count-line'])")


def test_day_links_jump_over_days_without_papers(doc_of) -> None:  # type: ignore[no-untyped-def]
    assert not (HF_DAILY / "2024-12-11.json").exists()
    doc = doc_of("/papers/date/2024-12-10")
    assert step_href(doc, "prev") == "/papers/date/2024-12-09"
    assert step_href(doc, "next") == "/papers/date/2025-01-13"
    assert step_href(doc_of("/papers/date/2025-01-13"), "prev") == "/papers/date/2024-12-10"
    first = doc_of("/papers/date/2024-05-27")
    assert step_href(first, "prev") is None
    assert step_href(first, "next") == "/papers/date/2024-05-28"


def test_a_day_without_papers_says_so_with_links(doc_of) -> None:  # type: ignore[no-untyped-def]
    doc = doc_of("/papers/date/2024-12-25")
    assert cards(doc) == []
    assert "No papers on this day" in doc.text_content()
    assert "0 papers" in doc.xpath("string(//p[@class='count-line'])")
    assert step_href(doc, "prev") == "/papers/date/2024-12-10"
    assert step_href(doc, "next") == "/papers/date/2025-01-13"


@pytest.mark.parametrize("week", ["2024-W22", "2025-W02", "2025-W39", "2026-W16", "2026-W34"])
def test_week_counts_distinct_papers(doc_of, week: str) -> None:  # type: ignore[no-untyped-def]
    period = parse_week(week)
    expected = ids_between(period.start, period.end)
    doc = doc_of(f"/papers/week/{week}")
    count = len(expected)
    assert f"{count} paper" in doc.xpath("string(//p[@class='count-line'])")
    assert len(cards(doc)) == min(count, 50)


def test_month_counts_a_paper_featured_twice_once(doc_of) -> None:  # type: ignore[no-untyped-def]
    period = parse_month("2026-04")
    featured = [e["paper"]["id"] for d in ("2026-04-10", "2026-04-16") for e in day_file(d)]
    assert featured.count("2604.07429") == 2  # on two days of this month in the saved data
    expected = len(ids_between(period.start, period.end))
    doc = doc_of("/papers/month/2026-04")
    assert f"{expected:,} papers" in doc.xpath("string(//p[@class='count-line'])")


def test_week_and_month_step_to_periods_with_papers(doc_of) -> None:  # type: ignore[no-untyped-def]
    doc = doc_of("/papers/week/2024-W50")  # the week of Dec 9 2024: the gap starts on the 11th
    assert step_href(doc, "prev") == "/papers/week/2024-W49"
    assert step_href(doc, "next") == "/papers/week/2025-W03"
    month = doc_of("/papers/month/2024-05")
    assert step_href(month, "prev") is None
    assert step_href(month, "next") == "/papers/month/2024-06"
    assert step_href(doc_of("/papers/month/2026-08"), "next") is None


def test_tabs_keep_the_moment(doc_of) -> None:  # type: ignore[no-untyped-def]
    tabs = {
        a.xpath("string(span[@class='tab-full'])"): a.get("href")
        for a in doc_of("/papers/date/2025-03-05").xpath("//nav[@class='site-nav']/a")
    }
    assert tabs == {
        "Daily": "/papers/date/2025-03-05",
        "Weekly": "/papers/week/2025-W10",
        "Monthly": "/papers/month/2025-03",
        "Trending": "/papers/trending",  # always now
    }
    week_tabs = doc_of("/papers/week/2025-W10").xpath("//nav[@class='site-nav']/a")
    assert week_tabs[0].get("href") == "/papers/date/2025-03-07"  # the week's last day with papers
    assert week_tabs[1].get("aria-current") == "page"


def test_latest_week_and_month_redirect(client) -> None:  # type: ignore[no-untyped-def]
    assert client.get("/papers/week", follow_redirects=False).headers["location"] == "/papers/week/2026-W34"
    assert client.get("/papers/month", follow_redirects=False).headers["location"] == "/papers/month/2026-08"
    assert client.get("/papers", follow_redirects=False).headers["location"] == "/"


def test_sort_by_published_at(doc_of) -> None:  # type: ignore[no-untyped-def]
    trending = card_titles(doc_of("/papers/month/2025-10"))
    doc = doc_of("/papers/month/2025-10?sort=publishedAt")
    newest = card_titles(doc)
    assert newest != trending and len(newest) == len(trending) == 50
    current = doc.xpath("//nav[@class='sort']/a[@aria-current='true']")
    assert [a.text_content() for a in current] == ["Newest"]
    pager = doc.xpath("//nav[@class='pager']//a[@rel='next']")[0].get("href")
    assert pager == "/papers/month/2025-10?sort=publishedAt&p=1"  # paging keeps the sort


def test_paging_a_month(client, doc_of) -> None:  # type: ignore[no-untyped-def]
    period = parse_month("2026-05")
    total = len(ids_between(period.start, period.end))
    pages = -(-total // 50)
    seen: list[str] = []
    for p in range(pages):
        doc = doc_of(f"/papers/month/2026-05?p={p}")
        seen += card_titles(doc)
        assert f"Page {p + 1} of {pages}" in doc.text_content()
    assert len(seen) == total
    assert len(cards(doc)) == total - 50 * (pages - 1)
    page(client.get(f"/papers/month/2026-05?p={pages}"), 404)
    page(client.get("/papers/month/2026-05?p=-1"), 400)
    page(client.get("/papers/month/2026-05?p=abc"), 400)


@pytest.mark.parametrize(
    ("url", "words"),
    [
        ("/papers/date/2025-13-45", "date must be YYYY-MM-DD"),
        ("/papers/date/yesterday", "date must be YYYY-MM-DD"),
        ("/papers/week/2025-W99", "no such ISO week"),
        ("/papers/week/2025-3", "week must be YYYY-Www"),
        ("/papers/month/2025-13", "month must be YYYY-MM"),
        ("/papers/month/2025-10?sort=best", "sort"),
    ],
)
def test_bad_periods_are_400_pages(client, url: str, words: str) -> None:  # type: ignore[no-untyped-def]
    doc = page(client.get(url), 400)
    assert words in doc.xpath("string(//p[@class='error-message'])")
    assert doc.xpath("string(//h1)") == "Bad request"
    assert doc.xpath("//meta[@name='robots']/@content") == ["noindex"]


def test_feed_page_is_a_fixed_number_of_queries(client, loaded_engine) -> None:  # type: ignore[no-untyped-def]
    """No query per paper: a month of 600 papers costs the same few queries as a quiet day."""
    statements: list[str] = []

    def count(*args: object) -> None:
        # The server's own background threads (data-version poll, search refresh) are not the page's cost.
        if not threading.current_thread().name.startswith("paperboy-"):
            statements.append(str(args[2]))

    sa.event.listen(loaded_engine, "before_cursor_execute", count)
    try:
        client.get("/papers/month/2026-05")
        month = len(statements)
        statements.clear()
        client.get("/papers/date/2024-05-29")
        day = len(statements)
    finally:
        sa.event.remove(loaded_engine, "before_cursor_execute", count)
    assert month <= 9 and day <= 6, (month, day)


def test_pages_carry_no_inline_script_or_style(client) -> None:  # type: ignore[no-untyped-def]
    """A strict Content-Security-Policy comes later: nothing inline may depend on 'unsafe-inline'."""
    for url in (
        "/",
        "/papers/month/2026-05",
        "/papers/2608.19880",
        "/search?q=agents",
        "/papers/date/2025-13-45",
    ):
        doc = page(client.get(url), 400 if "13-45" in url else 200)
        assert all(s.get("src") for s in doc.xpath("//script")), url
        assert doc.xpath("//script") and all(s.get("defer") is not None for s in doc.xpath("//script")), url
        assert doc.xpath("//*[@style]") == [] and doc.xpath("//style") == [], url
        assert not [
            a for el in doc.iter() if isinstance(el.tag, str) for a in el.attrib if a.startswith("on")
        ]
        assert doc.get("lang") == "en"
        assert len(doc.xpath("//h1")) == 1
        assert doc.xpath("//main[@id='main']") and doc.xpath("//a[@href='#main']")


def test_canonical_and_description(doc_of) -> None:  # type: ignore[no-untyped-def]
    doc = doc_of("/papers/month/2026-05?p=2&sort=publishedAt")
    assert doc.xpath("//link[@rel='canonical']/@href") == ["http://127.0.0.1:8000/papers/month/2026-05?p=2"]
    assert doc.xpath("string(//title)").startswith("Monthly papers · May 2026")
    assert "papers featured in May 2026" in doc.xpath("string(//meta[@name='description']/@content)")


def test_static_files_are_served(client) -> None:  # type: ignore[no-untyped-def]
    doc = page(client.get("/"))
    for href in doc.xpath("//link[@rel='stylesheet']/@href | //script/@src | //link[@rel='icon']/@href"):
        response = client.get(href)
        assert response.status_code == 200, href
    css = client.get("/static/style.css").text
    assert "prefers-color-scheme: dark" in css and "focus-visible" in css


def test_search_page(doc_of) -> None:  # type: ignore[no-untyped-def]
    doc = doc_of("/search?q=EnvHarness")
    assert "EnvHarness: Awakening Static Worlds for Agent Learning" in card_titles(doc)
    assert doc.xpath("//form[@data-live-search]//input[@name='q']/@value") == ["EnvHarness"]
    empty = doc_of("/search")
    assert cards(empty) == [] and "Search papers" in empty.xpath("string(//h1)")
    none = doc_of("/search?q=zzzqqqxxyy")
    assert "No papers match" in none.text_content()


def test_dates_on_cards_link_to_their_day(doc_of) -> None:  # type: ignore[no-untyped-def]
    doc = doc_of("/papers/week/2026-W34")
    links = set(doc.xpath("//p[@class='meta']//a[time]/@href"))  # (organization names link too)
    assert links <= {f"/papers/date/2026-08-{d}" for d in range(17, 22)} and links
    assert date(2026, 8, 21).isoformat() in " ".join(links)
