"""Concurrency benchmark: paperboy under many simultaneous clients (wrk), against a bare reference server.

    .venv/bin/python bench/load.py                                   # everything: 3 backends × 3 levels
    .venv/bin/python bench/load.py --backend sqlite --conns 64 --seconds 5 --scenarios home,paper

What it does, and why:

- Corpus: the real Hugging Face daily papers (../shared/data/hf_daily, 9.5k papers) with MiniLM embeddings,
  so search does its real hybrid work. Embedding takes ~10 min, so a prepared SQLite file and a prepared
  PostgreSQL database are cached under --workdir and reused (--rebuild starts over). Every backend is served
  from a fresh copy of them (a file copy, ``CREATE DATABASE … TEMPLATE``), so the votes and comments a run
  writes never leak into the next run.
- Load: wrk with bench/load/rotate.lua, which rotates over a shuffled request list per scenario (many
  distinct days, papers and search queries, so no cache sees the same thing twice in a row) and counts every
  status code, so 503s are told apart from other non-2xx answers. Socket errors are reported by kind; wrk
  counts a timeout only when an answer arrives later than --timeout, so the script also reports the requests
  still unanswered when a point ends ("in flight"): all of them at 0 req/s is a stuck server.
- Signed-in traffic: verified accounts with API tokens (``Authorization: Bearer pbt_…`` needs no CSRF token)
  vote, unvote and comment; the ``signed-in`` scenario is only that, ``mix`` has a 10 % share of it.
- Reference: bench/load/reference_app.py, bare Starlette serving paperboy's own home-page bytes from memory
  under the same uvicorn options and worker count, measured in the same run with the same wrk settings. Each
  figure is also given as a ratio to it: what paperboy's own work costs on this machine, whatever its load.
- Robustness: every wait is bounded. After each point the server must answer a plain request within a few
  seconds; one that does not (deadlocked) is killed and started again, and the point is reported as measured
  (0 req/s, timeouts). Every server runs in its own process group and is stopped on exit, error or Ctrl-C.

- Code under test: the working tree, or any commit with --rev (exported by ``git archive`` and put first on
  PYTHONPATH), so a baseline can be measured while src/ is being edited. Each copy of the corpus is migrated
  to that code's schema; a cache prepared by newer code than --rev needs --rebuild.

Results: a markdown table on stdout, and JSON plus server and wrk logs under --workdir/runs/<time>/.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import json
import os
import random
import re
import shutil
import signal
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
HERE = Path(__file__).resolve().parent / "load"
LUA = HERE / "rotate.lua"
REFERENCE_APP = HERE / "reference_app.py"
VENV_BIN = Path(sys.executable).parent
PAPERBOY = VENV_BIN / "paperboy"
DEFAULT_DATA = ROOT.parent / "shared" / "data" / "hf_daily"
HOST = "127.0.0.1"

PREPARED_PG = "paperboy_load_prepared"
RUN_PG = "paperboy_load_run"
USER_PREFIX = "loadbench"
USER_PASSWORD = "load-bench-password-1234"

SCENARIOS = (
    "home", "day", "week", "month", "paper", "paper-popular", "api-paper", "api-paper-popular", "api-daily",
    "search-api", "search-page", "signed-in", "mix", "mix-popular",
)  # fmt: skip
ZIPF_S = 1.0  # popularity of papers when a feed is linked: rank r is viewed in proportion to 1 / r^s
BACKENDS = {"sqlite": ("sqlite", 1), "pg": ("pg", 1), "pg2": ("pg", 2)}
MIX_WEIGHTS = {  # the "page mix": roughly what a public site's anonymous traffic looks like, plus signed-in
    "home": 10, "day": 14, "week": 5, "month": 3, "paper": 25, "api-paper": 9, "api-daily": 6,
    "search-api": 8, "search-page": 10, "signed-in": 10,
}  # fmt: skip


# ---------------------------------------------------------------------------------------------- small tools


def log(message: str) -> None:
    """Progress goes to stderr, so stdout holds only the result table."""
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def run(cmd: list[str], env: dict[str, str], timeout: float, logfile: Path) -> None:
    """A preparation step (ingest, embed, …): its output goes to a log file; a failure stops the bench."""
    with logfile.open("ab") as out:
        out.write(f"\n$ {' '.join(cmd)}\n".encode())
        out.flush()
        result = subprocess.run(
            cmd, env=env, stdout=out, stderr=subprocess.STDOUT, timeout=timeout, check=False
        )
    if result.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed ({result.returncode}); see {logfile}")


def paperboy_env(database_url: str, index_dir: Path, src: Path | None) -> dict[str, str]:
    """Settings for every paperboy process of the bench: no background embedder stealing CPU, own index.

    ``src`` (from --rev) puts an exported source tree first on PYTHONPATH, ahead of the editable install, so
    a given commit can be measured while the working tree is being edited.
    """
    env = dict(os.environ)
    if src is not None:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(src), env.get("PYTHONPATH", "")]))
    env.update(
        PAPERBOY_DATABASE_URL=database_url,
        PAPERBOY_SEARCH_INDEX_DIR=str(index_dir),
        PAPERBOY_SEARCH_EMBED_BACKGROUND="false",
        PAPERBOY_AUTO_MIGRATE="false",
        PAPERBOY_MAIL_BACKEND="console",
    )
    return env


def http_get(url: str, timeout: float) -> tuple[int, bytes]:
    """One GET; (0, b"") when nothing answered in time, so callers need no exception handling."""
    try:
        with urllib.request.urlopen(url, timeout=timeout) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, b""
    except (OSError, TimeoutError):
        return 0, b""


def token_for(number: int) -> str:
    """Deterministic API tokens: the prepared databases store only their hashes; no secrets file needed."""
    return "pbt_" + hashlib.sha256(f"paperboy-load-bench-{number}".encode()).hexdigest()[:40]


def sa_engine(url: str, autocommit: bool = False):  # type: ignore[no-untyped-def]
    """SQLAlchemy only for the bench's own set-up SQL; the server under test opens its own connections."""
    import sqlalchemy as sa

    options = {"isolation_level": "AUTOCOMMIT"} if autocommit else {}
    return sa.create_engine(url, poolclass=sa.pool.NullPool, **options)


# ---------------------------------------------------------------------------------------- prepared corpora


@dataclass
class Paths:
    """Where a run keeps its cache (shared between runs) and its own files (one folder per run)."""

    workdir: Path
    src: Path | None = None
    run: Path = field(init=False)

    def __post_init__(self) -> None:
        self.run = self.workdir / "runs" / time.strftime("%Y%m%d-%H%M%S")
        self.run.mkdir(parents=True, exist_ok=True)

    @property
    def sqlite_db(self) -> Path:
        return self.workdir / "sqlite" / "paperboy.db"

    @property
    def prep_log(self) -> Path:
        return self.workdir / "prepare.log"

    def env(self, database_url: str, index_dir: Path) -> dict[str, str]:
        return paperboy_env(database_url, index_dir, self.src)


def export_rev(workdir: Path, rev: str) -> Path:
    """``git archive`` of one commit's src/ under the workdir (read-only use of the repository)."""
    commit = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", f"{rev}^{{commit}}"],
        capture_output=True, text=True, check=True, timeout=60,
    ).stdout.strip()  # fmt: skip
    target = workdir / f"src-{commit}"
    if not (target / "src" / "paperboy" / "__init__.py").exists():
        target.mkdir(parents=True, exist_ok=True)
        archive = subprocess.run(
            ["git", "-C", str(ROOT), "archive", commit, "src"], capture_output=True, check=True, timeout=120
        )
        subprocess.run(["tar", "-x", "-C", str(target)], input=archive.stdout, check=True, timeout=120)
    return target / "src"


def sqlite_counts(db: Path) -> tuple[int, int, int]:
    """(papers, embeddings, bench tokens) of a prepared SQLite file; zeros when it is missing or unusable."""
    if not db.exists():
        return 0, 0, 0
    try:
        with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=30)) as conn:
            papers = conn.execute("SELECT count(*) FROM papers").fetchone()[0]
            vectors = conn.execute("SELECT count(DISTINCT paper_id) FROM paper_embeddings").fetchone()[0]
            tokens = conn.execute("SELECT count(*) FROM api_tokens WHERE name = 'load-bench'").fetchone()[0]
    except sqlite3.Error:
        return 0, 0, 0
    return papers, vectors, tokens


def corpus_complete(papers: int, vectors: int, tokens: int, users: int) -> bool:
    """A cache is reusable when it has papers, (nearly) all embedded, and the bench's accounts."""
    return papers > 0 and vectors >= papers * 0.98 and tokens >= users


CREATE_USERS = """
import sys
from paperboy.auth.service import create_user
from paperboy.store.engine import engine_for
engine = engine_for(sys.argv[1])
for name in sys.argv[3:]:
    create_user(engine, name, name + "@example.org", sys.argv[2], False)
"""


def create_users(paths: Paths, database_url: str, users: int) -> None:
    """Verified accounts (as ``paperboy users create`` makes them, by the code under test), then one API token
    each, stored as its hash by plain SQL."""
    import sqlalchemy as sa

    engine = sa_engine(database_url)
    with engine.connect() as conn:
        query = sa.text(f"SELECT username FROM users WHERE username LIKE '{USER_PREFIX}%'")
        existing = {row[0] for row in conn.execute(query)}
    missing = [f"{USER_PREFIX}{n}" for n in range(users) if f"{USER_PREFIX}{n}" not in existing]
    if missing:
        cmd = [sys.executable, "-c", CREATE_USERS, database_url, USER_PASSWORD, *missing]
        run(cmd, paths.env(database_url, paths.workdir / "index-users"), 600, paths.prep_log)
    with engine.begin() as conn:
        for number in range(users):
            digest = hashlib.sha256(token_for(number).encode()).hexdigest()
            conn.execute(
                sa.text(
                    "INSERT INTO api_tokens (user_id, name, token_hash) "
                    "SELECT id, 'load-bench', :hash FROM users WHERE username = :name "
                    "AND NOT EXISTS (SELECT 1 FROM api_tokens WHERE token_hash = :same)"
                ),
                {"hash": digest, "same": digest, "name": f"{USER_PREFIX}{number}"},
            )
    engine.dispose()


def prepare_sqlite(paths: Paths, data_dir: Path, users: int, rebuild: bool) -> None:
    """The cached SQLite corpus: schema, the saved HF days, embeddings (the slow part), bench accounts."""
    db = paths.sqlite_db
    counts = sqlite_counts(db)
    if not rebuild and corpus_complete(*counts, users):
        log(f"SQLite corpus reused: {counts[0]:,} papers, {counts[1]:,} embedded ({db})")
        return
    if rebuild:
        shutil.rmtree(db.parent, ignore_errors=True)
    db.parent.mkdir(parents=True, exist_ok=True)
    env = paths.env(f"sqlite:///{db}", db.parent / "index-prepare")
    log(f"preparing the SQLite corpus in {db} (log: {paths.prep_log}); embedding takes ~10 min")
    if counts[0] == 0:
        run([str(PAPERBOY), "init"], env, 300, paths.prep_log)
        run([str(PAPERBOY), "ingest", "hf", "--dir", str(data_dir)], env, 1800, paths.prep_log)
    run([str(PAPERBOY), "embed"], env, 3 * 3600, paths.prep_log)
    create_users(paths, f"sqlite:///{db}", users)
    with contextlib.closing(sqlite3.connect(db)) as conn:  # one self-contained file, safe to copy
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    log(f"SQLite corpus ready: {sqlite_counts(db)}")


def pg_url(admin_url: str, database: str) -> str:
    return f"{admin_url.rstrip('/')}/{database}"


def pg_exists(admin_url: str, database: str) -> bool:
    import sqlalchemy as sa

    engine = sa_engine(pg_url(admin_url, "postgres"))
    with engine.connect() as conn:
        found = conn.execute(sa.text("SELECT 1 FROM pg_database WHERE datname = :d"), {"d": database}).first()
    engine.dispose()
    return found is not None


def pg_recreate(admin_url: str, database: str, template: str | None = None) -> None:
    """Drop and create a database, optionally as a copy of another (the cheap way to reset a run's data)."""
    import sqlalchemy as sa

    engine = sa_engine(pg_url(admin_url, "postgres"), autocommit=True)
    with engine.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)'))
        copy = f' TEMPLATE "{template}"' if template else ""
        conn.execute(sa.text(f'CREATE DATABASE "{database}"{copy}'))
    engine.dispose()


def pg_counts(url: str) -> tuple[int, int, int]:
    import sqlalchemy as sa

    engine = sa_engine(url)
    try:
        with engine.connect() as conn:
            papers = conn.execute(sa.text("SELECT count(*) FROM papers")).scalar_one()
            vectors = conn.execute(
                sa.text("SELECT count(DISTINCT paper_id) FROM paper_embeddings")
            ).scalar_one()
            tokens = conn.execute(
                sa.text("SELECT count(*) FROM api_tokens WHERE name = 'load-bench'")
            ).scalar_one()
    except sa.exc.SQLAlchemyError:
        return 0, 0, 0
    finally:
        engine.dispose()
    return papers, vectors, tokens


def copy_embeddings(sqlite_db: Path, target_url: str) -> int:
    """Embeddings copied from the SQLite corpus, matched by arXiv id: minutes of model time saved."""
    import sqlalchemy as sa

    with contextlib.closing(sqlite3.connect(f"file:{sqlite_db}?mode=ro", uri=True)) as source:
        rows = source.execute(
            "SELECT p.arxiv_id, e.model, e.dim, e.vector, e.text_hash FROM paper_embeddings e "
            "JOIN papers p ON p.id = e.paper_id ORDER BY e.id"
        ).fetchall()
    engine = sa_engine(target_url)
    with engine.begin() as conn:
        ids = dict(conn.execute(sa.text("SELECT arxiv_id, id FROM papers")).all())
        batch = [
            {"paper_id": ids[arxiv_id], "model": model, "dim": dim, "vector": vector, "text_hash": text_hash}
            for arxiv_id, model, dim, vector, text_hash in rows
            if arxiv_id in ids
        ]
        conn.execute(sa.text("DELETE FROM paper_embeddings"))
        conn.execute(
            sa.text(
                "INSERT INTO paper_embeddings (paper_id, model, dim, vector, text_hash) "
                "VALUES (:paper_id, :model, :dim, :vector, :text_hash)"
            ),
            batch,
        )
    engine.dispose()
    return len(batch)


def prepare_pg(paths: Paths, admin_url: str, data_dir: Path, users: int, rebuild: bool) -> None:
    """The cached PostgreSQL corpus: same days and accounts as SQLite, embeddings copied over."""
    url = pg_url(admin_url, PREPARED_PG)
    if not rebuild and pg_exists(admin_url, PREPARED_PG) and corpus_complete(*pg_counts(url), users):
        log(f"PostgreSQL corpus reused: {pg_counts(url)[0]:,} papers ({PREPARED_PG})")
        return
    log(f"preparing the PostgreSQL corpus {PREPARED_PG} (log: {paths.prep_log})")
    pg_recreate(admin_url, PREPARED_PG)
    env = paths.env(url, paths.workdir / "pg-index-prepare")
    run([str(PAPERBOY), "init"], env, 300, paths.prep_log)
    run([str(PAPERBOY), "ingest", "hf", "--dir", str(data_dir)], env, 1800, paths.prep_log)
    copied = copy_embeddings(paths.sqlite_db, url)
    create_users(paths, url, users)
    log(f"PostgreSQL corpus ready: {copied:,} embeddings copied")


# ------------------------------------------------------------------------------------------- request lists


@dataclass
class Corpus:
    """What the request lists are drawn from: real ids, days and titles of the prepared database."""

    arxiv_ids: list[str]
    days: list[date]
    titles: list[str]


def read_corpus(db: Path) -> Corpus:
    with contextlib.closing(sqlite3.connect(f"file:{db}?mode=ro", uri=True)) as conn:
        ids = [
            row[0] for row in conn.execute("SELECT arxiv_id FROM papers WHERE hidden_at IS NULL ORDER BY id")
        ]
        days = [date.fromisoformat(row[0]) for row in conn.execute("SELECT DISTINCT day FROM daily_entries")]
        titles = [row[0] for row in conn.execute("SELECT title FROM papers ORDER BY id")]
    return Corpus(ids, sorted(days), titles)


WORD = re.compile(r"[A-Za-z][A-Za-z0-9-]{2,}")


def search_queries(titles: list[str], count: int, rng: random.Random) -> list[str]:
    """Distinct 2–4 word fragments of real titles: realistic queries, and no two alike (no cache hits)."""
    queries: set[str] = set()
    for _ in range(count * 20):  # bounded: a tiny corpus just yields fewer queries
        if len(queries) >= count:
            break
        words = WORD.findall(rng.choice(titles))
        if len(words) < 2:
            continue
        size = rng.randint(2, min(4, len(words)))
        start = rng.randrange(len(words) - size + 1)
        queries.add(" ".join(words[start : start + size]).lower())
    return sorted(queries)


Line = tuple[str, str, str, str]  # method, path, token or "-", JSON body or "-"


def get(path: str) -> Line:
    return ("GET", path, "-", "-")


def signed_in_lines(ids: list[str], users: int, rng: random.Random, count: int) -> list[Line]:
    """Votes, unvotes, comments and signed-in paper views, spread over the bench's accounts."""
    lines: list[Line] = []
    for number in range(count):
        token = token_for(number % users)
        arxiv_id = rng.choice(ids)
        kind = rng.random()
        if kind < 0.35:
            lines.append(("POST", f"/api/papers/{arxiv_id}/vote", token, "-"))
        elif kind < 0.55:
            lines.append(("DELETE", f"/api/papers/{arxiv_id}/vote", token, "-"))
        elif kind < 0.75:
            body = json.dumps({"body": f"Load-bench comment {number}: does this hold at scale?"})
            lines.append(("POST", f"/api/papers/{arxiv_id}/comments", token, body))
        else:
            lines.append(("GET", f"/papers/{arxiv_id}", token, "-"))
    return lines


def scenario_lines(corpus: Corpus, users: int, queries: int, ids: int, seed: int) -> dict[str, list[Line]]:
    """One shuffled request list per scenario, each over many distinct targets. ``paper`` and ``api-paper``
    spread views evenly over every id (the worst case for a cache); the ``-popular`` variants draw them by a
    Zipf law, the way readers arrive when a feed is linked: a few papers most, a long tail some."""
    rng = random.Random(seed)
    sample_ids = rng.sample(corpus.arxiv_ids, min(ids, len(corpus.arxiv_ids)))
    weeks = sorted({f"{d.isocalendar().year}-W{d.isocalendar().week:02d}" for d in corpus.days})
    months = sorted({f"{d:%Y-%m}" for d in corpus.days})
    terms = [urllib.parse.quote_plus(q) for q in search_queries(corpus.titles, queries, rng)]
    lists: dict[str, list[Line]] = {
        "home": [get("/")],
        "day": [get(f"/papers/date/{d.isoformat()}") for d in corpus.days],
        "week": [get(f"/papers/week/{w}") for w in weeks],
        "month": [get(f"/papers/month/{m}") for m in months],
        "paper": [get(f"/papers/{i}") for i in sample_ids],
        "api-paper": [get(f"/api/papers/{i}") for i in sample_ids],
        "api-daily": [get(f"/api/daily_papers?date={d.isoformat()}") for d in corpus.days],
        # Halves with no query in common: a query remembered from one scenario is never asked in the other.
        "search-api": [get(f"/api/papers/search?q={t}") for t in terms[::2]],
        "search-page": [get(f"/search?q={t}") for t in terms[1::2]],
        "signed-in": signed_in_lines(sample_ids, users, rng, 2000),
    }
    popular = rng.choices(sample_ids, weights=[1 / (r + 1) ** ZIPF_S for r in range(len(sample_ids))], k=6000)
    lists["paper-popular"] = [get(f"/papers/{i}") for i in popular]
    lists["api-paper-popular"] = [get(f"/api/papers/{i}") for i in popular]
    for lines in lists.values():
        rng.shuffle(lines)
    lists["mix"] = mix_lines(lists, rng, 4000)
    lists["mix-popular"] = mix_lines(
        {**lists, "paper": lists["paper-popular"], "api-paper": lists["api-paper-popular"]}, rng, 4000
    )
    return lists


def mix_lines(lists: dict[str, list[Line]], rng: random.Random, count: int) -> list[Line]:
    """The page mix: draws from each scenario's list by MIX_WEIGHTS."""
    names = list(MIX_WEIGHTS)
    picks = rng.choices(names, weights=[MIX_WEIGHTS[n] for n in names], k=count)
    return [rng.choice(lists[name]) for name in picks]


def write_lines(folder: Path, lists: dict[str, list[Line]]) -> dict[str, Path]:
    folder.mkdir(parents=True, exist_ok=True)
    files = {}
    for name, lines in lists.items():
        files[name] = folder / f"{name}.tsv"
        files[name].write_text("".join("\t".join(line) + "\n" for line in lines))
    return files


# ------------------------------------------------------------------------------------------------ servers


@dataclass
class Server:
    """One server under test (paperboy or the reference): how to start it again, and its process."""

    label: str
    cmd: list[str]
    env: dict[str, str]
    port: int
    logfile: Path
    cwd: Path
    proc: subprocess.Popen | None = None

    @property
    def base(self) -> str:
        return f"http://{HOST}:{self.port}"

    def start(self) -> None:
        """A new session, so the uvicorn supervisor and its workers die together with killpg."""
        out = self.logfile.open("ab")  # a file, not a pipe: a full pipe would stall the server mid-bench
        self.proc = subprocess.Popen(
            self.cmd, env=self.env, cwd=self.cwd, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
        )
        out.close()

    def alive(self) -> bool:
        return self.proc is not None and self.proc.poll() is None

    def stop(self) -> None:
        """SIGTERM to the whole group, SIGKILL after 10 s: a deadlocked worker may never exit by itself."""
        if self.proc is None:
            return
        for sig, wait in ((signal.SIGTERM, 10.0), (signal.SIGKILL, 5.0)):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(self.proc.pid, sig)
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.proc.wait(timeout=wait)
                break
        with contextlib.suppress(ProcessLookupError):  # stragglers that outlived the supervisor
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc = None

    def rss(self) -> list[int]:
        """RSS in bytes of the supervisor and each worker (uvicorn forks workers; each has its own memory)."""
        if not self.alive() or self.proc is None:
            return []
        try:
            root = psutil.Process(self.proc.pid)
            return [p.memory_info().rss for p in [root, *root.children(recursive=True)]]
        except psutil.Error:
            return []


def wait_ready(server: Server, timeout: float) -> str:
    """Poll /readyz; without it (404), poll / and warm search and a paper page once. Returns how it knew."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not server.alive():
            raise RuntimeError(f"{server.label} exited while starting; see {server.logfile}")
        status, _ = http_get(server.base + "/readyz", 5)
        if status == 200:
            return "readyz"
        if status == 404:
            return wait_home(server, deadline)
        time.sleep(0.5)
    raise TimeoutError(f"{server.label} not ready after {timeout:.0f} s; see {server.logfile}")


def wait_home(server: Server, deadline: float) -> str:
    while time.monotonic() < deadline:
        status, _ = http_get(server.base + "/", 5)
        if status == 200:
            warm = max(5.0, deadline - time.monotonic())
            http_get(server.base + "/api/papers/search?q=language+models", warm)  # builds the keyword index
            http_get(server.base + "/search?q=diffusion", warm)
            return "home"
        time.sleep(0.5)
    raise TimeoutError(f"{server.label}: / never answered 200; see {server.logfile}")


def paperboy_server(label: str, env: dict[str, str], workers: int, port: int, folder: Path) -> Server:
    cmd = [str(PAPERBOY), "serve", "--host", HOST, "--port", str(port), "--workers", str(workers)]
    return Server(label, cmd, env, port, folder / "server.log", folder)


def reference_server(body: Path, workers: int, port: int, folder: Path) -> Server:
    folder.mkdir(parents=True, exist_ok=True)
    env = dict(os.environ, PAPERBOY_LOAD_REFERENCE_BODY=str(body))
    cmd = [sys.executable, str(REFERENCE_APP), "--host", HOST, "--port", str(port), "--workers", str(workers)]
    return Server(f"reference ×{workers}", cmd, env, port, folder / "server.log", folder)


def port_free(port: int) -> bool:
    import socket

    with socket.socket() as sock:
        return sock.connect_ex((HOST, port)) != 0


# ------------------------------------------------------------------------------------------------- wrk


@dataclass
class Point:
    """One measurement: a scenario at one concurrency against one server."""

    backend: str
    workers: int
    scenario: str
    conns: int
    rps: float = 0.0
    p50_ms: float | None = None
    p99_ms: float | None = None
    requests: int = 0
    non2xx: int = 0
    unanswered: int = 0
    code_503: int = 0
    codes: dict[str, int] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    rss_mib: list[float] = field(default_factory=list)
    ratio: float | None = None
    note: str = ""


def ensure_wrk(install: bool) -> str:
    """wrk from Debian's package; installed when missing if --install-wrk (we usually run as root)."""
    found = shutil.which("wrk")
    if found:
        return found
    if install:
        log("wrk missing: apt-get install -y wrk")
        subprocess.run(["apt-get", "update", "-qq"], check=False, timeout=600)
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=False, timeout=600)
        found = shutil.which("wrk")
    if not found:
        sys.exit(
            "wrk is not installed: run `apt-get update && apt-get install -y wrk` (or pass --install-wrk)"
        )
    return found


@dataclass
class WrkOptions:
    wrk: str
    threads: int
    timeout: float
    logfile: Path


def run_wrk(
    opts: WrkOptions, base: str, lines: Path, conns: int, seconds: float, start: int = 0
) -> dict | None:
    """One wrk run from ``start`` in the list; its LOADJSON line parsed, or None when wrk failed."""
    threads = max(1, min(opts.threads, conns))
    cmd = [
        opts.wrk,
        f"-t{threads}",
        f"-c{conns}",
        f"-d{seconds:g}s",
        f"--timeout={opts.timeout:g}s",
        "--latency",
        "-s",
        str(LUA),
        base,
        "--",
        str(lines),
        str(threads),
        str(start),
    ]
    try:
        result = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + opts.timeout + 60)
        output = result.stdout + result.stderr
    except subprocess.TimeoutExpired as exc:
        output = f"wrk killed after {exc.timeout:.0f} s\n"
    with opts.logfile.open("a") as out:
        out.write(f"\n$ {' '.join(cmd)}\n{output}")
    for line in output.splitlines():
        if line.startswith("LOADJSON "):
            return json.loads(line.removeprefix("LOADJSON "))
    return None


def fill_point(point: Point, data: dict | None) -> None:
    if data is None:
        point.note = "wrk gave no result (see wrk.log)"
        return
    seconds = max(data["duration_us"] / 1e6, 1e-9)
    point.requests = data["requests"]
    point.rps = data["requests"] / seconds
    if data["requests"]:
        point.p50_ms, point.p99_ms = data["p50_us"] / 1000, data["p99_us"] / 1000
    point.codes = {str(k): v for k, v in data["codes"].items()}
    point.non2xx = sum(v for k, v in point.codes.items() if not 200 <= int(k) < 400)
    point.code_503 = point.codes.get("503", 0)
    point.errors = {k: v for k, v in data["errors"].items() if k != "status"}
    point.unanswered = min(point.conns, data.get("unanswered", 0))  # wrk may call request() once more


# -------------------------------------------------------------------------------------------- the bench


@dataclass
class Plan:
    backends: list[str]
    scenarios: list[str]
    conns: list[int]
    seconds: float
    warmup: float
    ready_timeout: float
    max_restarts: int


def healthy(server: Server, budget: float = 30.0) -> bool:
    """After a point: does the server still answer a plain request? A deadlocked one never does; a merely
    busy one may first finish the requests wrk abandoned at the end of the point, hence the budget."""
    deadline = time.monotonic() + budget
    while server.alive() and time.monotonic() < deadline:
        status, _body = http_get(server.base + "/", 5)
        if status == 200:
            return True
        time.sleep(1)
    return False


def restart(server: Server, ready_timeout: float) -> None:
    log(f"{server.label}: not answering; killing and starting it again")
    server.stop()
    server.start()
    wait_ready(server, ready_timeout)


def measure(
    server: Server, plan: Plan, opts: WrkOptions, files: dict[str, Path], backend: str, workers: int
) -> list[Point]:
    """Every (scenario, concurrency) point against one running server; a wedged server is restarted."""
    points = []
    restarts = 0
    for scenario in plan.scenarios:
        start = 0  # each run goes on where the last one stopped: no search query is asked twice
        for conns in plan.conns:
            point = Point(backend, workers, scenario, conns)
            if restarts > plan.max_restarts:
                point.note = "skipped: too many restarts"
                points.append(point)
                continue
            if plan.warmup > 0:
                start += sent(run_wrk(opts, server.base, files[scenario], conns, plan.warmup, start))
            data = run_wrk(opts, server.base, files[scenario], conns, plan.seconds, start)
            start += sent(data)
            fill_point(point, data)
            point.rss_mib = [round(b / 2**20) for b in server.rss()]
            if point.requests == 0 and not point.note:
                point.note = "no answer at all during the point"
            checked = time.monotonic()
            if healthy(server):
                if time.monotonic() - checked > 5:
                    add_note(point, f"answered again {time.monotonic() - checked:.0f} s later")
            else:
                add_note(point, "server stopped answering: restarted")
                restarts += 1
                try:
                    restart(server, plan.ready_timeout)
                except (RuntimeError, TimeoutError) as exc:
                    log(f"{server.label} did not come back: {exc}")
                    restarts = plan.max_restarts + 1
            log(
                f"{backend} {scenario} c={conns}: {point.rps:.0f} req/s, p99 {point.p99_ms} ms, "
                f"non-2xx {point.non2xx}, errors {point.errors}, in flight {point.unanswered} {point.note}"
            )
            points.append(point)
    return points


def sent(data: dict | None) -> int:
    return int(data.get("attempted", data.get("requests", 0))) if data else 0


def add_note(point: Point, note: str) -> None:
    point.note = f"{point.note}; {note}" if point.note else note


@contextlib.contextmanager
def serving(server: Server, ready_timeout: float) -> Iterator[str]:
    """Start, wait until ready, and always stop (error, Ctrl-C) the server."""
    if not port_free(server.port):
        raise RuntimeError(f"port {server.port} is taken; pass another --port")
    log(f"starting {server.label} on {server.base} (log: {server.logfile})")
    try:
        server.start()
        how = wait_ready(server, ready_timeout)
        log(f"{server.label} ready ({how})")
        yield how
    finally:
        server.stop()


def head_revision(paths: Paths) -> str:
    """The schema revision the code under test needs (it names the cached, migrated corpora)."""
    code = "from paperboy.store.migrate import head_revision; print(head_revision())"
    env = paths.env("sqlite://", paths.workdir / "unused-index")
    found = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=120, check=True
    )
    return found.stdout.strip()


def migrated_corpus(paths: Paths, kind: str, admin_url: str) -> str:
    """The prepared corpus at the code's schema with its similar papers stored, made once per schema.

    A deployment stores similar papers when papers are embedded (``paperboy embed``, the index writer), so a
    server in steady state reads them; computing them here once keeps every run measuring that state
    instead of a first view of each paper. Returns a SQLite path or a PostgreSQL template database.
    """
    revision = head_revision(paths)
    folder = paths.workdir / "migrated"
    folder.mkdir(parents=True, exist_ok=True)
    marker = folder / f"{kind}-{revision}.done"
    if kind == "sqlite":
        target = folder / f"paperboy-{revision}.db"
        url = f"sqlite:///{target}"
        source = str(target)
    else:
        source = f"{PREPARED_PG}_{revision}"
        url = pg_url(admin_url, source)
    if marker.exists():
        return source
    log(f"migrating the {kind} corpus to {revision} and storing similar papers (once per schema; minutes)")
    if kind == "sqlite":
        shutil.copyfile(paths.sqlite_db, target)
    else:
        pg_recreate(admin_url, source, template=PREPARED_PG)
    env = paths.env(url, folder / f"index-{kind}")
    logfile = folder / f"{kind}-{revision}.log"
    run([str(PAPERBOY), "migrate"], env, 600, logfile)
    if subprocess.run(
        [str(PAPERBOY), "embed", "--help"], env=env, capture_output=True, text=True
    ).stdout.count("--similar"):
        run([str(PAPERBOY), "embed"], env, 3600, logfile)
    marker.write_text(revision)
    return source


def backend_database(paths: Paths, kind: str, admin_url: str, folder: Path) -> str:
    """A fresh copy of the migrated corpus for one backend, so each starts from the same data."""
    folder.mkdir(parents=True, exist_ok=True)
    source = migrated_corpus(paths, kind, admin_url)
    if kind == "sqlite":
        target = folder / "paperboy.db"
        shutil.copyfile(source, target)
        url = f"sqlite:///{target}"
    else:
        pg_recreate(admin_url, RUN_PG, template=source)
        url = pg_url(admin_url, RUN_PG)
    run([str(PAPERBOY), "migrate"], paths.env(url, folder / "index"), 600, folder / "migrate.log")
    return url


def bench_backend(
    name: str,
    paths: Paths,
    plan: Plan,
    opts: WrkOptions,
    files: dict[str, Path],
    admin_url: str,
    port: int,
    home: Path,
) -> list[Point]:
    """One backend: fresh data, a server, every point; saves the home-page bytes for the reference."""
    kind, workers = BACKENDS[name]
    folder = paths.run / name
    url = backend_database(paths, kind, admin_url, folder)
    env = paths.env(url, folder / "index")
    server = paperboy_server(f"paperboy {name} ×{workers}", env, workers, port, folder)
    with serving(server, plan.ready_timeout):
        if not home.exists():
            status, body = http_get(server.base + "/", 30)
            if status != 200 or not body:
                raise RuntimeError(f"could not fetch / for the reference (status {status})")
            home.write_bytes(body)
        return measure(server, plan, opts, files, name, workers)


def bench_reference(
    workers: int, paths: Paths, plan: Plan, opts: WrkOptions, port: int, home: Path
) -> list[Point]:
    folder = paths.run / f"reference-{workers}"
    folder.mkdir(parents=True, exist_ok=True)
    lines = folder / "reference.tsv"
    lines.write_text("GET\t/\t-\t-\n")
    server = reference_server(home, workers, port, folder)
    ref_plan = Plan(
        ["reference"], ["reference"], plan.conns, plan.seconds, plan.warmup, plan.ready_timeout, 2
    )
    with serving(server, plan.ready_timeout):
        return measure(server, ref_plan, opts, {"reference": lines}, "reference", workers)


def add_ratios(points: list[Point]) -> None:
    """paperboy req/s over the reference's at the same concurrency and worker count."""
    reference = {(p.workers, p.conns): p.rps for p in points if p.backend == "reference"}
    for point in points:
        base = reference.get((point.workers, point.conns))
        if base:
            point.ratio = point.rps / base


# ------------------------------------------------------------------------------------------------- report


def fmt_ms(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:,.0f}" if value >= 100 else f"{value:.1f}"


def table(points: list[Point], opts: WrkOptions, plan: Plan) -> str:
    head = (
        f"wrk {opts.threads} threads, {plan.seconds:g} s per point after {plan.warmup:g} s warm-up, "
        f"timeout {opts.timeout:g} s. Errors: socket connect/read/write/timeout (wrk counts a timeout only "
        "when the late answer arrives). In flight: requests sent and not answered when the point ended, at "
        "most conns; all of them at 0 req/s is a deadlock. RSS: each process of the server, parent first, "
        "MiB, after the point.\n\n"
        "| backend | scenario | conns | req/s | × ref | p50 ms | p99 ms | non-2xx (503) | errors c/r/w/t "
        "| in flight | RSS MiB | note |\n|" + " --- |" * 12 + "\n"
    )
    rows = []
    for p in points:
        backend = f"{p.backend} ×{p.workers}"
        ratio = f"{p.ratio:.3f}" if p.ratio is not None else "–"
        e = p.errors
        errors = (
            f"{e.get('connect', 0)}/{e.get('read', 0)}/{e.get('write', 0)}/{e.get('timeout', 0)}"
            if e
            else "–"
        )
        rss = "+".join(str(int(r)) for r in p.rss_mib) or "–"
        rps = f"{p.rps:,.0f}" if p.rps >= 10 else f"{p.rps:.1f}"
        rows.append(
            f"| {backend} | {p.scenario} | {p.conns} | {rps} | {ratio} | {fmt_ms(p.p50_ms)} | "
            f"{fmt_ms(p.p99_ms)} | {p.non2xx:,} ({p.code_503:,}) | {errors} | {p.unanswered:,} | {rss} "
            f"| {p.note} |"
        )
    return head + "\n".join(rows) + "\n"


# ------------------------------------------------------------------------------------------------- main


def csv(kind: Callable[[str], object], allowed: tuple[str, ...] | None = None) -> Callable[[str], list]:
    """argparse type for comma-separated lists, checked against the allowed names."""

    def parse(text: str) -> list:
        items = [kind(part.strip()) for part in text.split(",") if part.strip()]
        if allowed is not None:
            if items == ["all"]:
                return list(allowed)
            unknown = [i for i in items if i not in allowed]
            if unknown:
                raise argparse.ArgumentTypeError(
                    f"unknown {unknown}; choose from {', '.join(allowed)} or all"
                )
        return items

    return parse


class Help(argparse.ArgumentDefaultsHelpFormatter):
    """Shows defaults, except where the default is computed (None)."""

    def _get_help_string(self, action: argparse.Action) -> str | None:
        return action.help if action.default is None else super()._get_help_string(action)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Concurrency benchmark of paperboy with wrk, against a bare Starlette reference.",
        formatter_class=Help,
    )
    parser.add_argument(
        "--backend",
        type=csv(str, tuple(BACKENDS)),
        default=list(BACKENDS),
        help="sqlite (1 worker), pg (1 worker), pg2 (2 workers), comma-separated, or all",
    )
    parser.add_argument(
        "--scenarios",
        type=csv(str, SCENARIOS),
        default=list(SCENARIOS),
        help=f"comma-separated, or all: {', '.join(SCENARIOS)}",
    )
    parser.add_argument("--conns", type=csv(int), default=[16, 64, 256], help="concurrent connections")
    parser.add_argument("--seconds", type=float, default=10.0, help="measured seconds per point")
    parser.add_argument("--warmup", type=float, default=2.0, help="unmeasured seconds before each point")
    parser.add_argument(
        "--timeout",
        type=float,
        help="wrk: seconds before a request counts as timed out (default: 80 %% of --seconds, at most 10: "
        "wrk stops at the end of a point, so a longer timeout could never be counted)",
    )
    parser.add_argument("--wrk-threads", type=int, default=2, help="wrk's own threads")
    parser.add_argument("--no-reference", action="store_true", help="skip the reference server (no ratios)")
    parser.add_argument(
        "--workdir",
        type=Path,
        default=Path("/tmp/paperboy-load"),
        help="cache of prepared databases, and one folder per run",
    )
    parser.add_argument(
        "--rev", help="measure this git commit (exported with git archive) instead of the working tree"
    )
    parser.add_argument("--rebuild", action="store_true", help="prepare the cached databases again")
    parser.add_argument("--data-dir", type=Path, default=DEFAULT_DATA, help="saved Hugging Face day files")
    parser.add_argument(
        "--pg",
        default="postgresql+psycopg://postgres@127.0.0.1:5432",
        help="PostgreSQL server URL without database (the bench creates its own)",
    )
    parser.add_argument("--port", type=int, default=18080, help="port of the servers under test (loopback)")
    parser.add_argument("--users", type=int, default=32, help="signed-in accounts with API tokens")
    parser.add_argument(
        "--queries", type=int, default=20000, help="distinct search queries (none is asked twice in a run)"
    )
    parser.add_argument("--ids", type=int, default=3000, help="distinct papers for paper pages and API")
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument(
        "--ready-timeout", type=float, default=180.0, help="seconds a server may take to start"
    )
    parser.add_argument(
        "--max-restarts", type=int, default=6, help="per backend, then its points are skipped"
    )
    parser.add_argument("--install-wrk", action="store_true", help="apt-get install wrk when missing")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    if args.timeout is None:
        args.timeout = min(10.0, max(1.0, float(int(args.seconds * 0.8))))  # wrk takes whole seconds
    elif args.timeout >= args.seconds:
        log("note: --timeout ≥ --seconds: wrk ends a point before it can count a request as timed out")
    opts_wrk = ensure_wrk(args.install_wrk)
    paths = Paths(args.workdir, export_rev(args.workdir, args.rev) if args.rev else None)
    if paths.src is not None:
        log(f"benchmarking {args.rev} from {paths.src}")
    plan = Plan(
        args.backend,
        args.scenarios,
        args.conns,
        args.seconds,
        args.warmup,
        args.ready_timeout,
        args.max_restarts,
    )
    opts = WrkOptions(opts_wrk, args.wrk_threads, args.timeout, paths.run / "wrk.log")
    began = time.monotonic()
    prepare_sqlite(paths, args.data_dir, args.users, args.rebuild)
    if any(BACKENDS[b][0] == "pg" for b in plan.backends):
        prepare_pg(paths, args.pg, args.data_dir, args.users, args.rebuild)
    corpus = read_corpus(paths.sqlite_db)
    lists = scenario_lines(corpus, args.users, args.queries, args.ids, args.seed)
    files = write_lines(paths.run / "requests", lists)
    log(", ".join(f"{name}: {len(set(lists[name]))} distinct requests" for name in plan.scenarios))
    home = paths.run / "home.html"
    load_before = os.getloadavg()[0]
    points: list[Point] = []
    for name in plan.backends:
        try:
            points += bench_backend(name, paths, plan, opts, files, args.pg, args.port, home)
        except (RuntimeError, TimeoutError, subprocess.SubprocessError) as exc:
            log(f"{name}: {exc}")  # one broken backend should not cost the others their figures
            points.append(Point(name, BACKENDS[name][1], "-", 0, note=f"failed: {str(exc)[:120]}"))
    if not args.no_reference and home.exists():
        for workers in sorted({BACKENDS[b][1] for b in plan.backends}):
            points += bench_reference(workers, paths, plan, opts, args.port, home)
    add_ratios(points)
    load = f"load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after"
    results = {
        "args": {k: str(v) for k, v in vars(args).items()},
        "load": load,
        "points": [asdict(p) for p in points],
    }
    (paths.run / "results.json").write_text(json.dumps(results, indent=1))
    print(table(points, opts, plan) + f"\n{load} (1-minute, this machine's 2 cores are shared).")
    log(f"done in {time.monotonic() - began:.0f} s; logs and JSON in {paths.run}")


if __name__ == "__main__":
    try:
        main()
    except KeyboardInterrupt:  # servers were already stopped by the `serving` context managers
        sys.exit(130)
