"""The digest outbox: one row per (subscription, period), claimed, sent, retried or suppressed.

Delivery guarantees rest on three facts kept here: the unique (subscription, period) constraint (never two
digests for one period), a row is marked sent in its own commit right after the SMTP server accepted it (so a
crash re-sends at most the one message in flight), and a claimed row whose lease ran out returns to the queue
(so a crash never loses one).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from paperboy.store.dialect import as_utc, chunks, for_claim, upsert
from paperboy.store.schema import digest_items, digest_outbox, mail_suppressions, subscriptions

o = digest_outbox
TERMINAL = ("sent", "empty", "bounced", "suppressed", "failed", "cancelled")


@dataclass(slots=True)
class OutboxRow:
    id: int
    subscription_id: int
    period: str
    email: str
    status: str
    picks: list[dict]
    attempts: int
    created_at: datetime


def _row(r: sa.Row) -> OutboxRow:
    m = r._mapping
    return OutboxRow(
        id=m["id"],
        subscription_id=m["subscription_id"],
        period=m["period"],
        email=m["email"],
        status=m["status"],
        picks=list(m["picks"] or []),
        attempts=m["attempts"],
        created_at=as_utc(m["created_at"]),  # type: ignore[arg-type]
    )


COLUMNS = (
    o.c.id,
    o.c.subscription_id,
    o.c.period,
    o.c.email,
    o.c.status,
    o.c.picks,
    o.c.attempts,
    o.c.created_at,
)


def add_digest(
    conn: Connection, subscription_id: int, period: str, email: str, picks: Sequence[dict], now: datetime
) -> int | None:
    """Queue one digest with the papers it holds; None when this period already has its row."""
    return add_digests(conn, [(subscription_id, period, email, list(picks))], now).get(subscription_id)


def add_digests(
    conn: Connection, entries: Sequence[tuple[int, str, str, list[dict]]], now: datetime
) -> dict[int, int]:
    """Queue digests given as (subscription id, period, email, picks); returns subscription id → new row id.

    Call inside the caller's transaction: each outbox row, the "already sent" papers and the subscription's
    last period commit together or not at all, and a (subscription, period) that already has its row is left
    alone (the unique constraint decides, so concurrent or repeated runs cannot double a digest). An empty
    ``picks`` records the period as done without mail.
    """
    if not entries:
        return {}
    values = [
        {
            "subscription_id": sid,
            "period": period,
            "email": email,
            "status": "pending" if picks else "empty",
            "picks": picks,
            "next_attempt_at": as_utc(now),
        }
        for sid, period, email, picks in entries
    ]
    stmt = (
        upsert(conn, o)
        .values(values)
        .on_conflict_do_nothing(index_elements=["subscription_id", "period"])
        .returning(o.c.id, o.c.subscription_id)
    )
    added = {sid: row_id for row_id, sid in conn.execute(stmt)}
    kept = [(sid, period, picks) for sid, period, _, picks in entries if sid in added]
    items = [
        {"subscription_id": sid, "paper_id": p["paper_id"], "period": period}
        for sid, period, picks in kept
        for p in picks
    ]
    if items:
        conn.execute(upsert(conn, digest_items).on_conflict_do_nothing(), items)
    if kept:
        conn.execute(
            sa.update(subscriptions)
            .where(subscriptions.c.id == sa.bindparam("sid"))
            .values(last_period=sa.bindparam("period")),
            [{"sid": sid, "period": period} for sid, period, _ in kept],
        )
    return added


def already_sent(conn: Connection, subscription_ids: Sequence[int]) -> dict[int, set[int]]:
    """Paper ids each subscription was already given."""
    found: dict[int, set[int]] = {sid: set() for sid in subscription_ids}
    for chunk in chunks(subscription_ids):
        rows = conn.execute(
            sa.select(digest_items.c.subscription_id, digest_items.c.paper_id).where(
                digest_items.c.subscription_id.in_(chunk)
            )
        )
        for sid, pid in rows:
            found[sid].add(pid)
    return found


def claim(conn: Connection, worker: str, now: datetime, lease_until: datetime, limit: int) -> list[OutboxRow]:
    """Take up to ``limit`` due rows: pending ones whose retry time came, and ones whose holder vanished."""
    due = sa.or_(
        sa.and_(o.c.status == "pending", o.c.next_attempt_at <= as_utc(now)),
        sa.and_(o.c.status == "sending", o.c.lease_until <= as_utc(now)),
    )
    ids = for_claim(sa.select(o.c.id).where(due).order_by(o.c.id).limit(limit), conn)
    stmt = (
        sa.update(o)
        .where(o.c.id.in_(ids.scalar_subquery()))
        .values(
            status="sending",
            claimed_by=worker,
            lease_until=as_utc(lease_until),
            attempts=o.c.attempts + 1,
        )
        .returning(*COLUMNS)
    )
    return sorted((_row(r) for r in conn.execute(stmt)), key=lambda r: r.id)


def _mine(row_id: int, worker: str) -> sa.ColumnElement[bool]:
    return sa.and_(o.c.id == row_id, o.c.claimed_by == worker, o.c.status == "sending")


def finish(
    conn: Connection, row_id: int, worker: str, status: str, now: datetime, error: str | None = None
) -> bool:
    """Mark a claimed row done (sent, bounced, suppressed, failed); False if the claim was lost meanwhile."""
    values: dict[str, object] = {"status": status, "lease_until": None, "last_error": error}
    if status == "sent":
        values["sent_at"] = as_utc(now)
    return conn.execute(sa.update(o).where(_mine(row_id, worker)).values(**values)).rowcount == 1


def retry_later(conn: Connection, row_id: int, worker: str, at: datetime, error: str) -> bool:
    values = {
        "status": "pending",
        "next_attempt_at": as_utc(at),
        "lease_until": None,
        "last_error": error,
    }
    return conn.execute(sa.update(o).where(_mine(row_id, worker)).values(**values)).rowcount == 1


def is_suppressed(conn: Connection, email: str) -> bool:
    query = sa.select(mail_suppressions.c.email).where(mail_suppressions.c.email == email.lower())
    return conn.execute(query).first() is not None


def suppressed_among(conn: Connection, emails: Sequence[str]) -> set[str]:
    wanted = list({e.lower() for e in emails})
    query = sa.select(mail_suppressions.c.email).where(mail_suppressions.c.email.in_(wanted))
    return {e for (e,) in conn.execute(query)} if wanted else set()


def suppress(conn: Connection, email: str, reason: str) -> None:
    """Never mail this address again: record it, stop its subscription, cancel its queued digests."""
    email = email.lower()
    conn.execute(
        upsert(conn, mail_suppressions).values(email=email, reason=reason[:2000]).on_conflict_do_nothing()
    )
    conn.execute(
        sa.update(subscriptions)
        .where(sa.func.lower(subscriptions.c.email) == email, subscriptions.c.status != "unsubscribed")
        .values(status="bounced")
    )
    conn.execute(
        sa.update(o)
        .where(sa.func.lower(o.c.email) == email, o.c.status == "pending")
        .values(status="suppressed", last_error=reason[:2000])
    )


def unsuppress(conn: Connection, email: str) -> None:
    conn.execute(sa.delete(mail_suppressions).where(mail_suppressions.c.email == email.lower()))


def next_due(conn: Connection) -> datetime | None:
    """When the earliest unfinished row may next be tried (None: nothing left to send)."""
    pending = sa.select(sa.func.min(o.c.next_attempt_at)).where(o.c.status == "pending")
    leased = sa.select(sa.func.min(o.c.lease_until)).where(o.c.status == "sending")
    times = [as_utc(conn.execute(q).scalar()) for q in (pending, leased)]
    return min((t for t in times if t is not None), default=None)


def counts(conn: Connection, period: str | None = None) -> dict[str, int]:
    query = sa.select(o.c.status, sa.func.count()).group_by(o.c.status)
    if period:
        query = query.where(o.c.period == period)
    return {status: n for status, n in conn.execute(query)}


def get(conn: Connection, row_id: int) -> OutboxRow | None:
    row = conn.execute(sa.select(*COLUMNS).where(o.c.id == row_id)).first()
    return _row(row) if row else None


def set_view_hashes(conn: Connection, hashes: dict[int, str]) -> None:
    """Record the digest of each claimed row's "view in browser" token (a retry gets a fresh one)."""
    if hashes:
        conn.execute(
            sa.update(o).where(o.c.id == sa.bindparam("row_id")).values(view_hash=sa.bindparam("hash")),
            [{"row_id": row_id, "hash": value} for row_id, value in hashes.items()],
        )


def by_view_hash(conn: Connection, view_hash: str) -> OutboxRow | None:
    row = conn.execute(sa.select(*COLUMNS).where(o.c.view_hash == view_hash)).first()
    return _row(row) if row else None


def revoke_views(conn: Connection, user_id: int) -> int:
    """End the "view in browser" links of every digest sent to a user's subscription."""
    owned = sa.select(subscriptions.c.id).where(subscriptions.c.user_id == user_id)
    stmt = sa.update(o).where(o.c.subscription_id.in_(owned), o.c.view_hash.is_not(None))
    return conn.execute(stmt.values(view_hash=None)).rowcount
