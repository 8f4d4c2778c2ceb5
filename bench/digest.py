"""Digest benchmark: build and render personal digests for many subscribers over one day of new papers, then
queue them (outbox rows) and measure the send rate to a local SMTP sink.

    .venv/bin/python bench/digest.py                       # 100,000 subscribers, 500 papers, 2 processes
    .venv/bin/python bench/digest.py --subscribers 10000   # quicker

Real papers (the saved Hugging Face days in ../shared/data/hf_daily): 500 of them are "today's" new papers,
the rest form the history readers upvoted. Every subscriber is a signed-in reader with a personal digest:
one or two saved searches, an author and an organization to follow, ten upvoted papers, recommendations on.
Embeddings are synthetic seeded 384-d unit vectors (the shape of all-MiniLM-L6-v2's): the cost of scoring
does not depend on what the numbers are.
"""

from __future__ import annotations

import argparse
import multiprocessing as mp
import os
import random
import secrets
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # one process per core: no BLAS threads fighting them
import numpy as np  # noqa: E402
import sqlalchemy as sa

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.conftest import HF_DAILY, load_hf_daily  # noqa: E402

from paperboy.config import Settings  # noqa: E402
from paperboy.digest import compose, render  # noqa: E402
from paperboy.digest.outbox import due, plan, queue  # noqa: E402
from paperboy.digest.personal import recommender_factory  # noqa: E402
from paperboy.store.dialect import executemany  # noqa: E402
from paperboy.store.engine import create_engine  # noqa: E402
from paperboy.store.migrate import upgrade  # noqa: E402
from paperboy.store.papers import views_by_id  # noqa: E402
from paperboy.store.schema import daily_entries, paper_embeddings, papers, subscriptions, users, votes  # noqa: E402

DAY = date(2025, 9, 26)
NOW = datetime(2025, 9, 26, 9, 0, tzinfo=UTC)
MODEL = "bench-synthetic-384"


def build_database(url: str, subscribers: int, new_papers: int, days: int) -> dict:
    engine = create_engine(url)
    upgrade(engine)
    files = sorted(HF_DAILY.glob("*.json"))[-days:]
    directory = Path(tempfile.mkdtemp()) / "days"
    directory.mkdir()
    for f in files:
        (directory / f.name).symlink_to(f)
    load_hf_daily(engine, directory)
    rng = random.Random(7)
    with engine.begin() as conn:
        ids = [pid for (pid,) in conn.execute(sa.select(papers.c.id).order_by(papers.c.id))]
        new = ids[-new_papers:]
        history = ids[:-new_papers]
        conn.execute(sa.delete(daily_entries))
        conn.execute(sa.update(papers).values(announced_on=None))
        executemany(
            conn,
            sa.insert(daily_entries),
            daily_entries,
            [{"day": DAY, "paper_id": pid, "source": "rule"} for pid in new],
        )
        vectors = np.random.default_rng(7).standard_normal((len(ids), 384)).astype("<f4")
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
        executemany(
            conn,
            sa.insert(paper_embeddings),
            paper_embeddings,
            [
                {
                    "paper_id": pid,
                    "model": MODEL,
                    "dim": 384,
                    "vector": vectors[i].tobytes(),
                    "text_hash": "x",
                }
                for i, pid in enumerate(ids)
            ],
        )
        rows = conn.execute(
            sa.select(papers.c.id, papers.c.title, papers.c.authors).where(papers.c.id.in_(new))
        )
        words, authors = [], []
        for _, title, names in rows:
            words += [w for w in title.lower().split() if w.isalpha() and len(w) > 5]
            authors += [a["name"] for a in (names or [])[:2]]
        orgs = [n for (n,) in conn.execute(sa.text("SELECT name FROM organizations"))] or ["none"]
        executemany(
            conn,
            sa.insert(users),
            users,
            [
                {
                    "username": f"u{n}",
                    "email": f"u{n}@bench.local",
                    "origin": "local",
                    "is_admin": False,
                    "is_moderator": False,
                }
                for n in range(subscribers)
            ],
        )
        user_ids = [u for (u,) in conn.execute(sa.select(users.c.id).order_by(users.c.id))][-subscribers:]
        executemany(
            conn,
            sa.insert(subscriptions),
            subscriptions,
            [
                {
                    "email": f"u{n}@bench.local",
                    "user_id": uid,
                    "token": secrets.token_urlsafe(18),
                    "status": "active",
                    "frequency": "daily",
                    "timezone": "UTC",
                    "hour": 8,
                    "follows": {
                        "searches": rng.sample(words, rng.randint(1, 2)),
                        "authors": [rng.choice(authors)],
                        "organizations": [rng.choice(orgs)],
                        "categories": [],
                        "recommend": True,
                    },
                }
                for n, uid in enumerate(user_ids)
            ],
        )
        executemany(
            conn,
            sa.insert(votes),
            votes,
            [{"user_id": uid, "paper_id": pid} for uid in user_ids for pid in rng.sample(history, 10)],
        )
    engine.dispose()
    return {"papers": len(ids), "new": len(new), "history": len(history)}


def _build_and_render(args: tuple[str, int, int]) -> tuple[int, int, int, float]:
    """One process's share: pick and render every k-th subscriber's digest (nothing written)."""
    url, part, parts = args
    engine = create_engine(url)
    settings = Settings(database_url=url, base_url="https://papers.example.org")
    pairs = due(engine, NOW)[part::parts]
    made = size = papers_total = 0
    cpu = time.process_time()
    cache: dict[int, dict] = {}
    views: dict = {}
    for chunk in plan(engine, settings, NOW, pairs, recommender_factory(engine, settings, NOW)):
        wanted = {p.paper_id for item in chunk for p in item.picks} - views.keys()
        if wanted:
            with engine.connect() as conn:
                views.update(views_by_id(conn, list(wanted), include_hidden=True))
        for item in chunk:
            picks = [p.as_dict() for p in item.picks]
            shown = compose.items(settings, picks, views, cache)
            links = compose.links(settings, item.sub, "bench-view-token")
            html, text = render.render(settings.site_name, item.period, shown, links, True, "daily")
            made += 1
            size += len(html) + len(text)
            papers_total += len(shown)
    return made, size, papers_total, time.process_time() - cpu


def bench_build(url: str, processes: int) -> dict:
    started = time.perf_counter()
    with mp.get_context("fork").Pool(processes) as pool:
        results = pool.map(_build_and_render, [(url, i, processes) for i in range(processes)])
    seconds = time.perf_counter() - started
    made = sum(r[0] for r in results)
    return {
        "digests": made,
        "seconds": seconds,
        "per_second": made / seconds,
        "avg_kb": sum(r[1] for r in results) / made / 1024,
        "avg_papers": sum(r[2] for r in results) / made,
        "cpu": sum(r[3] for r in results),
    }


def bench_queue(url: str) -> dict:
    engine = create_engine(url)
    settings = Settings(database_url=url, base_url="https://papers.example.org")
    started, cpu = time.perf_counter(), time.process_time()
    report = queue(engine, settings, NOW, None, recommender_factory(engine, settings, NOW))
    return {
        "queued": report.queued,
        "seconds": time.perf_counter() - started,
        "cpu": time.process_time() - cpu,
    }


def _sink(port: int, ready: mp.Event, stop: mp.Event, counter: mp.Value) -> None:  # type: ignore[valid-type]
    """An SMTP server that accepts everything, in its own process (as a real relay would be)."""
    from aiosmtpd.controller import Controller

    class Sink:
        async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
            with counter.get_lock():
                counter.value += 1
            return "250 OK"

    controller = Controller(Sink(), hostname="127.0.0.1", port=port)
    controller.start()
    ready.set()
    stop.wait()
    controller.stop()


def bench_send(url: str, count: int) -> dict:
    from tests.conftest import free_port

    from paperboy.digest.send import Sender

    port, ctx = free_port(), mp.get_context("spawn")
    ready, stop, counter = ctx.Event(), ctx.Event(), ctx.Value("i", 0)
    sink = ctx.Process(target=_sink, args=(port, ready, stop, counter))
    sink.start()
    ready.wait(30)
    engine = create_engine(url)
    try:
        with engine.begin() as conn:  # leave only `count` rows due
            conn.execute(sa.text("UPDATE digest_outbox SET status = 'cancelled' WHERE id > :n"), {"n": count})
        settings = Settings(
            database_url=url,
            base_url="https://papers.example.org",
            mail_backend="smtp",
            smtp_host="127.0.0.1",
            smtp_port=port,
            smtp_tls="none",
            digest_rate=1e6,
            digest_batch=100,
        )
        started, cpu = time.perf_counter(), time.process_time()
        report = Sender(engine, settings).run()
        seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    finally:
        stop.set()
        sink.join(10)
    return {
        "sent": report.sent,
        "received": counter.value,
        "seconds": seconds,
        "cpu": cpu,
        "per_second": report.sent / seconds,
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--subscribers", type=int, default=100_000)
    parser.add_argument("--papers", type=int, default=500, help="new papers of the day")
    parser.add_argument("--days", type=int, default=200, help="saved HF days loaded (history + new papers)")
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--send", type=int, default=2000, help="digests sent to the SMTP sink")
    args = parser.parse_args()
    url = f"sqlite:///{Path(tempfile.mkdtemp()) / 'bench.db'}"
    print(f"load average at start: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    started = time.perf_counter()
    facts = build_database(url, args.subscribers, args.papers, args.days)
    print(f"setup: {facts} and {args.subscribers:,} subscribers in {time.perf_counter() - started:.1f} s")
    built = bench_build(url, args.processes)
    print(
        f"build + render: {built['digests']:,} personal digests in {built['seconds']:.1f} s "
        f"({built['per_second']:,.0f}/s, {args.processes} processes), {built['avg_papers']:.1f} papers "
        f"and {built['avg_kb']:.1f} KB (HTML + text) each; {built['cpu']:.1f} CPU-s "
        f"({built['cpu'] / built['digests'] * 1000:.2f} ms per digest)"
    )
    queued = bench_queue(url)
    print(
        f"queue (build + outbox rows, one process): {queued['queued']:,} in {queued['seconds']:.1f} s "
        f"({queued['cpu']:.1f} CPU-s)"
    )
    sent = bench_send(url, args.send)
    print(
        f"send: {sent['sent']:,} digests to a local SMTP sink in {sent['seconds']:.1f} s "
        f"({sent['per_second']:,.0f} messages/s, one connection, a commit per message; "
        f"{sent['cpu'] / max(sent['sent'], 1) * 1000:.1f} ms CPU each; the sink got {sent['received']:,})"
    )


if __name__ == "__main__":
    main()
