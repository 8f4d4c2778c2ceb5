"""Following an organization by any of its names: the /subscriptions example "Google DeepMind" finds papers
Hugging Face filed under ``deepmind`` and ``GoogleDeepMind`` alike, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from paperboy.digest.outbox import queue
from paperboy.models import DailyEntry, Organization, Paper
from paperboy.store import organization_edits
from paperboy.store.papers_write import upsert_entries, upsert_papers
from paperboy.store.schema import digest_outbox, papers
from tests.digest.conftest import add_subscribers, digest_settings

DAY = date(2026, 3, 2)
MORNING = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
ORGS = {
    "2603.00001": Organization("deepmind", "Deepmind"),
    "2603.00002": Organization("GoogleDeepMind", "GoogleDeepMind"),
    "2603.00003": Organization("google", "Google"),
    "2603.00004": Organization("ZhejiangUniversity", "Zhejiang University"),
    "2603.00005": Organization("zju", "Zhejiang University"),
    "2603.00006": Organization("ByteDance-Seed", "ByteDance Seed"),
}


def _feature(engine: Engine) -> None:
    at = datetime.combine(DAY, datetime.min.time(), tzinfo=UTC) + timedelta(hours=8)
    with engine.begin() as conn:
        upsert_papers(
            conn,
            [
                Paper(arxiv_id=i, title=f"Paper {i}", organization=org, submitted_at=at)
                for i, org in ORGS.items()
            ],
        )
        upsert_entries(conn, [DailyEntry(DAY, i, "huggingface", submitted_at=at) for i in ORGS])


def _followed(engine: Engine, email: str) -> dict[str, str]:
    """arXiv id → reason of the picks that came from follows in this address's digest."""
    with engine.connect() as conn:
        picks = conn.execute(
            sa.select(digest_outbox.c.picks).where(digest_outbox.c.email == email)
        ).scalar_one()
        ids = dict(conn.execute(sa.select(papers.c.id, papers.c.arxiv_id)).all())
    return {ids[p["paper_id"]]: p["reason"] for p in picks if p["source"] == "follow"}


def test_followed_organizations_match_every_name(engine: Engine) -> None:
    _feature(engine)
    add_subscribers(engine, 1, prefix="dm", follows={"organizations": ["Google DeepMind"]})
    add_subscribers(engine, 1, prefix="zj", follows={"organizations": ["zhejiang university"]})
    add_subscribers(engine, 1, prefix="bd", follows={"organizations": ["bytedance"]})
    add_subscribers(engine, 1, prefix="g", follows={"organizations": ["Google"]})
    queue(engine, digest_settings(engine), MORNING)
    assert _followed(engine, "dm0@example.org") == {
        "2603.00001": "from Google DeepMind, an organization you follow",
        "2603.00002": "from Google DeepMind, an organization you follow",
    }
    assert set(_followed(engine, "zj0@example.org")) == {"2603.00004", "2603.00005"}
    assert set(_followed(engine, "bd0@example.org")) == {"2603.00006"}
    assert set(_followed(engine, "g0@example.org")) == {"2603.00003"}  # Google is not Google DeepMind


def test_a_moderators_alias_reaches_followers(engine: Engine) -> None:
    _feature(engine)
    with engine.begin() as conn:
        organization_edits.add_alias(conn, "GoogleDeepMind", "DeepMind Technologies")
    add_subscribers(engine, 1, prefix="dt", follows={"organizations": ["DeepMind Technologies"]})
    queue(engine, digest_settings(engine), MORNING)
    assert set(_followed(engine, "dt0@example.org")) == {"2603.00001", "2603.00002"}
