"""Trending feeds: a period's papers scored by ``rank.trending`` and ordered by that score.

The score needs the age of each feature, so it is computed here in Python over the whole period (one feed
query; a month holds at most ~1,500 papers) and the caller slices out the page it shows.

"Now" for a period is the moment it ends (midnight UTC after its last day) or the present, whichever comes
first. A past day or month is therefore ranked as it stood when it closed, so historic pages keep a meaningful
order instead of every paper decaying towards zero alike; the current period is ranked as of this moment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from sqlalchemy.engine import Connection

from paperboy.config import Settings
from paperboy.models import FeedItem
from paperboy.rank.trending import Signals, TrendingScore, TrendingWeights, trending_score
from paperboy.store.feed import feed, latest_day

EVERYTHING = 10_000_000  # "no limit" for the feed query: the period bounds what it returns


@dataclass(frozen=True, slots=True)
class Ranked:
    item: FeedItem
    score: TrendingScore


def weights(settings: Settings) -> TrendingWeights:
    return TrendingWeights(
        comment_weight=settings.trending_comment_weight,
        star_weight=settings.trending_star_weight,
        gravity=settings.trending_gravity,
    )


def featured_at(item: FeedItem) -> datetime:
    """When the paper was featured: its entry's time, else the start of that day (imported days lack one)."""
    return item.submitted_at or datetime.combine(item.day, time(0), tzinfo=UTC)


def as_of(last_day: date, present: datetime | None = None) -> tuple[datetime, bool]:
    """The "now" a period ending on ``last_day`` is ranked at, and whether that is a past period's close."""
    end = datetime.combine(last_day + timedelta(days=1), time(0), tzinfo=UTC)
    present = present or datetime.now(UTC)
    if present < end:
        return present, False
    return end, True


def rank(items: list[FeedItem], now: datetime, trend: TrendingWeights, past: bool = False) -> list[Ranked]:
    """Highest score first; ties: more upvotes, then the later feature, then paper id (stable pages)."""
    ranked = [
        Ranked(
            item,
            trending_score(
                Signals(
                    upvotes=item.view.upvotes,
                    comments=item.view.num_comments,
                    github_stars=item.view.paper.github_stars or 0,
                    featured_at=featured_at(item),
                ),
                now,
                trend,
                past,
            ),
        )
        for item in items
    ]
    ranked.sort(
        key=lambda r: (
            -r.score.value,
            -r.item.view.upvotes,
            -featured_at(r.item).timestamp(),
            r.item.view.paper_id,
        )
    )
    return ranked


def trending_in(
    conn: Connection,
    start: date,
    end: date,
    settings: Settings,
    submitter: str | None = None,
    present: datetime | None = None,
) -> list[Ranked]:
    """Every visible paper featured between ``start`` and ``end`` (inclusive), best trending first."""
    items = feed(conn, start, end, sort="publishedAt", limit=EVERYTHING, submitter=submitter)
    if not items:
        return []
    # An open-ended period (the API's "every day" for a submitter) ends with its last paper.
    now, past = as_of(end if end < date.max else max(item.day for item in items), present)
    return rank(items, now, weights(settings), past)


def trending_window(conn: Connection, settings: Settings) -> tuple[date, date] | None:
    """The last ``trending_days`` days up to the latest day with papers (so an offline demo is not empty)."""
    last = latest_day(conn)
    if last is None:
        return None
    return last - timedelta(days=settings.trending_days - 1), last


def whys(ranked: list[Ranked]) -> dict[int, str]:
    """paper id → why line, for templates that show cards from a ranked list."""
    return {r.item.view.paper_id: r.score.why for r in ranked}
