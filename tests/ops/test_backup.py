"""Backups taken and restored with the commands docs/deploy.md gives, on SQLite and PostgreSQL.

A backup is only as good as its restore: the test fills a database the way a site fills up (an ingest, an
account, an upvote, a comment), backs it up (SQLite ``.backup``; ``pg_dump --format=custom``), restores it
into a new database (SQLite ``.restore``; ``pg_restore`` into a fresh PostgreSQL database), and checks that
every row came back, that the reader can still sign in, and that a server started on the copy shows the vote
and the comment.
"""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import make_url

from paperboy.auth.passwords import verify_password
from paperboy.store import accounts, comments, votes
from paperboy.store.engine import create_engine
from paperboy.store.schema import papers
from tests.conftest import make_postgres_database
from tests.ops.conftest import StartServer
from tests.server.conftest import link_day_slice, paperboy_env, run_cli

pytestmark = pytest.mark.timeout(180)
TABLES = ("papers", "daily_entries", "users", "votes", "comments", "paper_authors", "ingest_checkpoints")
PASSWORD = "correct horse battery staple"
COMMENT = "The ablation in section 4 answers my question from last week."


def tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"`{name}` is needed to test backups (apt-get install sqlite3 / postgresql-client)")
    return found


def libpq(url: str) -> str:
    """The SQLAlchemy URL as pg_dump and pg_restore take it."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


def run(command: list[str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, f"{' '.join(command)} exited {done.returncode}: {done.stderr}"


def counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return {t: conn.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar_one() for t in TABLES}
    finally:
        engine.dispose()


def fill(url: str, tmp: Path) -> str:
    """A site's life in miniature; returns the arXiv id of the paper that got the vote and the comment."""
    env = paperboy_env(url, tmp / "index")
    run_cli(["migrate"], env, tmp)
    run_cli(["ingest", "hf", "--dir", str(tmp / "days")], env, tmp)
    run_cli(["users", "create", "alice", "alice@example.org", "--password", PASSWORD], env, tmp)
    engine = create_engine(url)
    try:
        with engine.begin() as conn:
            paper_id, arxiv_id = conn.execute(sa.select(papers.c.id, papers.c.arxiv_id).limit(1)).one()
            alice = accounts.by_username(conn, "alice")
            assert alice is not None
            votes.set_vote(conn, alice.id, paper_id, True)
            comments.add(conn, paper_id, alice.id, COMMENT, None)
    finally:
        engine.dispose()
    return arxiv_id


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[str, Callable[[], str]]]:
    """(source url, backup-and-restore): the restore function returns the url of the restored copy."""
    link_day_slice(tmp_path / "days", count=5)
    drops: list[Callable[[], None]] = []
    if request.param == "sqlite":
        source = f"sqlite:///{tmp_path / 'paperboy.db'}"

        def restore() -> str:
            sqlite3 = tool("sqlite3")
            run([sqlite3, str(tmp_path / "paperboy.db"), f".backup '{tmp_path / 'backup.db'}'"])
            run([sqlite3, str(tmp_path / "restored.db"), f".restore '{tmp_path / 'backup.db'}'"])
            return f"sqlite:///{tmp_path / 'restored.db'}"
    else:
        source, drop = make_postgres_database()
        drops.append(drop)

        def restore() -> str:
            dump = tmp_path / "paperboy.dump"
            run([tool("pg_dump"), "--format=custom", "--no-owner", f"--file={dump}", libpq(source)])
            target, drop_target = make_postgres_database()
            drops.append(drop_target)
            run([tool("pg_restore"), "--no-owner", "--exit-on-error", f"--dbname={libpq(target)}", str(dump)])
            return target

    try:
        yield source, restore
    finally:
        for drop in drops:
            drop()


def test_restored_backup_serves_the_same_site(
    backend: tuple[str, Callable[[], str]], serve: StartServer, tmp_path: Path
) -> None:
    source, backup_and_restore = backend
    arxiv_id = fill(source, tmp_path)
    before = counts(source)
    restored = backup_and_restore()

    assert counts(restored) == before
    assert before["votes"] == 1 and before["comments"] == 1 and before["papers"] > 50
    engine = create_engine(restored)
    try:
        with engine.connect() as conn:
            alice = accounts.by_login(conn, "alice@example.org")
    finally:
        engine.dispose()
    assert alice is not None and verify_password(alice.password_hash, PASSWORD)[0]

    server = serve(restored)
    with httpx.Client(base_url=server.url, timeout=15, trust_env=False) as client:
        paper = client.get(f"/api/papers/{arxiv_id}").json()
        thread = client.get(f"/api/papers/{arxiv_id}/comments")
        page = client.get(f"/papers/{arxiv_id}")
    assert paper["localUpvotes"] == 1 and paper["numComments"] >= 1
    assert COMMENT in thread.text and "alice" in thread.text
    assert page.status_code == 200 and "section 4" in page.text
