"""Ingest benchmark: the real hf_daily folder and a synthetic arXiv snapshot, papers/s and peak memory.

Each measurement runs in its own process so peak RSS belongs to that run alone. The snapshot is synthesised
from the real sample lines (same shape and sizes, unique new-style ids); running it at two sizes shows whether
memory stays flat in the input size. The baseline is the way hobby scripts load papers: one INSERT and one
commit per paper; it runs on a slice of the same file in the same run, and the ratio is printed.

    .venv/bin/python bench/ingest.py                      # 1 M-line snapshot (about 4 minutes)
    .venv/bin/python bench/ingest.py --lines 100000       # quicker
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATA = (ROOT / ".." / "shared" / "data").resolve()
SAMPLE = DATA / "arxiv_snapshot" / "wanng-ide_sample.jsonl"


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def build_snapshot(path: Path, lines: int) -> None:
    """Real lines, each given a unique id (``YYMM.NNNNN``) so every line is a new paper."""
    records = [json.loads(line) for line in SAMPLE.read_text().splitlines() if line.strip()]
    with path.open("w") as out:
        for n in range(lines):
            record = dict(records[n % len(records)])
            record["id"] = (
                f"{10 + n // 9_000_000 % 90:02d}{(n // 90_000) % 12 + 1:02d}.{n % 90_000 + 10_000:05d}"
            )
            out.write(json.dumps(record))
            out.write("\n")


def fresh_engine(directory: Path):  # type: ignore[no-untyped-def]
    from paperboy.store.engine import create_engine
    from paperboy.store.migrate import upgrade

    engine = create_engine(f"sqlite:///{directory / 'bench.db'}")
    upgrade(engine)
    return engine


def phase_hf(directory: Path) -> dict:
    from paperboy.ingest import hf_daily
    from paperboy.ingest.runner import run

    engine = fresh_engine(directory)
    source = DATA / "hf_daily"
    started = time.perf_counter()
    report = run(
        engine,
        "bench",
        hf_daily.read_directory(hf_daily.day_files(source), "bench", lambda _: False),
        "hf_daily",
        interactive=False,
    )
    elapsed = time.perf_counter() - started
    return {
        "papers": report.papers,
        "seconds": elapsed,
        "rate": report.papers / elapsed,
        "rss_mib": peak_rss_mib(),
    }


def phase_snapshot(directory: Path, snapshot: Path) -> dict:
    from paperboy.ingest.background import in_background
    from paperboy.ingest.runner import run
    from paperboy.ingest.snapshot_load import read_snapshot

    engine = fresh_engine(directory)
    started = time.perf_counter()
    report = run(engine, "bench", in_background(read_snapshot, snapshot), "snapshot", interactive=False)
    elapsed = time.perf_counter() - started
    return {
        "papers": report.papers,
        "seconds": elapsed,
        "rate": report.papers / elapsed,
        "rss_mib": peak_rss_mib(),
    }


def phase_baseline(directory: Path, snapshot: Path, limit: int) -> dict:
    """One INSERT and one commit per paper, the hobby-script way (same parser, same schema)."""
    from paperboy.ingest.snapshot import iter_snapshot_lines, parse_snapshot_line
    from paperboy.models import Batch
    from paperboy.store.ingest_sink import commit_batch

    engine = fresh_engine(directory)
    started = time.perf_counter()
    count = 0
    for line_no, raw in iter_snapshot_lines(snapshot):
        if count >= limit:
            break
        commit_batch(engine, Batch(label="baseline", papers=[parse_snapshot_line(raw, str(line_no))]))
        count += 1
    elapsed = time.perf_counter() - started
    return {"papers": count, "seconds": elapsed, "rate": count / elapsed, "rss_mib": peak_rss_mib()}


def child(args: list[str]) -> dict:
    output = subprocess.run(
        [sys.executable, __file__, *args], capture_output=True, text=True, check=True
    ).stdout
    return json.loads(output.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--lines", type=int, default=1_000_000, help="synthetic snapshot size")
    parser.add_argument("--baseline-lines", type=int, default=5_000, help="papers for the per-row baseline")
    parser.add_argument("--phase", help=argparse.SUPPRESS)
    parser.add_argument("--dir", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--snapshot", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.phase == "hf":
        print(json.dumps(phase_hf(args.dir)))
        return
    if args.phase == "snapshot":
        print(json.dumps(phase_snapshot(args.dir, args.snapshot)))
        return
    if args.phase == "baseline":
        print(json.dumps(phase_baseline(args.dir, args.snapshot, args.baseline_lines)))
        return

    with tempfile.TemporaryDirectory(dir=ROOT / "bench") as tmp:
        work = Path(tmp)
        small_lines = max(args.lines // 10, 10_000)
        small, large = work / "small.jsonl", work / "large.jsonl"
        build_snapshot(small, small_lines)
        build_snapshot(large, args.lines)
        results = {}
        for name, phase in [
            ("hf_daily (558 days)", ["--phase", "hf"]),
            (f"snapshot {small_lines:,} lines", ["--phase", "snapshot", "--snapshot", str(small)]),
            (f"snapshot {args.lines:,} lines", ["--phase", "snapshot", "--snapshot", str(large)]),
            (
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
        ]:
            run_dir = work / f"run{len(results)}"
            run_dir.mkdir()
            results[name] = child([*phase, "--dir", str(run_dir)])
            r = results[name]
            print(
                f"{name:<42} {r['papers']:>10,} papers {r['seconds']:>8.1f} s {r['rate']:>10,.0f} papers/s "
                f"peak RSS {r['rss_mib']:>6.0f} MiB",
                flush=True,
            )
    snap_small, snap_large, base = (results[k] for k in list(results)[1:])
    print(f"snapshot speed-up over row-at-a-time baseline: {snap_large['rate'] / base['rate']:.1f}x")
    memory_ratio = snap_large["rss_mib"] / snap_small["rss_mib"]
    print(f"peak memory, {args.lines:,} vs {small_lines:,} lines: {memory_ratio:.2f}x")


if __name__ == "__main__":
    main()
