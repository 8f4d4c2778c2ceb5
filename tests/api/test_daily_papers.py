"""``/api/daily_papers`` read through the official ``huggingface_hub`` client over real HTTP.

The expected answers are the saved Hugging Face responses themselves: what we serve for a day must be what
Hugging Face served for it (ids, titles, upvotes), and weeks and months the de-duplicated union of their days.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest
from huggingface_hub import HfApi

from tests.api.conftest import all_days, collapse, day_file, max_comments, max_upvotes

DAYS = [
    "2024-05-27",
    "2024-06-14",
    "2025-03-14",
    "2025-09-26",
    "2025-09-30",
    "2026-04-10",
    "2026-04-16",
    "2026-08-21",
]


def _ids(papers: list) -> list[str]:
    return [p.id for p in papers]


def _everything(hf: HfApi, page_size: int = 100, **params: str) -> list:
    """Every paper of a query, following ``p`` until a short page."""
    found: list = []
    for page in range(1000):
        chunk = list(hf.list_daily_papers(p=page, limit=page_size, **params))
        found.extend(chunk)
        if len(chunk) < page_size:
            return found
    raise AssertionError("paging never ended")


def _expected_ids(first: date, last: date) -> set[str]:
    days = all_days()
    ids: set[str] = set()
    day = first
    while day <= last:
        ids.update(e["paper"]["id"] for e in days.get(day.isoformat(), []))
        day += timedelta(days=1)
    return ids


@pytest.mark.parametrize("day", DAYS)
def test_a_day_is_what_hugging_face_served(hf: HfApi, day: str) -> None:
    saved = {e["paper"]["id"]: e for e in day_file(day)}
    papers = list(hf.list_daily_papers(date=day, limit=100))
    assert sorted(_ids(papers)) == sorted(saved)
    for paper in papers:
        entry = saved[paper.id]
        assert paper.title == collapse(entry["paper"]["title"])
        assert (paper.upvotes or 0) == max_upvotes()[paper.id]  # the client turns 0 into None
        assert paper.summary == collapse(entry["paper"]["summary"])
        assert [a.name for a in paper.authors or []] == [
            collapse(a["name"]) for a in entry["paper"]["authors"]
        ]
        assert paper.comments == max_comments()[paper.id]
        assert paper.published_at is not None and paper.submitted_at is not None
        assert paper.published_at == datetime.fromisoformat(entry["paper"]["publishedAt"])
        assert paper.submitted_at.date() <= date.fromisoformat(day) + timedelta(days=1)


def test_the_papers_featured_on_two_days_carry_their_best_count(hf: HfApi) -> None:
    early = {p.id: p for p in hf.list_daily_papers(date="2026-04-10", limit=100)}
    late = {p.id: p for p in hf.list_daily_papers(date="2026-04-16", limit=100)}
    assert early["2604.07429"].upvotes == late["2604.07429"].upvotes == 42


def test_featured_by_is_parsed_by_the_client(hf: HfApi) -> None:
    saved = {e["paper"]["id"]: e for e in day_file("2025-09-26")}
    for paper in hf.list_daily_papers(date="2025-09-26"):
        expected = saved[paper.id].get("submittedBy")
        if expected is None:
            continue
        assert paper.submitted_by is not None
        assert (
            paper.submitted_by.name == expected["name"]
        )  # HF's key; the client keeps it as an extra attribute
        assert paper.submitted_by.avatar_url.startswith("https://")  # the user's latest avatar, made absolute
        theirs = saved[paper.id]["paper"].get("submittedOnDailyAt", saved[paper.id]["publishedAt"])
        assert paper.submitted_at == datetime.fromisoformat(theirs)


def test_no_period_means_the_latest_day(hf: HfApi) -> None:
    latest = max(all_days())
    assert sorted(_ids(hf.list_daily_papers())) == sorted(e["paper"]["id"] for e in day_file(latest))


@pytest.mark.parametrize("week", ["2024-W22", "2025-W39", "2026-W15", "2026-W16"])
def test_a_week_is_the_union_of_its_days(hf: HfApi, week: str) -> None:
    monday = date.fromisocalendar(int(week[:4]), int(week[-2:]), 1)
    papers = _everything(hf, week=week)
    assert len(_ids(papers)) == len(set(_ids(papers)))
    assert set(_ids(papers)) == _expected_ids(monday, monday + timedelta(days=6))


@pytest.mark.parametrize("month", ["2024-06", "2026-04"])
def test_a_month_is_the_union_of_its_days(hf: HfApi, month: str) -> None:
    first = date.fromisoformat(month + "-01")
    last = (first + timedelta(days=32)).replace(day=1) - timedelta(days=1)
    papers = _everything(hf, month=month)
    assert len(_ids(papers)) == len(set(_ids(papers)))
    assert set(_ids(papers)) == _expected_ids(first, last)
    if month == "2026-04":
        assert "2604.07429" in _ids(papers)  # featured twice that month, listed once


def test_paging_has_no_gaps_or_duplicates(hf: HfApi) -> None:
    for sort in ("publishedAt", "trending"):
        big = _everything(hf, page_size=100, month="2026-04", sort=sort)
        small = _everything(hf, page_size=37, month="2026-04", sort=sort)
        assert _ids(small) == _ids(big)
        assert len(set(_ids(big))) == len(big)


def test_trending_lists_the_same_papers_in_another_order(hf: HfApi) -> None:
    """The order itself is checked against the formula in tests/discovery/test_trending_real.py."""
    papers = list(hf.list_daily_papers(week="2025-W39", sort="trending", limit=100))
    newest = list(hf.list_daily_papers(week="2025-W39", sort="publishedAt", limit=100))
    assert sorted(p.id for p in papers) == sorted(p.id for p in newest)
    assert [p.id for p in papers] != [p.id for p in newest]


def test_published_at_orders_by_time_featured(hf: HfApi) -> None:
    papers = list(hf.list_daily_papers(date="2025-09-26", sort="publishedAt"))
    times = [p.submitted_at for p in papers]
    assert times == sorted(times, reverse=True)


def test_submitter_filters(hf: HfApi) -> None:
    month = [e for day, entries in all_days().items() if day.startswith("2025-09") for e in entries]
    expected = {e["paper"]["id"] for e in month if (e.get("submittedBy") or {}).get("name") == "taesiri"}
    papers = _everything(hf, month="2025-09", submitter="taesiri")
    assert expected and set(_ids(papers)) == expected
    assert {p.submitted_by.name for p in papers} == {"taesiri"}


def test_submitter_without_period_covers_every_day(hf: HfApi) -> None:
    everyone = [e for entries in all_days().values() for e in entries]
    expected = {e["paper"]["id"] for e in everyone if (e.get("submittedBy") or {}).get("name") == "Ningyu"}
    assert set(_ids(_everything(hf, submitter="Ningyu"))) == expected
    assert list(hf.list_daily_papers(submitter="nobody-by-this-name")) == []


def test_a_day_without_papers_is_empty(hf: HfApi) -> None:
    assert list(hf.list_daily_papers(date="2024-05-26")) == []  # a Sunday
    assert list(hf.list_daily_papers(date="2025-09-26", p=5)) == []


def test_raw_entries_have_hugging_faces_shape(client) -> None:  # type: ignore[no-untyped-def]
    body = client.get("/api/daily_papers", params={"date": "2026-08-21"}).json()
    saved = {e["paper"]["id"]: e for e in day_file("2026-08-21")}
    for entry in body:
        theirs = saved[entry["paper"]["id"]]
        assert set(entry) <= set(theirs) | {"summary", "isAuthorParticipating"}
        ours = {"submittedOnDailyAt", "submittedOnDailyBy", "hfUpvotes", "localUpvotes"}
        assert set(entry["paper"]) <= set(theirs["paper"]) | ours
        assert entry["isAuthorParticipating"] is False
        assert entry["submittedBy"]["name"] == theirs["submittedBy"]["name"]
        assert entry["paper"]["submittedOnDailyBy"]["user"] == theirs["submittedBy"]["name"]
        if "githubStars" in theirs["paper"]:
            assert entry["paper"]["githubStars"] == theirs["paper"]["githubStars"]
        if theirs["paper"].get("organization"):
            assert entry["organization"]["name"] == theirs["paper"]["organization"]["name"]
        assert None not in entry.values() and None not in entry["paper"].values()
