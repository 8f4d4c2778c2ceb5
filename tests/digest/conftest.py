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
from paperboy.digest import compose
from paperboy.digest.build import Pick, Pool, choose, window
from paperboy.rank.trending import TrendingWeights
from paperboy.store import digests
from paperboy.store.outbox import OutboxRow
from paperboy.store.papers import views_by_id
from paperboy.store.schema import subscriptions
from paperboy.store.subscriptions import Subscription
from tests.conftest import load_hf_daily
from tests.digest.smtp_server import Handler, SmtpServer, make_certificate
from tests.sites import link_days

WEEK = ["2025-09-22", "2025-09-23", "2025-09-24", "2025-09-25", "2025-09-26"]
FRIDAY_MORNING = datetime(2025, 9, 26, 9, 30, tzinfo=UTC)


def load_week(engine: Engine, folder: Path) -> Engine:
    """Load the real papers of one week (Sep 22–26, 2025) into the migrated database of ``engine``."""
    load_hf_daily(engine, link_days(folder / "days", WEEK))
    return engine


@pytest.fixture
def papers_engine(engine: Engine, tmp_path: Path) -> Engine:
    """The migrated database of ``engine`` with the real papers of one week."""
    return load_week(engine, tmp_path)


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


def sample_digest_html(engine: Engine) -> str:
    """The HTML part of a varied digest built from the real week in ``papers_engine``."""
    settings = Settings(base_url="https://papers.example.org", site_name="paperboy")
    with engine.connect() as conn:
        pool = Pool(digests.candidates(conn, *window("2025-09-26")), FRIDAY_MORNING, TrendingWeights())
    # A varied digest, as a reader following a search, a category and trending would get it.
    picks = choose(pool, {"searches": ["reasoning"]}, set(), 2)
    taken = {p.paper_id for p in picks}
    picks += choose(pool, {"categories": ["cs.CV"]}, taken, 2)
    picks += pool.trending_picks(taken | {p.paper_id for p in picks}, 2)
    liked = pool.by_id[picks[0].paper_id].view.paper.title
    picks[3] = Pick(picks[3].paper_id, f"close to “{liked[:60]}…”, which you upvoted", 0.5, "recommend")
    with engine.connect() as conn:
        views = views_by_id(conn, [p.paper_id for p in picks], include_hidden=True)
    sub = Subscription(1, "ada@example.org", 7, "tok", "active", "daily", "UTC", 8)
    row = OutboxRow(
        42, 1, "2025-09-26", sub.email, "pending", [p.as_dict() for p in picks], 1, FRIDAY_MORNING
    )
    message = compose.compose(settings, row, sub, views)
    return message.get_body(("html",)).get_content()
