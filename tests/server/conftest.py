"""A real ``paperboy serve`` process over a real slice of Hugging Face days, on SQLite and PostgreSQL.

In-process test clients share the test's thread pool, event loop and engine, so they cannot show what an
operator sees: a pool that deadlocks under a burst, a process that ignores SIGTERM, a port that stops
answering. These fixtures build the database the way an operator would (``paperboy migrate`` then
``paperboy ingest hf --dir``), start the server as its own process group, and always kill that group.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.conftest import HF_DAILY, backend_database, free_port

SLICE_DAYS = 45  # about 900 papers: enough for varied pages and searches, loads in about two seconds
CLI_TIMEOUT = 60.0  # seconds for `paperboy migrate` / `paperboy ingest`
READY_TIMEOUT = 60.0  # seconds from spawn until /readyz answers 200
READY_PATH = "/readyz"
TAIL_LINES = 40


@dataclass(frozen=True)
class PaperRef:
    arxiv_id: str
    title: str
    day: str


@dataclass(frozen=True)
class LoadedDatabase:
    """A migrated database holding the slice, and what the slice holds (read from the day files)."""

    backend: str
    url: str
    days: dict[str, list[PaperRef]]  # day -> the papers Hugging Face featured that day, in file order

    @property
    def papers(self) -> list[PaperRef]:
        """Every paper of the slice once (a few papers are featured on two days)."""
        return list({paper.arxiv_id: paper for day in self.days.values() for paper in day}.values())


def paperboy_env(database_url: str, index_dir: Path) -> dict[str, str]:
    """The caller's environment without any PAPERBOY_* it may carry, plus this database and index folder."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PAPERBOY_")}
    env.update(
        PAPERBOY_DATABASE_URL=database_url,
        PAPERBOY_SEARCH_INDEX_DIR=str(index_dir),
        # Embedding hundreds of papers in the background would compete with the requests under test.
        PAPERBOY_SEARCH_EMBED_BACKGROUND="false",
        PYTHONUNBUFFERED="1",
    )
    return env


def run_cli(args: list[str], env: dict[str, str], cwd: Path) -> None:
    """Run one ``paperboy`` command to completion (bounded), failing the test with its output if it fails."""
    command = [sys.executable, "-m", "paperboy", *args]
    try:
        done = subprocess.run(
            command, env=env, cwd=cwd, capture_output=True, text=True, timeout=CLI_TIMEOUT, check=False
        )
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"`paperboy {' '.join(args)}` took over {CLI_TIMEOUT:.0f} s: {exc.stderr!r}")
    if done.returncode != 0:
        pytest.fail(f"`paperboy {' '.join(args)}` exited {done.returncode}:\n{done.stdout}\n{done.stderr}")


def link_day_slice(folder: Path, count: int = SLICE_DAYS) -> list[str]:
    """Symlink the newest ``count`` day files into ``folder`` (the shared data is read, never copied)."""
    folder.mkdir(parents=True, exist_ok=True)
    files = sorted(HF_DAILY.glob("????-??-??.json"))[-count:]
    for path in files:
        (folder / path.name).symlink_to(path)
    return [path.stem for path in files]


def papers_of(days: list[str]) -> dict[str, list[PaperRef]]:
    """The papers featured on each of ``days``, as Hugging Face served them."""
    return {
        day: [
            PaperRef(entry["paper"]["id"], entry["paper"]["title"], day)
            for entry in json.loads((HF_DAILY / f"{day}.json").read_text())
        ]
        for day in days
    }


@pytest.fixture(scope="module", params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def loaded_database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[LoadedDatabase]:
    """The newest days loaded with the operator's own commands, once per module and backend (read only)."""
    tmp = tmp_path_factory.mktemp(f"db-{request.param}")
    with backend_database(request.param, tmp) as url:
        days = link_day_slice(tmp / "days")
        env = paperboy_env(url, tmp / "cli-index")
        run_cli(["migrate"], env, tmp)
        run_cli(["ingest", "hf", "--dir", str(tmp / "days")], env, tmp)
        yield LoadedDatabase(request.param, url, papers_of(days))


class ServerProcess:
    """``paperboy serve`` in its own process group, its output in a file, ready once /readyz says 200."""

    def __init__(self, database_url: str, workdir: Path) -> None:
        workdir.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = workdir / "server.log"
        self.env = paperboy_env(database_url, workdir / "search-index")
        self.workdir = workdir
        self.args: list[str] = []  # extra ``serve`` options
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int:
        assert self.process is not None, "server not started"
        return self.process.pid

    def start(self) -> ServerProcess:
        command = [sys.executable, "-m", "paperboy", "serve", "--host", "127.0.0.1", "--port", str(self.port)]
        with self.log.open("wb") as out:
            # A new session makes the server its own process group, so teardown can kill all of it.
            self.process = subprocess.Popen(
                [*command, *self.args],
                env=self.env,
                cwd=self.workdir,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        return self

    def tail(self, lines: int = TAIL_LINES) -> str:
        """The last lines the server wrote, for failure messages."""
        try:
            text = self.log.read_text(errors="replace")
        except FileNotFoundError:
            return "(no server log)"
        return "\n".join(text.splitlines()[-lines:])

    def explain(self, problem: str) -> str:
        return f"{problem}\n--- last {TAIL_LINES} lines of {self.log} ---\n{self.tail()}"

    def wait_ready(self, timeout: float = READY_TIMEOUT) -> float:
        """Poll /readyz until 200; returns the seconds it took. 503 means "not yet"; 404 means no such
        endpoint, which fails at once rather than after the whole timeout."""
        assert self.process is not None, "server not started"
        started = time.monotonic()
        deadline = started + timeout
        last = "no answer yet"
        with httpx.Client(base_url=self.url, timeout=2.0, trust_env=False) as client:
            while time.monotonic() < deadline:
                if self.process.poll() is not None:
                    pytest.fail(self.explain(f"server exited with {self.process.returncode} before ready"))
                try:
                    answer = client.get(READY_PATH)
                except httpx.TransportError as exc:
                    last = f"{type(exc).__name__}: {exc}"
                else:
                    if answer.status_code == 200:
                        return time.monotonic() - started
                    if answer.status_code == 404:
                        pytest.fail(
                            self.explain(f"GET {READY_PATH} is 404: the server has no readiness check")
                        )
                    last = f"HTTP {answer.status_code}"
                time.sleep(0.1)
        pytest.fail(self.explain(f"GET {READY_PATH} not 200 within {timeout:.0f} s (last: {last})"))

    def kill(self) -> None:
        """SIGKILL the whole group (the server and anything it started); harmless if already gone."""
        if self.process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.killpg(self.process.pid, signal.SIGKILL)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.process.wait(timeout=10)


@pytest.fixture
def start_server(tmp_path: Path) -> Iterator[Callable[[LoadedDatabase], ServerProcess]]:
    """Start servers (each on a free port with a private index folder); every one is killed afterwards."""
    servers: list[ServerProcess] = []

    def start(database: LoadedDatabase, **env: str) -> ServerProcess:
        server = ServerProcess(database.url, tmp_path / f"server-{len(servers)}")
        server.env.update(env)  # PAPERBOY_* settings of this server only
        servers.append(server)
        return server.start()

    yield start
    for server in servers:
        server.kill()
