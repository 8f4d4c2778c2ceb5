"""A small site per test on SQLite and on PostgreSQL: three papers, a few accounts, signed-in clients.

Never the shared loaded database: these tests write. Sessions and API tokens are created in the store
directly (the login form has its own tests), except where a test says it signs in through the form.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy.engine import Engine

from paperboy.models import Paper
from tests.sites import Site, make_site

DAY = date(2026, 8, 21)
POPULAR = "2608.19880"  # imported from Hugging Face with 163 upvotes and 2 comments
QUIET = "2608.00001"
OLD_STYLE = "hep-th/9901001"


def _papers() -> list[Paper]:
    return [
        Paper(
            arxiv_id=POPULAR,
            title="EnvHarness: Awakening Static Worlds for Agent Learning",
            abstract="Environments for agents, harnessed.",
            submitted_at=datetime(2026, 8, 20, tzinfo=UTC),
            upvotes=163,
            num_comments=2,
        ),
        Paper(arxiv_id=QUIET, title="A quiet paper about sparse kernels", abstract="Kernels, sparsely."),
        Paper(arxiv_id=OLD_STYLE, title="Strings on branes", abstract="Old style ids still work.", upvotes=4),
    ]


def community_site(engine: Engine, folder: Path) -> Site:
    """The three papers featured on ``DAY`` and four accounts (one unconfirmed, one moderator)."""
    # Per-user vote and comment limits have their own tests (test_limits.py), which lower these.
    site = make_site(engine, folder, comment_limit=1000, vote_limit=1000)
    site.add_papers(_papers(), DAY)
    for name in ("alice", "bob"):
        site.add_user(name, fullname=f"{name.title()} Tester")
    site.add_user("mona", fullname="Mona Tester", moderator=True)
    site.add_user("newbie", fullname="Newbie Tester", verified=False)
    return site


@pytest.fixture
def site(engine: Engine, tmp_path: Path) -> Iterator[Site]:
    with community_site(engine, tmp_path) as built:
        yield built
