"""The trending score as a pure function: more of any signal never ranks lower, age only ever decays it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from paperboy.discovery.trending import as_of
from paperboy.rank.trending import Signals, TrendingWeights, trending_score

NOW = datetime(2026, 8, 22, tzinfo=UTC)
counts = st.integers(min_value=0, max_value=1_000_000)
hours = st.floats(min_value=0, max_value=24 * 365 * 5, allow_nan=False)
weights = st.builds(
    TrendingWeights,
    comment_weight=st.floats(min_value=0, max_value=10),
    star_weight=st.floats(min_value=0, max_value=10),
    gravity=st.floats(min_value=0.1, max_value=3),
)


def signals(upvotes: int = 0, comments: int = 0, stars: int = 0, age_hours: float = 0.0) -> Signals:
    return Signals(upvotes, comments, stars, NOW - timedelta(hours=age_hours))


@given(counts, counts, counts, counts, hours, weights)
def test_more_upvotes_never_rank_lower(a: int, b: int, comments: int, stars: int, age: float, w) -> None:  # type: ignore[no-untyped-def]
    low, high = sorted((a, b))
    assert (
        trending_score(signals(low, comments, stars, age), NOW, w).value
        <= trending_score(signals(high, comments, stars, age), NOW, w).value
    )


@given(counts, counts, counts, hours, hours, weights)
def test_the_score_decays_with_age(upvotes: int, comments: int, stars: int, a: float, b: float, w) -> None:  # type: ignore[no-untyped-def]
    young, old = sorted((a, b))
    assert (
        trending_score(signals(upvotes, comments, stars, old), NOW, w).value
        <= trending_score(signals(upvotes, comments, stars, young), NOW, w).value
    )


@given(counts, hours)
def test_strictly_monotone_with_positive_gravity(upvotes: int, age: float) -> None:
    w = TrendingWeights()
    assert (
        trending_score(signals(upvotes + 1, age_hours=age), NOW, w).value
        > trending_score(signals(upvotes, age_hours=age), NOW, w).value
    )
    assert (
        trending_score(signals(upvotes, age_hours=age + 1), NOW, w).value
        < trending_score(signals(upvotes, age_hours=age), NOW, w).value
    )


@given(counts, counts, hours)
def test_comments_and_stars_add(upvotes: int, extra: int, age: float) -> None:
    base = trending_score(signals(upvotes, age_hours=age), NOW).value
    assert trending_score(signals(upvotes, comments=extra, age_hours=age), NOW).value >= base
    assert trending_score(signals(upvotes, stars=extra, age_hours=age), NOW).value >= base


def test_the_documented_example() -> None:
    """README's example: 40 upvotes, 3 comments, 255 stars, featured 10 hours ago, default weights."""
    score = trending_score(signals(40, 3, 255, 10), NOW)
    assert round(score.value, 3) == round((40 + 2 * 3 + 1 * 8 + 1) / 12**1.2, 3) == 2.788
    assert score.why == (
        "4.0 upvotes/hour · 40 upvotes · 3 comments · 255 GitHub stars · featured 10 hours ago"
    )


def test_why_lines_read_well() -> None:
    assert trending_score(signals(1, 1, 1, 0.5), NOW).why == (
        "1.0 upvotes/hour · 1 upvote · 1 comment · 1 GitHub star · featured less than an hour ago"
    )
    assert trending_score(signals(0, age_hours=1.5), NOW).why == "0 upvotes · featured 1 hour ago"
    assert trending_score(signals(0, age_hours=30), NOW).why == "0 upvotes · featured 1 day ago"
    assert trending_score(signals(0, age_hours=24 * 9), NOW).why == "0 upvotes · featured 9 days ago"
    past = trending_score(signals(5, age_hours=30), NOW, past=True)
    featured = NOW - timedelta(hours=30)
    assert past.why.endswith(f"featured on {featured:%b} {featured.day}"), past.why
    assert " h " not in past.why and "before the end" not in past.why


def test_a_past_period_is_ranked_as_it_closed() -> None:
    now, until = as_of(datetime(2026, 8, 21).date(), present=NOW + timedelta(days=30))
    assert now == datetime(2026, 8, 22, tzinfo=UTC) and until is True
    today = datetime(2026, 8, 21, 15, tzinfo=UTC)
    assert as_of(today.date(), present=today) == (today, False)  # the current period: the present
