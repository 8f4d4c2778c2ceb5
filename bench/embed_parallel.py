"""Embedding back-fill throughput with 1 and 2 embedder processes on PostgreSQL, through the real queue.

    python bench/embed_parallel.py --papers 240

Each run empties the embeddings, then runs ``embed_pool.run_pool`` (what ``paperboy embed --workers N`` runs)
over real Hugging Face abstracts: every process loads the packaged MiniLM on one torch thread, claims batches
of 32 from the queue and saves them. The rate is the one ``paperboy stats`` shows: per process, papers saved
divided by the time from its first claim to its last save, summed over processes (model loading excluded).
"""

from __future__ import annotations

import argparse
import os
import sys
import time
import uuid
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "src"))

from tests.conftest import HF_DAILY, load_hf_daily  # noqa: E402

from paperboy.search.embed_pool import PoolJob, run_pool  # noqa: E402
from paperboy.store import embedding_queue as queue  # noqa: E402
from paperboy.store.engine import create_engine  # noqa: E402
from paperboy.store.migrate import upgrade  # noqa: E402
from paperboy.store.schema import embedding_workers, paper_embeddings, papers, search_watermarks  # noqa: E402

ADMIN = os.environ.get("PAPERBOY_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
MODEL = "all-MiniLM-L6-v2"


def build(url: str, wanted: int, folder: Path) -> int:
    """Link the newest day files until they hold ``wanted`` papers; load them; delete the surplus."""
    folder.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url)
    upgrade(engine)
    count = 0
    for path in sorted(HF_DAILY.glob("????-??-??.json"), reverse=True):
        (folder / path.name).symlink_to(path)
        count += path.read_text().count('"paper":')
        if count >= wanted:
            break
    load_hf_daily(engine, folder)
    with engine.begin() as conn:
        keep = sa.select(papers.c.id).order_by(papers.c.id).limit(wanted).scalar_subquery()
        conn.execute(sa.delete(papers).where(papers.c.id.not_in(keep)))
        total = conn.execute(sa.select(sa.func.count()).select_from(papers)).scalar_one()
    engine.dispose()
    return total


def run(url: str, workers: int, batch: int) -> tuple[float, float]:
    """(papers/s while embedding, wall seconds including model loads) for one run from an empty store."""
    engine = create_engine(url)
    with engine.begin() as conn:
        for table in (paper_embeddings, embedding_workers):
            conn.execute(sa.delete(table))
        conn.execute(sa.delete(search_watermarks).where(search_watermarks.c.name.like("embed:%")))
    began = time.perf_counter()
    failed = run_pool(PoolJob(url, "minilm", batch, 300.0, None, None), workers)
    wall = time.perf_counter() - began
    assert failed == 0, "an embedder process failed"
    with engine.connect() as conn:
        state = queue.progress(conn, MODEL)
    engine.dispose()
    return state.rate, wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=240)
    parser.add_argument("--batch-size", type=int, default=32)
    args = parser.parse_args()
    name = f"paperboy_bench_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = ADMIN.rsplit("/", 1)[0] + "/" + name
    try:
        import tempfile

        with tempfile.TemporaryDirectory() as tmp:
            total = build(url, args.papers, Path(tmp) / "days")
        print(f"{total} real abstracts on PostgreSQL; load average {os.getloadavg()[0]:.1f} at start")
        rates = {}
        for workers in (1, 2):
            rate, wall = run(url, workers, args.batch_size)
            rates[workers] = rate
            print(f"{workers} process(es): {rate:.1f} abstracts/s ({wall:.0f} s wall with model loads)")
        print(f"2 processes / 1: {rates[2] / rates[1]:.2f}x; load average {os.getloadavg()[0]:.1f} at end")
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


if __name__ == "__main__":
    main()
