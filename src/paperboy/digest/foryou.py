"""The /for-you page, its Atom feed and the personal API's preview: the same picks a personal digest sends.

Picks are computed for the newest feed day and recorded (never the same paper twice); the page and the feed
read what was recorded, so the places never disagree. A change to the library drops the day's recorded
picks (``digest.library.invalidate_picks``), so the next visit computes them again at once.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.engine import Engine

from paperboy.config import Settings
from paperboy.digest import library
from paperboy.digest.build import Pick, Pool, window
from paperboy.digest.outbox import weights
from paperboy.digest.personal import PoolRecommender
from paperboy.models import PaperView
from paperboy.store import digests, feed, subscriptions
from paperboy.store import recommendations as rec_store
from paperboy.store.papers import views_by_id


def refresh(engine: Engine, settings: Settings, user_id: int, now: datetime) -> int:
    """Record the newest day's picks for a reader if not yet done; returns how many were added.

    Called when the signed-in reader opens /for-you: showing picks is what records them (they were seen, so
    the digest will not repeat them). Only a session can reach it, so link prefetchers never trigger it.
    """
    with engine.connect() as conn:
        latest = feed.latest_day(conn)
        if latest is None:
            return 0
        period = latest.isoformat()
        if any(p["period"] == period for p in rec_store.picks_of(conn, user_id, limit=200)):
            return 0
        pool = Pool(digests.candidates(conn, *window(period)), now, weights(settings))
    picks = PoolRecommender(engine, settings, pool, now)(user_id, set(), settings.digest_max_papers)
    with engine.begin() as conn:
        return len(rec_store.record_picks(conn, user_id, period, picks))


def recent(engine: Engine, user_id: int, limit: int = 50) -> list[tuple[dict, PaperView]]:
    """Recorded picks, newest first, without the papers the reader has since marked "not interested"."""
    with engine.connect() as conn:
        picks = rec_store.picks_of(conn, user_id, limit)
        views = views_by_id(conn, [p["paper_id"] for p in picks], include_hidden=True)
        marks = library.marks(conn, user_id)
    return [
        (p, views[p["paper_id"]])
        for p in picks
        if p["paper_id"] in views and marks.get(views[p["paper_id"]].paper.arxiv_id) != "not_interested"
    ]


def default_window(engine: Engine, user_id: int) -> tuple[date, date] | None:
    """The window the reader's digest would cover now: their weekly or daily period ending at the newest
    feed day; None when nothing was ever featured."""
    with engine.connect() as conn:
        latest = feed.latest_day(conn)
        sub = subscriptions.by_user(conn, user_id)
    if latest is None:
        return None
    if sub is not None and sub.frequency == "weekly":
        year, week, _ = latest.isocalendar()
        return window(f"{year}-W{week:02d}")
    return window(latest.isoformat())


def preview(
    engine: Engine, settings: Settings, user_id: int, since: date, until: date, limit: int, now: datetime
) -> list[tuple[Pick, PaperView]]:
    """The picks the reader would get from papers featured between ``since`` and ``until``, best first;
    records nothing and includes papers recommended before."""
    with engine.connect() as conn:
        pool = Pool(digests.candidates(conn, since, until), now, weights(settings))
    picks = PoolRecommender(engine, settings, pool, now, repeat=True)(user_id, set(), limit)
    return [(pick, pool.by_id[pick.paper_id].view) for pick in picks]
