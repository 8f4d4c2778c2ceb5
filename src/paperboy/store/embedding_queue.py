"""The embedders' shared work queue: which papers still need a look, who holds which, and how far they got.

Embedders on any number of processes and hosts take batches from ``embedding_queue`` with a claim (a token
naming the embedder and its batch) and a lease. PostgreSQL picks the batch with ``FOR UPDATE SKIP LOCKED``, so
two embedders never wait for or take the same rows; SQLite runs one writer at a time, so its claim (a single
UPDATE) is atomic anyway. A batch's papers leave the queue in the transaction that saves their vectors, and
only while the claim is still the saver's: an embedder that was too slow (its lease ran out and another took
the papers) or whose papers changed meanwhile saves nothing for them. A killed embedder's papers wait for its
lease to run out.

Lease times come from the caller's clock; hosts need clocks in step (NTP) to well within a lease.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from paperboy.store.dialect import as_utc, is_postgres, upsert
from paperboy.store.schema import Timestamp, embedding_queue, embedding_workers

ENQUEUE = """
INSERT INTO embedding_queue (model, paper_id, modified_at)
SELECT :model, id, modified_at FROM papers WHERE {where}
ON CONFLICT (model, paper_id) DO UPDATE
SET modified_at = excluded.modified_at, claim = NULL, lease_until = NULL
WHERE embedding_queue.modified_at < excluded.modified_at
"""


def enqueue_changed(conn: Connection, model: str, since: datetime | None) -> None:
    """Queue every paper modified at or after ``since`` (all when None) that is not queued at that version.

    A paper that changed again while an embedder holds it loses that claim: the embedder's vector would be of
    the old text, so the paper goes back to the queue for anyone to take.
    """
    where = "modified_at >= :since" if since is not None else "true"  # SQLite needs a WHERE before ON
    statement = sa.text(ENQUEUE.format(where=where))
    params: dict[str, object] = {"model": model}
    if since is not None:
        statement = statement.bindparams(sa.bindparam("since", type_=Timestamp))
        params["since"] = as_utc(since)
    conn.execute(statement, params)


def enqueue_papers(conn: Connection, model: str, ids: list[int]) -> None:
    """Queue these papers as ``enqueue_changed`` would (their stored modification time copied as it is)."""
    statement = sa.text(ENQUEUE.format(where="id IN :ids")).bindparams(sa.bindparam("ids", expanding=True))
    for start in range(0, len(ids), 500):
        conn.execute(statement, {"model": model, "ids": ids[start : start + 500]})


def claim(conn: Connection, model: str, token: str, lease: timedelta, limit: int) -> list[int]:
    """Take up to ``limit`` unclaimed (or lease-expired) papers under ``token``, lowest ids first."""
    now = datetime.now(UTC)
    free = sa.or_(embedding_queue.c.lease_until.is_(None), embedding_queue.c.lease_until < now)
    pick = (
        sa.select(embedding_queue.c.paper_id)
        .where(embedding_queue.c.model == model, free)
        .order_by(embedding_queue.c.paper_id)
        .limit(limit)
    )
    update = sa.update(embedding_queue).values(claim=token, lease_until=now + lease)
    if is_postgres(conn):
        # A locking CTE is evaluated once; an IN (subquery) could be re-run and take more than ``limit``.
        chosen = pick.with_for_update(skip_locked=True).cte("chosen")
        update = update.where(
            embedding_queue.c.model == model, embedding_queue.c.paper_id == chosen.c.paper_id
        )
    else:
        update = update.where(
            embedding_queue.c.model == model, embedding_queue.c.paper_id.in_(pick.scalar_subquery())
        )
    taken = conn.execute(update.returning(embedding_queue.c.paper_id))
    return sorted(taken.scalars())


def finish(conn: Connection, model: str, token: str) -> set[int]:
    """Remove the papers ``token`` still holds from the queue; returns them (the ones it may save)."""
    done = conn.execute(
        sa.delete(embedding_queue)
        .where(embedding_queue.c.model == model, embedding_queue.c.claim == token)
        .returning(embedding_queue.c.paper_id)
    )
    return set(done.scalars())


def release(conn: Connection, model: str, token: str) -> None:
    """Give back what ``token`` holds without waiting for its lease (an embedder stopping cleanly)."""
    conn.execute(
        sa.update(embedding_queue)
        .where(embedding_queue.c.model == model, embedding_queue.c.claim == token)
        .values(claim=None, lease_until=None)
    )


def backlog(conn: Connection, model: str) -> int:
    return conn.execute(
        sa.select(sa.func.count()).select_from(embedding_queue).where(embedding_queue.c.model == model)
    ).scalar_one()


def register(conn: Connection, holder: str, model: str) -> None:
    """A new embedder's progress row; rows of embedders gone for a day are dropped on the way."""
    now = datetime.now(UTC)
    conn.execute(sa.delete(embedding_workers).where(embedding_workers.c.seen_at < now - timedelta(days=1)))
    values = {"model": model, "embedded": 0, "started_at": now, "seen_at": now}
    conn.execute(
        upsert(conn, embedding_workers)
        .values(holder=holder, **values)
        .on_conflict_do_update(index_elements=["holder"], set_=values)
    )


def count_saved(conn: Connection, holder: str, saved: int) -> None:
    """Called in the saving transaction, so the count is exactly what this embedder committed."""
    conn.execute(
        sa.update(embedding_workers)
        .where(embedding_workers.c.holder == holder)
        .values(embedded=embedding_workers.c.embedded + saved, seen_at=datetime.now(UTC))
    )


@dataclass(frozen=True)
class Progress:
    model: str
    embedded: int  # vectors stored for this model
    waiting: int  # papers in the queue
    active: int  # embedders seen within the recent window
    rate: float  # papers/s of those embedders together

    @property
    def eta_seconds(self) -> float | None:
        return self.waiting / self.rate if self.rate > 0 else None


def progress(conn: Connection, model: str, recent: timedelta = timedelta(minutes=5)) -> Progress:
    """Done, waiting, and the summed rate of the embedders seen within ``recent``."""
    from paperboy.store.embeddings import count_embedded

    cutoff = datetime.now(UTC) - recent
    rows = conn.execute(
        sa.select(
            embedding_workers.c.embedded, embedding_workers.c.started_at, embedding_workers.c.seen_at
        ).where(embedding_workers.c.model == model, embedding_workers.c.seen_at >= cutoff)
    ).all()
    rate = 0.0
    for embedded, started, seen in rows:
        span = (as_utc(seen) - as_utc(started)).total_seconds()
        rate += embedded / span if span > 0 else 0.0
    return Progress(model, count_embedded(conn, model), backlog(conn, model), len(rows), rate)


def models_on_record(conn: Connection) -> list[str]:
    """Models with queued papers or embedders on record: what ``stats`` reports, with the configured one."""
    found = set(conn.execute(sa.select(embedding_workers.c.model).distinct()).scalars())
    found |= set(conn.execute(sa.select(embedding_queue.c.model).distinct()).scalars())
    return sorted(found)
