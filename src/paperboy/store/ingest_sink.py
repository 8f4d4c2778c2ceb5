"""Where the ingest runner hands its batches: rows and checkpoint commit together or not at all."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from paperboy.models import Batch, Failure
from paperboy.store.checkpoints import load_checkpoints, record_failure, save_checkpoint
from paperboy.store.papers_write import write_batch


def commit_batch(engine: Engine, batch: Batch) -> None:
    """One transaction per batch: a process killed mid-ingest leaves either all of it or none of it."""
    with engine.begin() as conn:
        write_batch(conn, batch)
        if batch.checkpoint is not None:
            save_checkpoint(conn, batch.checkpoint)


def commit_failure(engine: Engine, source: str, failure: Failure) -> None:
    with engine.begin() as conn:
        record_failure(conn, source, failure.label, failure.reason)


def checkpoints(engine: Engine, source: str) -> dict[str, str]:
    with engine.connect() as conn:
        return load_checkpoints(conn, source)
