"""Embedding back-fill throughput with 1 and 2 embedder processes on PostgreSQL, through the real queue.

    python bench/embed_parallel.py --papers 240

Each run empties the embeddings and queues every paper again, then starts N processes that do what
``paperboy embed --workers N`` does (``embed_pool.work``): load the packaged MiniLM on one torch thread, then
claim batches of 32 from the queue, embed and save them until it is empty. The clock starts once every model
is loaded. Besides papers/s the bench prints papers per CPU-second the embedders used: when other work
crowds the cores, that figure shows whether a process lost anything to the sharing itself.
"""

from __future__ import annotations

import argparse
import multiprocessing
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

from paperboy.search.embedding_job import enqueue  # noqa: E402
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


def _embedder(url: str, batch: int, ready, go, results) -> None:  # type: ignore[no-untyped-def]
    """One embedder process, as ``embed_pool.work`` runs it, held at a barrier once its model is loaded."""
    from paperboy.search import embed
    from paperboy.search.embedding_job import EmbedJob

    engine = create_engine(url, pool_size=2)
    job = EmbedJob(engine, embed.load("minilm", threads=1), batch)
    ready.put(os.getpid())
    go.wait()
    began, cpu = time.perf_counter(), time.process_time()
    report = job.run(fill=False, wait=True)
    results.put((report.embedded, time.perf_counter() - began, time.process_time() - cpu))
    engine.dispose()


def run(url: str, workers: int, batch: int) -> dict[str, float]:
    """Papers/s of ``workers`` processes from an empty store, timed from the moment all models are loaded."""
    engine = create_engine(url)
    with engine.begin() as conn:
        for table in (paper_embeddings, embedding_workers):
            conn.execute(sa.delete(table))
        conn.execute(sa.delete(search_watermarks).where(search_watermarks.c.name.like("embed:%")))
    enqueue(engine, MODEL)
    context = multiprocessing.get_context("spawn")
    ready, results, go = context.Queue(), context.Queue(), context.Event()
    procs = [context.Process(target=_embedder, args=(url, batch, ready, go, results)) for _ in range(workers)]
    for proc in procs:
        proc.start()
    for _ in procs:
        ready.get(timeout=300)
    began = time.perf_counter()
    go.set()
    done = [results.get(timeout=600) for _ in procs]
    wall = time.perf_counter() - began
    for proc in procs:
        proc.join()
    with engine.connect() as conn:
        stored = conn.execute(sa.select(sa.func.count()).select_from(paper_embeddings)).scalar_one()
    engine.dispose()
    embedded = sum(n for n, _, _ in done)
    assert embedded == stored, "a paper was embedded twice or not saved"
    return {
        "rate": embedded / wall,
        "per_cpu_second": embedded / sum(cpu for _, _, cpu in done),
        "shares": [n for n, _, _ in done],
    }  # type: ignore[dict-item]


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
            found = run(url, workers, args.batch_size)
            rates[workers] = found["rate"]
            print(
                f"{workers} process(es): {found['rate']:.1f} abstracts/s, "
                f"{found['per_cpu_second']:.1f} per embedder CPU-second, papers each {found['shares']}; "
                f"load average {os.getloadavg()[0]:.1f}"
            )
        print(f"2 processes / 1: {rates[2] / rates[1]:.2f}x")
    finally:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


if __name__ == "__main__":
    main()
