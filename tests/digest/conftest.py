"""Digest fixtures: a database holding a real week of papers, subscribers, and a real SMTP server."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from paperboy.config import Settings
from paperboy.store.schema import subscriptions
from tests.conftest import HF_DAILY, load_hf_daily
from tests.digest.smtp_server import Handler, SmtpServer, make_certificate

WEEK = ["2025-09-22", "2025-09-23", "2025-09-24", "2025-09-25", "2025-09-26"]
FRIDAY_MORNING = datetime(2025, 9, 26, 9, 30, tzinfo=UTC)


@pytest.fixture
def papers_engine(engine: Engine, tmp_path: Path) -> Engine:
    """The migrated database of ``engine`` with the real papers of one week (Sep 22–26, 2025)."""
    directory = tmp_path / "days"
    directory.mkdir()
    for day in WEEK:
        (directory / f"{day}.json").write_bytes((HF_DAILY / f"{day}.json").read_bytes())
    load_hf_daily(engine, directory)
    return engine


def add_subscribers(
    engine: Engine, count: int, frequency: str = "daily", prefix: str = "reader", **values: object
) -> list[int]:
    rows = [
        {
            "email": f"{prefix}{n}@example.org",
            "token": secrets.token_urlsafe(24),
            "status": "active",
            "frequency": frequency,
            "timezone": "UTC",
            "hour": 8,
            **values,
        }
        for n in range(count)
    ]
    with engine.begin() as conn:
        conn.execute(sa.insert(subscriptions), rows)
        found = conn.execute(sa.select(subscriptions.c.id).where(subscriptions.c.email.like(f"{prefix}%")))
        return [i for (i,) in found]


@pytest.fixture(scope="session")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path] | None:
    return make_certificate(tmp_path_factory.mktemp("tls"))


@pytest.fixture
def smtp(certificate) -> Iterator[SmtpServer]:  # type: ignore[no-untyped-def]
    with SmtpServer(Handler(), certificate) as server:
        yield server


def digest_settings(engine: Engine, server: SmtpServer | None = None, **overrides: object) -> Settings:
    values: dict = {
        "database_url": str(engine.url.render_as_string(hide_password=False)),
        "base_url": "https://papers.example.org",
        "digest_rate": 1000.0,
        "digest_retry_seconds": 0.0,
        **(server.settings() if server else {}),
        **overrides,
    }
    return Settings(**values)
