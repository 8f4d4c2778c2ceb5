"""The feed pages' date picker: a plain GET form, bounded to the days that have papers, that lands on the day
(or the week or month) holding the chosen date; and Trending as the fourth feed tab."""

from __future__ import annotations

import pytest

from tests.conftest import HF_DAILY
from tests.web.conftest import page

DAYS = sorted(p.stem for p in HF_DAILY.glob("*.json"))
FIRST, LAST = DAYS[0], DAYS[-1]


def test_every_feed_page_has_the_picker_bounded_to_the_days_with_papers(doc_of) -> None:  # type: ignore[no-untyped-def]
    for url, kind, value in (
        ("/", None, LAST),
        ("/papers/date/2024-06-17", None, "2024-06-17"),
        ("/papers/week/2025-W39", "week", "2025-09-22"),
        ("/papers/month/2025-10", "month", "2025-10-01"),
        ("/papers/date/2024-06-16", None, "2024-06-16"),  # a day without papers still offers a way on
    ):
        doc = doc_of(url)
        form = doc.xpath("//form[@class='date-jump']")[0]
        assert form.get("action") == "/papers/date" and form.get("method") == "get"
        box = form.xpath(".//input[@type='date']")[0]
        shown = (box.get("name"), box.get("min"), box.get("max"), box.get("value"))
        assert shown == ("day", FIRST, LAST, value), url
        assert box.get("required") is not None
        assert form.xpath(f"string(.//label[@for='{box.get('id')}'])").strip().startswith("Go to")
        assert form.xpath("string(.//input[@name='kind']/@value)") == (kind or "")


@pytest.mark.parametrize(
    ("query", "target"),
    [
        ({"day": "2025-03-05"}, "/papers/date/2025-03-05"),
        ({"day": "2025-03-05", "kind": "week"}, "/papers/week/2025-W10"),
        ({"day": "2025-03-05", "kind": "month"}, "/papers/month/2025-03"),
        ({"day": "1999-01-01"}, f"/papers/date/{FIRST}"),  # before the first day: the first day
        ({"day": "2099-12-31"}, f"/papers/date/{LAST}"),  # after the last: the last
    ],
)
def test_the_picker_lands_on_the_period_holding_the_day(client, query: dict, target: str) -> None:  # type: ignore[no-untyped-def]
    answer = client.get("/papers/date", params=query, follow_redirects=False)
    assert answer.status_code == 303 and answer.headers["location"] == target
    assert client.get(target).status_code == 200


def test_a_bad_date_is_a_400_page_and_no_date_is_today(client) -> None:  # type: ignore[no-untyped-def]
    bad = page(client.get("/papers/date", params={"day": "2025-02-30"}), 400)
    assert "YYYY-MM-DD" in bad.xpath("string(//p[@class='error-message'])")
    assert client.get("/papers/date", params={"day": "x", "kind": "year"}).status_code in (400, 422)
    assert client.get("/papers/date", follow_redirects=False).headers["location"] == "/"


def test_trending_is_the_fourth_tab(doc_of) -> None:  # type: ignore[no-untyped-def]
    pages = (("/papers/date/2024-06-17", "Daily"), ("/papers/trending", "Trending"), ("/search", None))
    for url, current in pages:
        tabs = doc_of(url).xpath("//nav[@class='site-nav']/a")
        labels = [a.xpath("string(span[@class='tab-full'])") for a in tabs]
        assert labels == ["Daily", "Weekly", "Monthly", "Trending"], url
        assert tabs[3].get("href") == "/papers/trending"
        now = [a.xpath("string(span[@class='tab-full'])") for a in tabs if a.get("aria-current") == "page"]
        assert now == ([current] if current else []), url
        short = [a.xpath("string(span[@class='tab-short'])") for a in tabs]
        assert short == ["Day", "Week", "Month", "Trending"]
        assert all(a.xpath("span[@class='tab-short']/@aria-hidden") == ["true"] for a in tabs)
