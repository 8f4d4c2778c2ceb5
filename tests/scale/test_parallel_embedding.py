"""Embedders as real processes on one PostgreSQL database: ``paperboy embed --workers 2``, one of whose
processes is SIGKILLed while it holds a batch. The other finishes the back-log, takes the dead one's batch
once its lease runs out, and no paper is embedded twice or missed. Embedders on several hosts are the same
processes with a longer way to the database."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from datetime import datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from paperboy.store.engine import create_engine
from paperboy.store.migrate import upgrade
from paperboy.store.schema import embedding_queue, embedding_workers, paper_embeddings, papers
from tests.conftest import load_hf_daily, make_postgres_database
from tests.server.conftest import link_day_slice, paperboy_env

pytestmark = pytest.mark.postgres
LEASE_SECONDS = 5.0


def _claims(engine: Engine) -> list[tuple[int, str, datetime]]:
    with engine.connect() as conn:
        query = sa.select(embedding_queue.c.paper_id, embedding_queue.c.claim, embedding_queue.c.lease_until)
        return [tuple(row) for row in conn.execute(query.where(embedding_queue.c.claim.is_not(None)))]


def test_embed_workers_share_the_backlog_and_take_over_a_killed_ones_batch(tmp_path: Path) -> None:
    url, drop = make_postgres_database()
    engine = create_engine(url)
    pool: subprocess.Popen[bytes] | None = None
    try:
        upgrade(engine)
        link_day_slice(tmp_path / "days", 1)
        load_hf_daily(engine, tmp_path / "days")
        with engine.connect() as conn:
            total = conn.execute(sa.select(sa.func.count()).select_from(papers)).scalar_one()
        env = paperboy_env(url, tmp_path / "index")
        env.update(PAPERBOY_EMBED_LEASE_SECONDS=str(LEASE_SECONDS), PAPERBOY_SEARCH_MODEL="minilm")
        log = tmp_path / "embed.log"
        command = [
            sys.executable,
            "-m",
            "paperboy",
            "embed",
            "--workers",
            "2",
            "--batch-size",
            "2",
            "--no-similar",
        ]
        with log.open("wb") as out:
            pool = subprocess.Popen(
                command, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )

        # Wait until both processes work and one holds its second batch (so it saved one), then freeze that
        # process and kill it only if its batch is still unsaved: a batch embeds in milliseconds, so a
        # process seen holding one may have saved it before a plain kill arrives.
        seen: set[str] = set()
        victim = ""
        batch: set[int] = set()
        lease_until = None
        deadline = time.monotonic() + 90
        while not victim and time.monotonic() < deadline and pool.poll() is None:
            held = _claims(engine)
            seen |= {claim.split("#")[0] for _, claim, _ in held}
            second = [claim for _, claim, _ in held if int(claim.split("#")[1]) >= 2]
            if second and len(seen) == 2:
                candidate = second[0]
                pid = int(candidate.split(":")[1].split("#")[0])
                os.kill(pid, signal.SIGSTOP)
                still = [(paper, until) for paper, claim, until in _claims(engine) if claim == candidate]
                if still:
                    victim, batch, lease_until = candidate, {p for p, _ in still}, max(u for _, u in still)
                    os.kill(pid, signal.SIGKILL)  # mid-batch: claimed, not saved
                    break
                os.kill(pid, signal.SIGCONT)
            time.sleep(0.02)
        assert victim, f"the two processes never worked side by side:\n{log.read_text()[-3000:]}"

        assert pool.wait(timeout=120) == 1, log.read_text()[-3000:]  # it reports the dead process
        assert "1 embedder processes failed" in log.read_text()
        with engine.connect() as conn:
            rows = conn.execute(sa.select(paper_embeddings.c.paper_id, paper_embeddings.c.created_at)).all()
            saved = dict(
                conn.execute(sa.select(embedding_workers.c.holder, embedding_workers.c.embedded)).all()
            )
            waiting = conn.execute(sa.select(sa.func.count()).select_from(embedding_queue)).scalar_one()
        assert waiting == 0 and len(rows) == total == len({pid for pid, _ in rows})  # none missed
        assert sum(saved.values()) == total  # committed saves: a paper saved twice would count twice
        assert len([holder for holder, count in saved.items() if count]) == 2, saved  # both worked
        taken_over = [created for pid, created in rows if pid in batch]
        assert len(taken_over) == len(batch) and min(taken_over) >= lease_until  # after the lease ran out
    finally:
        if pool is not None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pool.pid, signal.SIGKILL)
            pool.wait(timeout=10)
        engine.dispose()
        drop()
