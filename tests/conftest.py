"""Layered fixtures: shared data → database (SQLite and PostgreSQL) → loaded store → app → live server."""

from __future__ import annotations

import os
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import sqlalchemy as sa
import uvicorn
from sqlalchemy.engine import Engine

from paperboy.config import Settings
from paperboy.store.engine import create_engine
from paperboy.store.migrate import upgrade
from tests.conftest_data import FIXTURES, HF_DAILY, SHARED_DATA

__all__ = ["FIXTURES", "HF_DAILY", "SHARED_DATA"]  # imported from here by many tests

# Session apps must not embed thousands of papers in the background (search tests embed their own).
os.environ.setdefault("PAPERBOY_SEARCH_EMBED_BACKGROUND", "false")
# One secret for the whole run, so no test writes a generated secret file into the working folder
# (tests/auth/test_site_secret.py unsets it to test that path).
os.environ.setdefault("PAPERBOY_SECRET_KEY", "test-secret-" + uuid.uuid4().hex)
# No test reaches the internet: a test that forgets to point the arXiv client at a local replay server meets
# a closed local port instead of export.arxiv.org.
os.environ.setdefault("PAPERBOY_ARXIV_API_URL", "http://127.0.0.1:9/api/query")
# Nor do pictures: the worker copies none unless a test asks (tests/media serves pictures locally).
os.environ.setdefault("PAPERBOY_WORKER_IMAGES", "0")
PG_ADMIN_URL = os.environ.get("PAPERBOY_TEST_PG_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def _postgres_available() -> str | None:
    try:
        engine = sa.create_engine(PG_ADMIN_URL)
        with engine.connect():
            pass
        engine.dispose()
        return None
    except Exception as exc:  # noqa: BLE001 - any failure means "not reachable"
        return str(exc).splitlines()[0]


def _require_postgres() -> None:
    problem = _postgres_available()
    if problem is None:
        return
    if os.environ.get("CI"):
        pytest.fail(f"PostgreSQL must be reachable in CI: {problem}")
    pytest.skip(f"PostgreSQL not reachable: {problem}")


def make_postgres_database() -> tuple[str, callable]:
    """A fresh database per use, so tests never see each other's rows; returns (url, drop)."""
    _require_postgres()
    name = f"paperboy_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(PG_ADMIN_URL, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
    url = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + name

    def drop() -> None:
        with admin.connect() as conn:
            conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()

    return url, drop


@contextmanager
def backend_database(backend: str, folder: Path) -> Iterator[str]:
    """An empty database URL on ``backend``: a SQLite file in ``folder``, or a fresh PostgreSQL database
    that is dropped afterwards."""
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'paperboy.db'}"
        return
    url, drop = make_postgres_database()
    try:
        yield url
    finally:
        drop()


@contextmanager
def migrated_engine(backend: str, folder: Path) -> Iterator[Engine]:
    """A migrated, empty database on ``backend`` (``backend_database``), disposed of and dropped after."""
    with backend_database(backend, folder) as url:
        eng = create_engine(url)
        upgrade(eng)
        try:
            yield eng
        finally:
            eng.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database URL on each backend (schema not yet created)."""
    with backend_database(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    """A migrated, empty database on each backend."""
    eng = create_engine(db_url)
    upgrade(eng)
    yield eng
    eng.dispose()


def load_hf_daily(eng: Engine, directory: Path = HF_DAILY) -> None:
    from paperboy.ingest import hf_daily
    from paperboy.ingest.runner import run
    from paperboy.store.ingest_sink import checkpoints

    source = f"hf-dir:{directory}"
    done = checkpoints(eng, source)
    run(
        eng,
        source,
        hf_daily.read_directory(hf_daily.day_files(directory), source, done.__contains__),
        "test load",
        interactive=False,
    )


@pytest.fixture(scope="session")
def loaded_db_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    """A SQLite database holding all 558 real days, built once per test session (read-only by convention)."""
    url = f"sqlite:///{tmp_path_factory.mktemp('loaded') / 'paperboy.db'}"
    eng = create_engine(url)
    upgrade(eng)
    load_hf_daily(eng)
    eng.dispose()
    return url


@pytest.fixture(scope="session")
def loaded_engine(loaded_db_url: str) -> Iterator[Engine]:
    eng = create_engine(loaded_db_url)
    yield eng
    eng.dispose()


def make_settings(database_url: str, **overrides: object) -> Settings:
    return Settings(database_url=database_url, **overrides)


@pytest.fixture(scope="session")
def app(loaded_db_url: str, loaded_engine: Engine):  # type: ignore[no-untyped-def]
    from paperboy.server import create_app

    return create_app(make_settings(loaded_db_url), engine=loaded_engine)


@pytest.fixture(scope="session")
def client(app):  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    with TestClient(app) as test_client:
        wait_ready(test_client)
        yield test_client


def wait_ready(client, seconds: float = 120) -> None:  # type: ignore[no-untyped-def]
    """What a load balancer does: send readers only once ``/readyz`` says the indexes are loaded."""
    deadline = time.monotonic() + seconds
    while client.get("/readyz").status_code != 200:
        if time.monotonic() > deadline:
            raise RuntimeError(f"not ready after {seconds} s: {client.get('/readyz').text}")
        time.sleep(0.05)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveServer:
    """uvicorn serving an app on 127.0.0.1 in a background thread: real HTTP for real clients."""

    def __init__(self, app) -> None:  # type: ignore[no-untyped-def]
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        config = uvicorn.Config(app, host="127.0.0.1", port=self.port, log_level="warning", lifespan="off")
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> LiveServer:
        self.thread.start()
        deadline = time.monotonic() + 15
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("live server did not start")
            time.sleep(0.02)
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture(scope="session")
def live_server(app) -> Iterator[LiveServer]:  # type: ignore[no-untyped-def]
    with LiveServer(app) as server:
        yield server
