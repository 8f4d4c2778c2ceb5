"""Digest subscriptions: an address, how often, when, and what it follows."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from paperboy.store.dialect import as_utc
from paperboy.store.schema import subscriptions

s = subscriptions
FOLLOW_KEYS = ("searches", "categories", "organizations", "authors")


@dataclass(slots=True)
class Subscription:
    id: int
    email: str
    user_id: int | None
    token: str
    status: str
    frequency: str
    timezone: str
    hour: int
    follows: dict = field(default_factory=dict)
    last_period: str | None = None
    confirmed_at: datetime | None = None

    @property
    def personal(self) -> bool:
        return self.user_id is not None


def _sub(row: sa.Row | None) -> Subscription | None:
    if row is None:
        return None
    m = row._mapping
    return Subscription(
        id=m["id"],
        email=m["email"],
        user_id=m["user_id"],
        token=m["token"],
        status=m["status"],
        frequency=m["frequency"],
        timezone=m["timezone"],
        hour=m["hour"],
        follows=dict(m["follows"] or {}),
        last_period=m["last_period"],
        confirmed_at=as_utc(m["confirmed_at"]),
    )


def by_id(conn: Connection, sub_id: int) -> Subscription | None:
    return _sub(conn.execute(sa.select(s).where(s.c.id == sub_id)).first())


def by_ids(conn: Connection, ids: list[int]) -> dict[int, Subscription]:
    rows = conn.execute(sa.select(s).where(s.c.id.in_(list(set(ids))))) if ids else []
    return {sub.id: sub for sub in (_sub(r) for r in rows) if sub is not None}


def by_token(conn: Connection, token: str) -> Subscription | None:
    return _sub(conn.execute(sa.select(s).where(s.c.token == token)).first())


def by_email(conn: Connection, email: str) -> Subscription | None:
    return _sub(conn.execute(sa.select(s).where(s.c.email == email.strip().lower())).first())


def by_user(conn: Connection, user_id: int) -> Subscription | None:
    return _sub(conn.execute(sa.select(s).where(s.c.user_id == user_id)).first())


def request(conn: Connection, email: str, frequency: str) -> Subscription:
    """An anonymous sign-up: a new pending row, or the existing one (an unsubscribed one pending again)."""
    email = email.strip().lower()
    existing = by_email(conn, email)
    if existing is None:
        conn.execute(
            sa.insert(s).values(
                email=email, token=secrets.token_urlsafe(24), frequency=frequency, status="pending"
            )
        )
    elif existing.status == "unsubscribed" or (existing.status == "pending" and existing.user_id is None):
        conn.execute(sa.update(s).where(s.c.id == existing.id).values(status="pending", frequency=frequency))
    found = by_email(conn, email)
    assert found is not None
    return found


def confirm(conn: Connection, sub_id: int, now: datetime) -> bool:
    """pending → active; False when the row is in another state (already active, unsubscribed, bounced)."""
    result = conn.execute(
        sa.update(s)
        .where(s.c.id == sub_id, s.c.status == "pending")
        .values(status="active", confirmed_at=as_utc(now))
    )
    return result.rowcount == 1


def unsubscribe(conn: Connection, sub_id: int, now: datetime) -> None:
    conn.execute(
        sa.update(s)
        .where(s.c.id == sub_id, s.c.status.in_(("pending", "active")))
        .values(status="unsubscribed", unsubscribed_at=as_utc(now))
    )


def save_personal(
    conn: Connection,
    user_id: int,
    email: str,
    frequency: str,
    timezone: str,
    hour: int,
    follows: dict,
    active: bool,
    now: datetime,
) -> Subscription:
    """A signed-in reader's digest: their verified account address needs no second opt-in.

    An anonymous subscription of the same address becomes this reader's (one digest per address).
    """
    email = email.strip().lower()
    values = {
        "frequency": frequency,
        "timezone": timezone,
        "hour": hour,
        "follows": follows,
        "status": "active" if active else "unsubscribed",
        "email": email,
    }
    mine = by_user(conn, user_id) or by_email(conn, email)
    if mine is not None and mine.status == "bounced":
        values["status"] = "bounced"  # only a fresh, working address lifts a bounce
    if mine is None:
        conn.execute(
            sa.insert(s).values(
                user_id=user_id, token=secrets.token_urlsafe(24), confirmed_at=as_utc(now), **values
            )
        )
    else:
        conn.execute(sa.update(s).where(s.c.id == mine.id).values(user_id=user_id, **values))
    found = by_user(conn, user_id)
    assert found is not None
    return found


def active(conn: Connection) -> list[Subscription]:
    """Every subscription that may receive digests, for the scheduler."""
    rows = conn.execute(sa.select(s).where(s.c.status == "active").order_by(s.c.id))
    return [sub for sub in (_sub(r) for r in rows) if sub is not None]
