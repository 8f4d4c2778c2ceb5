"""Ingest benchmark: the real hf_daily folder and a synthetic arXiv snapshot, papers/s and peak memory.

Each measurement runs in its own process so peak RSS belongs to that run alone. The snapshot is synthesised
from the real sample lines (same shape and sizes, unique new-style ids); running it at two sizes shows whether
memory stays flat in the input size. The baseline is the way hobby scripts load papers: one INSERT and one
commit per paper; it runs on a slice of the same file in the same run, and the ratio is printed.

    .venv/bin/python bench/ingest.py                      # 1 M-line snapshot (about 4 minutes)
    .venv/bin/python bench/ingest.py --lines 100000       # quicker
    # all of arXiv on PostgreSQL (the database is the bench's own: dropped and created again)
    .venv/bin/python bench/ingest.py --lines 2700000 --phases small,large \
        --database-url postgresql+psycopg://postgres@127.0.0.1:5432/paperboy_scale
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
DATA = (ROOT / ".." / "shared" / "data").resolve()
SAMPLE = DATA / "arxiv_snapshot" / "wanng-ide_sample.jsonl"


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


PER_MONTH = 30_000  # new papers a month, about arXiv's rate today: 2.7 M lines span 7.5 years from 2015
TYPICAL_AUTHOR_PAPERS = 10  # papers one synthetic author name appears on ...
PROLIFIC_AUTHOR_PAPERS = 500  # ... and the last author's (the group leader's) name


def _variant(number: int) -> str:
    digits = "0123456789abcdefghijklmnopqrstuvwxyz"
    text = ""
    while True:
        number, rest = divmod(number, 36)
        text = digits[rest] + text
        if not number:
            return text


def synthetic_line(records: list[dict], n: int) -> dict:
    """Line ``n`` of the synthetic snapshot: a real record under a unique new-style id, dated in its id's
    month, with author names varied so a name recurs on about as many papers as a real author's does."""
    record = dict(records[n % len(records)])
    month, slot = divmod(n, PER_MONTH)
    year, month = 2015 + month // 12, month % 12 + 1
    record["id"] = f"{year % 100:02d}{month:02d}.{slot + 10_000:05d}"
    created = datetime(year, month, 1, tzinfo=UTC) + timedelta(seconds=slot * 28 * 86_400 // PER_MONTH)
    versions = record.get("versions") or [{"version": "v1"}]
    record["versions"] = [
        {"version": v.get("version", "v1"), "created": format_datetime(created + timedelta(days=7 * i), True)}
        for i, v in enumerate(versions)
    ]
    copy = n // len(records)
    parsed = record.get("authors_parsed") or []
    authors = []
    for position, row in enumerate(parsed):
        last_author = position == len(parsed) - 1 and position > 0
        group = copy // (PROLIFIC_AUTHOR_PAPERS if last_author else TYPICAL_AUTHOR_PAPERS)
        authors.append([f"{row[0]}-{_variant(group)}", *row[1:]] if row else row)
    record["authors_parsed"] = authors
    return record


def build_snapshot(path: Path, lines: int) -> None:
    """Real lines, each a new paper: see ``synthetic_line``."""
    records = [json.loads(line) for line in SAMPLE.read_text().splitlines() if line.strip()]
    with path.open("w") as out:
        for n in range(lines):
            out.write(json.dumps(synthetic_line(records, n)))
            out.write("\n")


def recreate_postgres(url: str) -> None:
    """Drop and create the bench's own database (named in ``url``), from the server's maintenance database."""
    import sqlalchemy as sa

    base, name = url.rsplit("/", 1)
    if name in ("", "postgres", "template0", "template1", "test"):
        raise SystemExit(f"refusing to recreate database {name!r}: give the bench a database of its own")
    admin = sa.create_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    admin.dispose()


def drop_postgres(url: str) -> None:
    import sqlalchemy as sa

    base, name = url.rsplit("/", 1)
    admin = sa.create_engine(f"{base}/postgres", isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)
    with admin.connect() as conn:
        conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    admin.dispose()


def fresh_engine(directory: Path, database_url: str | None = None):  # type: ignore[no-untyped-def]
    """A migrated, empty database: a SQLite file in ``directory``, or the PostgreSQL database named."""
    from paperboy.store.engine import create_engine
    from paperboy.store.migrate import upgrade

    if database_url:
        recreate_postgres(database_url)
    engine = create_engine(database_url or f"sqlite:///{directory / 'bench.db'}")
    upgrade(engine)
    if database_url:
        import sqlalchemy as sa

        def remember_backend(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
            BACKENDS.append(psutil.Process(dbapi_connection.info.backend_pid))

        engine.dispose()
        sa.event.listen(engine, "connect", remember_backend)
    return engine


BACKENDS: list = []  # the PostgreSQL server processes that served this phase, for their CPU time


def cpu_seconds() -> dict[str, float]:
    """CPU time (user + system) of this process, the reader child and the PostgreSQL backends: unlike
    papers/s, the sum does not depend on what else the shared machine is running."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    server = 0.0
    for process in BACKENDS:
        try:
            times = process.cpu_times()
            server += times.user + times.system
        except psutil.Error:
            pass
    return {
        "writer": own.ru_utime + own.ru_stime,
        "reader": children.ru_utime + children.ru_stime,
        "postgres": server,
    }


def database_mib(engine, directory: Path) -> float:  # type: ignore[no-untyped-def]
    """Size on disk after the run: ``pg_database_size``, or the SQLite file with its WAL."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:
            return conn.exec_driver_sql("SELECT pg_database_size(current_database())").scalar() / 2**20
    return sum(f.stat().st_size for f in directory.glob("bench.db*")) / 2**20


def result(engine, directory: Path, papers: int, elapsed: float, cpu_before: dict) -> dict:  # type: ignore[no-untyped-def]
    """Peak RSS of this (writing) process and of the reader child; PostgreSQL's own memory is not in it."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    cpu = {k: v - cpu_before.get(k, 0.0) for k, v in cpu_seconds().items()}
    size = database_mib(engine, directory)
    engine.dispose()
    return {
        "cpu_s": cpu,
        "papers": papers,
        "seconds": elapsed,
        "rate": papers / elapsed,
        "rss_mib": peak_rss_mib(),
        "reader_rss_mib": children,
        "db_mib": size,
    }


def phase_hf(directory: Path, database_url: str | None) -> dict:
    from paperboy.ingest import hf_daily
    from paperboy.ingest.runner import run

    engine = fresh_engine(directory, database_url)
    source = DATA / "hf_daily"
    before, started = cpu_seconds(), time.perf_counter()
    report = run(
        engine,
        "bench",
        hf_daily.read_directory(hf_daily.day_files(source), "bench", lambda _: False),
        "hf_daily",
        interactive=False,
    )
    return result(engine, directory, report.papers, time.perf_counter() - started, before)


def phase_snapshot(directory: Path, snapshot: Path, database_url: str | None) -> dict:
    from paperboy.ingest.background import in_background
    from paperboy.ingest.runner import run
    from paperboy.ingest.snapshot_load import read_snapshot

    engine = fresh_engine(directory, database_url)
    before, started = cpu_seconds(), time.perf_counter()
    report = run(engine, "bench", in_background(read_snapshot, snapshot), "snapshot", interactive=False)
    return result(engine, directory, report.papers, time.perf_counter() - started, before)


def phase_baseline(directory: Path, snapshot: Path, limit: int, database_url: str | None) -> dict:
    """One INSERT and one commit per paper, the hobby-script way (same parser, same schema)."""
    from paperboy.ingest.snapshot import iter_snapshot_lines, parse_snapshot_line
    from paperboy.models import Batch
    from paperboy.store.ingest_sink import commit_batch

    engine = fresh_engine(directory, database_url)
    before, started = cpu_seconds(), time.perf_counter()
    count = 0
    for line_no, raw in iter_snapshot_lines(snapshot):
        if count >= limit:
            break
        commit_batch(engine, Batch(label="baseline", papers=[parse_snapshot_line(raw, str(line_no))]))
        count += 1
    return result(engine, directory, count, time.perf_counter() - started, before)


def child(args: list[str]) -> dict:
    output = subprocess.run(
        [sys.executable, __file__, *args], capture_output=True, text=True, check=True
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def load_average() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


PHASES = ("hf", "small", "large", "baseline")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--lines", type=int, default=1_000_000, help="synthetic snapshot size")
    parser.add_argument(
        "--small-lines", type=int, help="size of the smaller snapshot (default: a tenth, at least 10,000)"
    )
    parser.add_argument("--baseline-lines", type=int, default=5_000, help="papers for the per-row baseline")
    parser.add_argument(
        "--database-url",
        help="a PostgreSQL database of the bench's own (postgresql+psycopg://…/paperboy_scale): dropped and "
        "created again for every phase (default: a SQLite file per phase)",
    )
    parser.add_argument(
        "--phases", default=",".join(PHASES), help=f"comma-separated subset of {', '.join(PHASES)}"
    )
    parser.add_argument(
        "--keep-database",
        action="store_true",
        help="leave the PostgreSQL database as the last phase left it (for bench/scale_pages.py)",
    )
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--dir", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--snapshot", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    url = args.database_url
    if args.phase == "hf":
        print(json.dumps(phase_hf(args.dir, url)))
        return
    if args.phase == "snapshot":
        print(json.dumps(phase_snapshot(args.dir, args.snapshot, url)))
        return
    if args.phase == "baseline":
        print(json.dumps(phase_baseline(args.dir, args.snapshot, args.baseline_lines, url)))
        return

    chosen = [p.strip() for p in args.phases.split(",") if p.strip()]
    unknown = set(chosen) - set(PHASES)
    if unknown:
        parser.error(f"unknown phases: {', '.join(sorted(unknown))}")
    backend = "PostgreSQL" if url else "SQLite"
    print(f"backend {backend}; load average before: {load_average()}", flush=True)
    with tempfile.TemporaryDirectory(dir=ROOT / "bench") as tmp:
        work = Path(tmp)
        small_lines = args.small_lines or max(args.lines // 10, 10_000)
        small, large = work / "small.jsonl", work / "large.jsonl"
        if "small" in chosen:
            build_snapshot(small, small_lines)
        if "large" in chosen or "baseline" in chosen:
            build_snapshot(large, args.lines)
        plan = {
            "hf": ("hf_daily (558 days)", ["--phase", "hf"]),
            "small": (f"snapshot {small_lines:,} lines", ["--phase", "snapshot", "--snapshot", str(small)]),
            "large": (f"snapshot {args.lines:,} lines", ["--phase", "snapshot", "--snapshot", str(large)]),
            "baseline": (
                f"baseline: row-at-a-time, {args.baseline_lines:,} lines",
                [
                    "--phase",
                    "baseline",
                    "--snapshot",
                    str(large),
                    "--baseline-lines",
                    str(args.baseline_lines),
                ],
            ),
        }
        results: dict[str, dict] = {}
        order = [p for p in ("hf", "small", "baseline", "large") if p in chosen]
        for key in order:
            name, phase = plan[key]
            run_dir = work / f"run-{key}"
            run_dir.mkdir()
            extra = ["--database-url", url] if url else []
            results[key] = r = child([*phase, "--dir", str(run_dir), *extra])
            print(
                f"{name:<42} {r['papers']:>10,} papers {r['seconds']:>8.1f} s {r['rate']:>10,.0f} papers/s "
                f"peak RSS {r['rss_mib']:>6.0f} MiB (reader {r['reader_rss_mib']:.0f} MiB) "
                f"database {r['db_mib']:,.0f} MiB · load {load_average()}",
                flush=True,
            )
            cpu = r["cpu_s"]
            per = {k: 1e6 * v / max(r["papers"], 1) for k, v in cpu.items()}  # µs per paper
            serial = max(per["reader"], per["writer"] + per["postgres"])  # the reader runs beside the rest
            print(
                "    CPU µs per paper: "
                + ", ".join(f"{k} {v:,.0f}" for k, v in per.items())
                + f" (≈ {1e6 / max(serial, 1):,.0f} papers/s on 2 idle cores)",
                flush=True,
            )
    if url and not args.keep_database:
        drop_postgres(url)
    if "large" in results and "baseline" in results:
        speedup = results["large"]["rate"] / results["baseline"]["rate"]
        print(f"snapshot speed-up over row-at-a-time: {speedup:.1f}x")
    if "large" in results and "small" in results:
        ratio = results["large"]["rss_mib"] / results["small"]["rss_mib"]
        print(f"peak memory, {args.lines:,} vs {small_lines:,} lines: {ratio:.2f}x")
    print(f"load average after: {load_average()}")


if __name__ == "__main__":
    main()
