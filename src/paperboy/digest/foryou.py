"""The /for-you page and its Atom feed: the same recorded picks a personal digest sends.

Picks are computed at most once per feed day per reader and recorded (never the same paper twice); the page
and the feed read what was recorded, so the three places never disagree.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.engine import Engine

from paperboy.config import Settings
from paperboy.digest.build import Pool, window
from paperboy.digest.outbox import weights
from paperboy.digest.personal import PoolRecommender
from paperboy.models import PaperView
from paperboy.store import digests, feed
from paperboy.store import recommendations as rec_store
from paperboy.store.papers import views_by_id


def refresh(engine: Engine, settings: Settings, user_id: int, now: datetime) -> int:
    """Record today's picks for a reader if not yet done; returns how many were added.

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
    with engine.connect() as conn:
        picks = rec_store.picks_of(conn, user_id, limit)
        views = views_by_id(conn, [p["paper_id"] for p in picks], include_hidden=True)
    return [(p, views[p["paper_id"]]) for p in picks if p["paper_id"] in views]
