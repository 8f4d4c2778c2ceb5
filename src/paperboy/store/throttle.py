"""Fixed-window rate limits stored in the database, so every app worker sees the same counts."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from paperboy.store.dialect import as_utc, upsert
from paperboy.store.schema import throttle


def hit(engine: Engine, key: str, limit: int, window: timedelta) -> float | None:
    """Count one attempt; return seconds to wait when over ``limit`` in the current window, else None.

    Windows expire by themselves, so a throttled account is never locked for good.
    """
    now = datetime.now(UTC)
    with engine.begin() as conn:
        stmt = upsert(conn, throttle).values(key=key, window_start=as_utc(now), hits=1)
        fresh = throttle.c.window_start <= as_utc(now - window)
        stmt = stmt.on_conflict_do_update(
            index_elements=["key"],
            set_={
                "hits": sa.case((fresh, 1), else_=throttle.c.hits + 1),
                "window_start": sa.case((fresh, stmt.excluded.window_start), else_=throttle.c.window_start),
            },
        )
        conn.execute(stmt)
        row = conn.execute(
            sa.select(throttle.c.hits, throttle.c.window_start).where(throttle.c.key == key)
        ).one()
    if row.hits <= limit:
        return None
    started = as_utc(row.window_start) or now
    return max(1.0, (started + window - now).total_seconds())


def reset(engine: Engine, key: str) -> None:
    with engine.begin() as conn:
        conn.execute(sa.delete(throttle).where(throttle.c.key == key))


def refund(engine: Engine, key: str) -> None:
    """Take back one counted attempt (a sign-in that succeeded must not count toward a network's limit)."""
    with engine.begin() as conn:
        conn.execute(
            sa.update(throttle)
            .where(throttle.c.key == key, throttle.c.hits > 0)
            .values(hits=throttle.c.hits - 1)
        )
