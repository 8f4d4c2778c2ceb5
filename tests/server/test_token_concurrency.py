"""One API token used by a script firing in parallel at a real ``paperboy serve``: no 5xx, every vote counted.

SQLite once failed here ("database is locked") because the token lookup read and then wrote ``last_used_at``
in one deferred transaction; the lookup is now read-only and the touch its own statement, at most once a
minute. A real process (its own thread pool and connection pool) is what an operator's script meets.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from paperboy.store.schema import api_tokens
from tests.server.conftest import LoadedDatabase, ServerProcess

pytestmark = pytest.mark.timeout(240)

CLIENTS = 8  # parallel connections
EACH = 10  # requests per connection per round


def _cli(env: dict[str, str], cwd: Path, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "paperboy", *args],
        env=env,
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _parallel(url: str, token: str, jobs: list[list[tuple[str, str]]]) -> list[tuple[str, str, int, str]]:
    """Each inner list is one connection's requests, sent one after another; connections start together."""
    gate = threading.Barrier(len(jobs))
    results: list[tuple[str, str, int, str]] = []
    lock = threading.Lock()

    def run(calls: list[tuple[str, str]]) -> None:
        headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        with httpx.Client(base_url=url, headers=headers, timeout=60, trust_env=False) as client:
            gate.wait()
            for method, path in calls:
                answer = client.request(method, path)
                with lock:
                    results.append((method, path, answer.status_code, answer.text[:200]))

    threads = [threading.Thread(target=run, args=(calls,)) for calls in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def test_parallel_requests_and_upvotes_with_one_token(
    loaded_database: LoadedDatabase, tmp_path: Path
) -> None:
    server = ServerProcess(loaded_database.url, tmp_path / "server")
    server.env["PAPERBOY_VOTE_LIMIT"] = "1000"  # the per-user vote limit has its own tests
    env = {**server.env, "PAPERBOY_NEW_USER_PASSWORD": "correct horse battery"}
    user = f"script{os.getpid()}"
    _cli(env, server.workdir, "users", "create", user, f"{user}@example.org")
    token = _cli(env, server.workdir, "users", "token", user, "--name", "load script").strip()
    try:
        server.start()
        server.wait_ready()
        papers = [p.arxiv_id for p in loaded_database.papers[: CLIENTS * EACH]]
        day = next(iter(loaded_database.days))
        paper_call = lambda c, n: ("GET", f"/api/papers/{papers[c * EACH + n]}")  # noqa: E731
        day_call = ("GET", f"/api/daily_papers?date={day}")
        reads = [[paper_call(c, n) if n % 2 else day_call for n in range(EACH)] for c in range(CLIENTS)]
        votes = [
            [("POST", f"/api/papers/{papers[c * EACH + n]}/vote") for n in range(EACH)]
            for c in range(CLIENTS)
        ]
        unvotes = [[("DELETE", path) for _, path in calls[: EACH // 2]] for calls in votes]
        for name, jobs in (("reads", reads), ("upvotes", votes), ("removals", unvotes)):
            results = _parallel(server.url, token, jobs)
            expected = sum(len(calls) for calls in jobs)
            failed = [r for r in results if r[2] != 200]
            assert len(results) == expected and not failed, server.explain(f"{name}: {failed[:5]}")
        with httpx.Client(base_url=server.url, trust_env=False, timeout=30) as client:
            counts = {p: client.get(f"/api/papers/{p}").json()["localUpvotes"] for p in papers}
        kept = {path.split("/")[3] for calls in votes for _, path in calls[EACH // 2 :]}
        assert counts == {p: int(p in kept) for p in papers}
    finally:
        server.kill()
    engine = sa.create_engine(loaded_database.url)
    with engine.connect() as conn:
        used = conn.execute(
            sa.select(api_tokens.c.last_used_at).where(api_tokens.c.name == "load script")
        ).scalar()
    engine.dispose()
    assert used is not None, "the token's last use is still recorded"
