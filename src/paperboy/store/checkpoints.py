"""Ingest checkpoints and the record of batches that failed."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from paperboy.models import Checkpoint
from paperboy.store.dialect import upsert
from paperboy.store.schema import ingest_checkpoints, ingest_failures


def save_checkpoint(conn: Connection, checkpoint: Checkpoint) -> None:
    stmt = upsert(conn, ingest_checkpoints)
    stmt = stmt.on_conflict_do_update(
        index_elements=["source", "key"],
        set_={"value": stmt.excluded.value, "updated_at": sa.func.current_timestamp()},
    )
    conn.execute(stmt, {"source": checkpoint.source, "key": checkpoint.key, "value": checkpoint.value})


def load_checkpoints(conn: Connection, source: str) -> dict[str, str]:
    rows = conn.execute(
        sa.select(ingest_checkpoints.c.key, ingest_checkpoints.c.value).where(
            ingest_checkpoints.c.source == source
        )
    )
    return {key: value for key, value in rows}


def record_failure(conn: Connection, source: str, label: str, reason: str) -> None:
    conn.execute(sa.insert(ingest_failures).values(source=source, label=label, reason=reason))


def recent_failures(conn: Connection, limit: int = 20) -> list[dict]:
    rows = conn.execute(sa.select(ingest_failures).order_by(ingest_failures.c.id.desc()).limit(limit))
    return [dict(r._mapping) for r in rows]
