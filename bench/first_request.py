"""How long a reader waits right after a start: time to ready, then the first request of each kind.

    .venv/bin/python bench/first_request.py [--database PATH]

Copies a prepared SQLite corpus (default: the one bench/load.py keeps, 9.5k real papers with embeddings),
starts ``paperboy serve`` with a fresh search-index folder (the worst case: every index built at start) and
again with the folder it left (an ordinary restart), and times, from the process start: ``/readyz`` turning
200, then one request of each kind, each the first of its kind in that process.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

VENV_BIN = Path(sys.executable).parent
DEFAULT_DB = Path("/tmp/paperboy-load/sqlite/paperboy.db")
PORT = 18731


def _get(url: str, timeout: float = 60) -> tuple[int, float]:
    began = time.perf_counter()
    try:
        with urllib.request.urlopen(url, timeout=timeout) as answer:  # noqa: S310 - 127.0.0.1 only
            answer.read()
            status = answer.status
    except urllib.error.HTTPError as exc:
        status = exc.code
    return status, time.perf_counter() - began


def _samples(db: Path) -> dict[str, str]:
    with sqlite3.connect(db) as conn:
        day = conn.execute("SELECT max(day) FROM daily_entries").fetchone()[0]
        arxiv_id, title = conn.execute(
            "SELECT arxiv_id, title FROM papers ORDER BY id DESC LIMIT 1 OFFSET 17"
        ).fetchone()
    words = " ".join(sorted(title.split(), key=len)[-2:])
    query = urllib.parse.quote(words)
    return {
        "home /": "/",
        "day page": f"/papers/date/{day}",
        "paper page": f"/papers/{arxiv_id}",
        "API paper": f"/api/papers/{arxiv_id}",
        "API search (hybrid)": f"/api/papers/search?q={query}",
        "search page": f"/search?q={query}",
        "API similar": f"/api/papers/{arxiv_id}/similar",
    }


def _run(db: Path, index_dir: Path, label: str) -> list[tuple[str, str]]:
    env = {
        **os.environ,
        "PAPERBOY_DATABASE_URL": f"sqlite:///{db}",
        "PAPERBOY_SEARCH_INDEX_DIR": str(index_dir),
        "PAPERBOY_SEARCH_EMBED_BACKGROUND": "false",
    }
    began = time.perf_counter()
    server = subprocess.Popen(
        [str(VENV_BIN / "paperboy"), "serve", "--port", str(PORT)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    rows: list[tuple[str, str]] = []
    base = f"http://127.0.0.1:{PORT}"
    try:
        while True:
            if time.perf_counter() - began > 600:
                raise RuntimeError("not ready after 600 s")
            try:
                if _get(base + "/readyz", timeout=2)[0] == 200:
                    break
            except OSError:
                pass
            time.sleep(0.05)
        rows.append((f"{label}: start to ready", f"{time.perf_counter() - began:.1f} s"))
        for name, path in _samples(db).items():
            status, seconds = _get(base + path)
            rows.append((f"{label}: first {name}", f"{seconds * 1000:.0f} ms ({status})"))
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--database", type=Path, default=DEFAULT_DB, help="a prepared SQLite corpus")
    args = parser.parse_args()
    if not args.database.exists():
        sys.exit(f"{args.database} is missing: run bench/load.py once (it prepares it), or give --database")
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "paperboy.db"
        with sqlite3.connect(args.database) as source, sqlite3.connect(db) as target:
            source.backup(target)
        subprocess.run(
            [str(VENV_BIN / "paperboy"), "migrate"],
            env={**os.environ, "PAPERBOY_DATABASE_URL": f"sqlite:///{db}"},
            check=True,
            capture_output=True,
        )
        index = Path(folder) / "index"
        rows = _run(db, index, "fresh index folder") + _run(db, index, "restart")
        shutil.rmtree(index, ignore_errors=True)
    print("| what | time |\n| --- | --- |")
    for name, value in rows:
        print(f"| {name} | {value} |")


if __name__ == "__main__":
    main()
