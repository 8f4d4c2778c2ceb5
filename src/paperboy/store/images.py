"""Copies of upstream pictures: which are still to fetch, what became of each, and the stored bytes.

A picture is referenced by URL from three places (``papers.thumbnail``, ``organizations.avatar_url``,
``users.avatar_url``); ``images`` holds one row per URL once the fetcher has tried it. Nothing here fetches:
``media.fetch`` does, in the background, and records its outcomes through ``save``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from paperboy.store.dialect import upsert
from paperboy.store.schema import images, organizations, papers, users

STORED, FAILED, REFUSED = "stored", "failed", "refused"
# Where pictures are referenced, in the order they are fetched: avatars show on every page, thumbnails only in
# the grid view; within each, the newest rows first (the papers people are looking at today).
SOURCES = (
    (organizations, organizations.c.avatar_url, "avatar"),
    (users, users.c.avatar_url, "avatar"),
    (papers, papers.c.thumbnail, "thumbnail"),
)


@dataclass(frozen=True, slots=True)
class Wanted:
    """A referenced picture not stored yet; ``attempts`` counts earlier failed tries."""

    url: str
    kind: str
    attempts: int = 0


@dataclass(frozen=True, slots=True)
class Outcome:
    """What one try gave: the resized bytes and their name, or why there are none."""

    url: str
    kind: str
    status: str
    fetched_at: datetime
    name: str | None = None
    data: bytes | None = None
    width: int | None = None
    height: int | None = None
    error: str | None = None
    retry_at: datetime | None = None


def _due(now: datetime, retry_failed: bool) -> sa.ColumnElement[bool]:
    failed = images.c.status == FAILED
    return sa.or_(
        images.c.id.is_(None), failed if retry_failed else sa.and_(failed, images.c.retry_at <= now)
    )


def pending(conn: Connection, limit: int, now: datetime, retry_failed: bool = False) -> list[Wanted]:
    """Up to ``limit`` referenced pictures never tried, or failed and due again (any failed, with
    ``retry_failed``); refused ones are never offered again."""
    found: dict[str, Wanted] = {}
    for table, column, kind in SOURCES:
        if len(found) >= limit:
            break
        rows = conn.execute(
            sa.select(column, sa.func.max(sa.func.coalesce(images.c.attempts, 0)))
            .select_from(table.outerjoin(images, images.c.url == column))
            .where(column.is_not(None), column != "", _due(now, retry_failed))
            .group_by(column)
            .order_by(sa.func.max(table.c.id).desc())
            .limit(limit - len(found))
        ).all()
        for url, attempts in rows:
            found.setdefault(url, Wanted(url, kind, int(attempts or 0)))
    return list(found.values())[:limit]


def save(conn: Connection, outcomes: list[Outcome]) -> None:
    """Record each try (insert or replace the URL's row); ``attempts`` counts every try of a URL."""
    for outcome in outcomes:
        values = {
            "url": outcome.url,
            "kind": outcome.kind,
            "status": outcome.status,
            "name": outcome.name,
            "data": outcome.data,
            "width": outcome.width,
            "height": outcome.height,
            "error": outcome.error,
            "fetched_at": outcome.fetched_at,
            "retry_at": outcome.retry_at,
        }
        stmt = upsert(conn, images).values(attempts=1, **values)
        conn.execute(
            stmt.on_conflict_do_update(
                index_elements=[images.c.url],
                set_={
                    **{k: stmt.excluded[k] for k in values if k != "url"},
                    "attempts": images.c.attempts + 1,
                },
            )
        )


def stored_names(conn: Connection) -> dict[str, str]:
    """Upstream URL → the stored copy's file name, for every stored picture (a few bytes each)."""
    rows = conn.execute(sa.select(images.c.url, images.c.name).where(images.c.status == STORED))
    return {url: name for url, name in rows}


def signature(conn: Connection) -> tuple[int, object]:
    """Changes whenever a picture is stored or replaced: cheap to read, so a reload happens only then."""
    row = conn.execute(
        sa.select(sa.func.count(), sa.func.max(images.c.fetched_at)).where(images.c.status == STORED)
    ).one()
    return int(row[0]), row[1]


def image_bytes(conn: Connection, name: str) -> bytes | None:
    """The stored copy named ``name`` (identical pictures at two URLs share one name)."""
    return conn.execute(
        sa.select(images.c.data).where(images.c.name == name, images.c.status == STORED).limit(1)
    ).scalar()


def counts(conn: Connection) -> dict[str, int]:
    """Pictures stored, failed, refused and never tried yet, and the bytes the stored copies take."""
    by_status = {
        status: n
        for status, n in conn.execute(sa.select(images.c.status, sa.func.count()).group_by(images.c.status))
    }
    seen = sa.union(
        *(sa.select(column.label("url")).where(column.is_not(None), column != "") for _, column, _ in SOURCES)
    ).subquery()
    untried = conn.execute(
        sa.select(sa.func.count())
        .select_from(seen.outerjoin(images, images.c.url == seen.c.url))
        .where(images.c.id.is_(None))
    ).scalar_one()
    size = conn.execute(
        sa.select(sa.func.coalesce(sa.func.sum(sa.func.length(images.c.data)), 0)).where(
            images.c.status == STORED
        )
    ).scalar_one()
    return {
        STORED: int(by_status.get(STORED, 0)),
        FAILED: int(by_status.get(FAILED, 0)),
        REFUSED: int(by_status.get(REFUSED, 0)),
        "untried": int(untried),
        "stored_bytes": int(size),
    }
