"""Page latency at scale: feed, paper, author and organization pages and /api/daily_papers, p50 / p95 / max,
through a real ``paperboy serve`` process on PostgreSQL, at any corpus size (10 k and 2.7 M in RESULTS.md).

    # 10 k papers: the bench makes, fills and drops its own database
    .venv/bin/python bench/scale_pages.py --lines 10000 \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/paperboy_scale_10k --drop
    # all of arXiv: reuse what `bench/ingest.py --lines 2700000 --keep-database` left
    .venv/bin/python bench/scale_pages.py --lines 2700000 \\
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/paperboy_scale --drop

- Corpus: the synthetic snapshot of bench/ingest.py (real lines, unique ids, 30,000 papers a month from 2015,
  author names that recur on about 10 papers, last authors on about 500). A database that already holds
  exactly ``--lines`` papers is reused; otherwise it is created and the snapshot ingested.
- What makes the pages mean something, added by this bench's own set-up SQL (idempotent): 50 papers featured
  per day of the corpus (Hugging Face features about that many), each with imported upvotes; 300
  organizations, given to 3 % of all papers with a long tail (the largest holds about an eighth of them).
- Cache: the server runs with ``PAPERBOY_CACHE_ENTRIES=0``, so every request is a cache miss and does its
  full database work; that is the figure a cache cannot hide (the first reader of each page after every
  vote, comment or ingest pays it). Targets are distinct where the corpus allows (different days, papers,
  authors, organizations), so PostgreSQL's buffers do not hold just one page's rows.
- Search: keyword index only (``PAPERBOY_SEARCH_MODEL=none``); the bench waits for ``/readyz`` (which at
  2.7 M includes building the keyword index) and reports how long that took. Search is not measured here.
- Paper pages are measured twice: a paper's first view computes and stores its similar-papers list (here
  from keywords, as no paper has a vector), later views read it back.
- Server CPU per request (the app process plus the PostgreSQL backends serving it) is reported beside the
  latencies: on a shared machine it is the steadier figure.
- One client, one request at a time, one server process: latency, not throughput (bench/load.py does that).
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
import urllib.parse
from pathlib import Path

import psutil
import sqlalchemy as sa

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import load  # noqa: E402  (bench/load.py: server processes)

import ingest  # noqa: E402  (bench/ingest.py: the synthetic snapshot, database set-up)

FEATURED_PER_DAY = 50
ORGANIZATIONS = 300
ORG_EVERY = 33  # one paper in 33 (3 %) has an organization
HASH = "mod(p.id::bigint * 2654435761, 1000003)"  # a fixed pseudo-random number per paper, 0 … 1000002
ORG_NAME = "'org-' || lpad({}::text, 3, '0')"
DAY = "(p.submitted_at AT TIME ZONE 'UTC')::date"
ORG_OF_PAPER = f"least({ORGANIZATIONS}, floor(power({ORGANIZATIONS}, {HASH} / 1000003.0)))"  # log-uniform

SETUP = [
    # Organizations, then 3 % of papers get one: log-uniform over 300, so org-001 has ~12 % of them.
    f"""INSERT INTO organizations (name, fullname)
        SELECT {ORG_NAME.format("n")}, 'Organization ' || n FROM generate_series(1, {ORGANIZATIONS}) AS n
        ON CONFLICT (name) DO NOTHING""",
    f"""UPDATE papers AS p SET organization_id = o.id
        FROM organizations AS o
        WHERE mod(p.id, {ORG_EVERY}) = 0 AND p.organization_id IS NULL
          AND o.name = {ORG_NAME.format(ORG_OF_PAPER)}""",
    # 50 papers featured on each day that has papers, chosen pseudo-randomly among that day's submissions.
    f"""INSERT INTO daily_entries (day, paper_id, source, submitted_at)
        SELECT day, id, 'huggingface', submitted_at FROM (
            SELECT p.id, p.submitted_at, {DAY} AS day,
                   row_number() OVER (PARTITION BY {DAY} ORDER BY {HASH}) AS n
            FROM papers AS p WHERE p.submitted_at IS NOT NULL) AS ranked
        WHERE n <= {FEATURED_PER_DAY}
        ON CONFLICT (day, paper_id) DO NOTHING""",
    f"""UPDATE papers AS p SET hf_upvotes = mod({HASH}, 300)
        FROM daily_entries AS d WHERE d.paper_id = p.id AND p.hf_upvotes = 0""",
    "VACUUM ANALYZE",
]


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def paper_count(url: str) -> int | None:
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    try:
        with engine.connect() as conn:
            return conn.exec_driver_sql("SELECT count(*) FROM papers").scalar()
    except sa.exc.SQLAlchemyError:
        return None
    finally:
        engine.dispose()


def ensure_corpus(url: str, lines: int) -> None:
    """The synthetic snapshot of ``lines`` papers in ``url``: reused when it is there, else ingested."""
    if paper_count(url) == lines:
        log(f"reusing {url.rsplit('/', 1)[1]}: {lines:,} papers")
        return
    from paperboy.ingest.background import in_background
    from paperboy.ingest.runner import run
    from paperboy.ingest.snapshot_load import read_snapshot

    with tempfile.TemporaryDirectory(dir=HERE) as tmp:
        snapshot = Path(tmp) / "snapshot.jsonl"
        log(f"building a {lines:,}-line snapshot")
        ingest.build_snapshot(snapshot, lines)
        engine = ingest.fresh_engine(Path(tmp), url)
        log("ingesting it")
        run(engine, "bench", in_background(read_snapshot, snapshot), "snapshot", interactive=False)
        engine.dispose()


def feature(url: str) -> dict:
    """Daily entries, organizations and upvotes (idempotent), then the corpus's shape."""
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        for statement in SETUP:
            started = time.perf_counter()
            conn.exec_driver_sql(statement)
            log(f"{statement.split()[0]} … {time.perf_counter() - started:.1f} s")
        shape = {
            name: conn.exec_driver_sql(sql).scalar()
            for name, sql in {
                "papers": "SELECT count(*) FROM papers",
                "paper_authors": "SELECT count(*) FROM paper_authors",
                "daily_entries": "SELECT count(*) FROM daily_entries",
                "days": "SELECT count(DISTINCT day) FROM daily_entries",
                "papers_with_org": "SELECT count(*) FROM papers WHERE organization_id IS NOT NULL",
                "largest_org_papers": "SELECT max(c) FROM (SELECT count(*) c FROM papers "
                "WHERE organization_id IS NOT NULL GROUP BY organization_id) x",
                "most_prolific_author_papers": "SELECT max(c) FROM (SELECT count(*) c FROM paper_authors "
                "GROUP BY name) x",
                "database_mib": "SELECT pg_database_size(current_database()) / 1048576",
            }.items()
        }
    engine.dispose()
    return shape


def targets(url: str, count: int, seed: int) -> dict[str, list[str]]:
    """Distinct paths per kind of page, drawn with a fixed seed."""
    rng = random.Random(seed)
    engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        days = [d for (d,) in conn.exec_driver_sql("SELECT DISTINCT day FROM daily_entries ORDER BY day")]
        top = conn.exec_driver_sql("SELECT max(id) FROM papers").scalar()
        picked = rng.sample(range(1, top + 1), min(count, top))
        ids = [
            i for (i,) in conn.exec_driver_sql("SELECT arxiv_id FROM papers WHERE id = ANY(%s)", (picked,))
        ]
        names = conn.exec_driver_sql(
            "SELECT DISTINCT ON (paper_id) name FROM paper_authors WHERE paper_id = ANY(%s)", (picked,)
        ).scalars()
        authors = list(dict.fromkeys(names))
        prolific = conn.exec_driver_sql(
            "SELECT name FROM paper_authors GROUP BY name ORDER BY count(*) DESC LIMIT %s", (count // 4,)
        ).scalars()
        orgs = conn.exec_driver_sql(
            "SELECT o.name FROM organizations o JOIN papers p ON p.organization_id = o.id "
            "GROUP BY o.name ORDER BY count(*) DESC"
        ).scalars()
        orgs = list(orgs)
    engine.dispose()
    weeks = sorted({f"{d.isocalendar().year}-W{d.isocalendar().week:02d}" for d in days})
    months = sorted({f"{d:%Y-%m}" for d in days})

    def some(values: list, n: int = count) -> list:
        """``n`` of ``values``, distinct while there are enough (10 k papers span only ten days)."""
        chosen = rng.sample(values, min(n, len(values)))
        while len(chosen) < n:
            chosen += rng.sample(values, min(n - len(chosen), len(values)))
        return chosen

    q = urllib.parse.quote
    plan = {
        "day feed page": [f"/papers/date/{d}" for d in some(days)],
        "paper page, first view": [f"/papers/{i}" for i in some(ids)],
        "author page": [f"/authors/{q(a)}" for a in some(authors)],
        "author page, most prolific": [f"/authors/{q(a)}" for a in some(list(prolific), count // 4)],
        "organization page": [f"/organizations/{o}" for o in some(orgs)],
        "organization page, 5 largest": [f"/organizations/{o}" for o in some(orgs[:5], count // 4)],
        "/api/daily_papers?date=": [f"/api/daily_papers?date={d}" for d in some(days)],
        "/api/daily_papers?week=": [f"/api/daily_papers?week={w}" for w in some(weeks, count // 2)],
        "/api/daily_papers?month=": [f"/api/daily_papers?month={m}" for m in some(months, count // 4)],
    }
    # A paper without a stored similar-papers list gets one computed on its first view (keyword-only here:
    # no vectors); every later view reads it back. Both are shown.
    plan["paper page, viewed before"] = plan["paper page, first view"]
    return plan


class ServerCpu:
    """CPU seconds of the server's processes and of the PostgreSQL backends serving its database: what a
    request costs whatever else the shared machine is running, unlike its latency."""

    def __init__(self, server: load.Server, url: str) -> None:
        self.server, self.url = server, url
        self.engine = sa.create_engine(url, poolclass=sa.pool.NullPool)

    def _processes(self) -> list[psutil.Process]:
        root = psutil.Process(self.server.proc.pid)  # type: ignore[union-attr]
        with self.engine.connect() as conn:
            pids = conn.exec_driver_sql(
                "SELECT pid FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            ).scalars()
            backends = [psutil.Process(pid) for pid in pids]
        return [root, *root.children(recursive=True), *backends]

    def sample(self) -> dict[int, float]:
        seconds = {}
        for process in self._processes():
            try:
                times = process.cpu_times()
                seconds[process.pid] = times.user + times.system
            except psutil.Error:
                pass
        return seconds

    @staticmethod
    def spent(before: dict[int, float], after: dict[int, float]) -> float:
        return sum(value - before.get(pid, 0.0) for pid, value in after.items())


def measure(base: str, paths: list[str], cpu: ServerCpu) -> dict:
    """Each path once, in order; every answer must be a 200."""
    times = []
    before = cpu.sample()
    for path in paths:
        started = time.perf_counter()
        status, body = load.http_get(base + path, 60)
        elapsed = time.perf_counter() - started
        if status != 200:
            raise RuntimeError(f"{path}: HTTP {status}")
        times.append(elapsed * 1000)
    times.sort()
    return {
        "cpu_ms": 1000 * ServerCpu.spent(before, cpu.sample()) / len(times),
        "requests": len(times),
        "p50_ms": statistics.median(times),
        "p95_ms": times[max(0, round(0.95 * len(times)) - 1)],
        "max_ms": times[-1],
    }


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database-url", required=True, help="a PostgreSQL database of the bench's own")
    parser.add_argument("--lines", type=int, required=True, help="papers in the corpus")
    parser.add_argument("--requests", type=int, default=200, help="distinct targets per kind of page")
    parser.add_argument("--port", type=int, default=8791)
    parser.add_argument("--seed", type=int, default=13)
    parser.add_argument("--drop", action="store_true", help="drop the database when done")
    parser.add_argument("--ready-timeout", type=float, default=3600, help="seconds to wait for /readyz")
    args = parser.parse_args()

    print(f"load average before: {ingest.load_average()}", flush=True)
    ensure_corpus(args.database_url, args.lines)
    shape = feature(args.database_url)
    print(json.dumps(shape), flush=True)
    plan = targets(args.database_url, args.requests, args.seed)
    with tempfile.TemporaryDirectory(dir=HERE) as tmp:
        folder = Path(tmp)
        env = load.paperboy_env(args.database_url, folder / "index", None)
        env.update(
            PAPERBOY_CACHE_ENTRIES="0",
            PAPERBOY_SEARCH_MODEL="none",
            PAPERBOY_ACCESS_LOG="false",
            PAPERBOY_SECRET_KEY=os.urandom(24).hex(),
        )
        server = load.paperboy_server("paperboy", env, 1, args.port, folder)
        started = time.perf_counter()
        server.start()
        try:
            load.wait_ready(server, args.ready_timeout)
            ready_s = time.perf_counter() - started
            log(f"ready after {ready_s:.0f} s")
            for warm in ("/", "/api/daily_papers"):  # the process (imports, templates), not the targets
                load.http_get(server.base + warm, 60)
            results = {}
            cpu = ServerCpu(server, args.database_url)
            for name, paths in plan.items():
                results[name] = measure(server.base, paths, cpu)
                r = results[name]
                log(f"{name}: p50 {r['p50_ms']:.1f} ms, p95 {r['p95_ms']:.1f} ms, CPU {r['cpu_ms']:.1f} ms")
            rss = sum(server.rss()) / 2**20
        finally:
            server.stop()
    print(f"load average after: {ingest.load_average()}")
    print(f"\n{args.lines:,} papers; server ready after {ready_s:.0f} s; server RSS {rss:.0f} MiB\n")
    print("| page | requests | p50 | p95 | max | server CPU per request |")
    print("| --- | --- | --- | --- | --- | --- |")
    for name, r in results.items():
        cells = [str(r["requests"]), *(f"{r[k]:.1f} ms" for k in ("p50_ms", "p95_ms", "max_ms", "cpu_ms"))]
        print(f"| {name} | {' | '.join(cells)} |")
    print(json.dumps({"lines": args.lines, "shape": shape, "ready_s": ready_s, "results": results}))
    if args.drop:
        ingest.drop_postgres(args.database_url)


if __name__ == "__main__":
    main()
