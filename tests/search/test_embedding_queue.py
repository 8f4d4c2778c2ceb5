"""Embedders sharing the database's queue: every paper embedded once, a dead embedder's batch taken over after
its lease, and the progress ``paperboy stats`` reports. Both backends (SQLite claims through its single
writer, PostgreSQL with ``FOR UPDATE SKIP LOCKED``); real processes on PostgreSQL are in
tests/scale/test_parallel_embedding.py."""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from paperboy.search.embed_pool import progress_lines
from paperboy.search.embedding_job import EmbedJob, enqueue
from paperboy.store import embedding_queue as queue
from paperboy.store.schema import embedding_workers, paper_embeddings, papers
from tests.search.conftest import HashEmbedder, add_papers, arxiv_paper

LEASE = timedelta(seconds=1)


def _count(engine: Engine, table: sa.Table) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()


def test_two_embedders_split_the_queue_and_embed_each_paper_once(corpus: Engine) -> None:
    total = _count(corpus, papers)
    jobs = [EmbedJob(corpus, HashEmbedder(), batch_size=2, lease=LEASE) for _ in range(2)]
    reports: list = [None, None]

    def run(n: int) -> None:
        reports[n] = jobs[n].run(wait=True)

    threads = [threading.Thread(target=run, args=(n,)) for n in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert sum(r.embedded for r in reports) == total == _count(corpus, paper_embeddings)
    with corpus.connect() as conn:
        saved = conn.execute(sa.select(sa.func.sum(embedding_workers.c.embedded))).scalar_one()
        assert queue.backlog(conn, HashEmbedder.name) == 0
    assert saved == total  # committed saves: a paper saved twice would count twice


def test_a_dead_embedders_batch_returns_after_its_lease_and_its_late_save_is_refused(corpus: Engine) -> None:
    total = _count(corpus, papers)
    enqueue(corpus, HashEmbedder.name)
    with corpus.begin() as conn:  # an embedder that claims a batch, then dies
        held = queue.claim(conn, HashEmbedder.name, "dead-host:1:x#1", LEASE, 5)
    assert len(held) == 5
    began = time.monotonic()
    report = EmbedJob(corpus, HashEmbedder(), batch_size=4, lease=LEASE).run(wait=True)
    assert time.monotonic() - began >= LEASE.total_seconds() * 0.9  # waited for the lease, then took over
    assert report.embedded == total == _count(corpus, paper_embeddings)
    with corpus.begin() as conn:
        assert queue.finish(conn, HashEmbedder.name, "dead-host:1:x#1") == set()  # it may save nothing


def test_a_paper_changed_while_claimed_is_embedded_again_with_its_new_text(corpus: Engine) -> None:
    job = EmbedJob(corpus, HashEmbedder(), batch_size=50, lease=LEASE)
    job.run()
    add_papers(corpus, [arxiv_paper("2503.00001", "Surface codes, revised", "A new abstract.", version=2)])
    enqueue(corpus, HashEmbedder.name)
    with corpus.begin() as conn:
        held = queue.claim(conn, HashEmbedder.name, "slow:1:x#1", timedelta(minutes=5), 50)
    assert len(held) >= 1
    time.sleep(1.1)  # SQLite stamps modified_at to the second
    add_papers(corpus, [arxiv_paper("2503.00001", "Surface codes, again", "Another abstract.", version=3)])
    assert job.run().embedded == 1  # the change freed the claimed paper; the slow holder saves nothing for it
    with corpus.begin() as conn:
        assert queue.finish(conn, HashEmbedder.name, "slow:1:x#1") == held_without(conn, held)


def held_without(conn, held: list[int]) -> set[int]:  # type: ignore[no-untyped-def]
    """What a slow holder still owns: its claim less the paper that changed (embedded by someone else)."""
    changed = conn.execute(sa.select(papers.c.id).where(papers.c.arxiv_id == "2503.00001")).scalar_one()
    return set(held) - {changed}


def test_stats_shows_done_waiting_rate_and_eta(corpus: Engine) -> None:
    job = EmbedJob(corpus, HashEmbedder(), batch_size=4, lease=LEASE)
    job.run(limit=8)
    with corpus.connect() as conn:
        state = queue.progress(conn, HashEmbedder.name)
        lines = progress_lines(conn, "none")
    assert state.embedded >= 8 and state.waiting == _count(corpus, papers) - state.embedded
    assert state.active == 1 and state.rate > 0 and state.eta_seconds is not None
    assert lines[0].startswith(f"embeddings [{HashEmbedder.name}]: {state.embedded:,} done, ")
    assert f"{state.waiting:,} waiting" in lines[0] and "ETA" in lines[0]
