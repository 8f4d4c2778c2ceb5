"""A fresh database on each backend, a local replay of arXiv's API, and verified users to submit with."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from paperboy.config import Settings
from paperboy.store import accounts
from paperboy.store.accounts import Account
from paperboy.store.schema import daily_entries, papers
from tests.conftest import SHARED_DATA
from tests.upstream import Upstream

RECORDED = SHARED_DATA / "arxiv_api_atom" / "arxiv.py_fixtures"
API = "/api/query"
# Recorded ids that arXiv knows, with their first-version dates, and ones it answered with no entry.
KNOWN = {
    "1605.08386": date(2016, 5, 26),
    "1707.08567": date(2017, 7, 27),
    "astro-ph/0601001": date(2006, 1, 2),
}
UNKNOWN = ("0000.0000", "0808.05394")
TITLE = "Heat-bath random walks with Markov bases"
RECENT = date(2016, 6, 1)  # 6 days after 1605.08386 was first posted


def recording(arxiv_id: str):  # type: ignore[no-untyped-def]
    return next(RECORDED.glob(f"id_{arxiv_id.replace('/', '_')}_s0_m100_*.json"))


def id_query(arxiv_id: str) -> dict[str, object]:
    """The query fetch_ids (and the submit service) sends for one id."""
    return {
        "search_query": "",
        "id_list": arxiv_id,
        "sortBy": "relevance",
        "sortOrder": "descending",
        "start": 0,
        "max_results": 100,
    }


@pytest.fixture
def arxiv() -> Iterator[Upstream]:
    with Upstream() as upstream:
        for arxiv_id in [*KNOWN, *UNKNOWN]:
            upstream.add_recorded(recording(arxiv_id))
        yield upstream


def submit_settings(engine: Engine, arxiv: Upstream, **overrides: object) -> Settings:
    values: dict[str, object] = {
        "database_url": str(engine.url),
        "arxiv_api_url": arxiv.url + API,
        "arxiv_min_interval": 0,
        "http_backoff": 0.01,
        **overrides,
    }
    return Settings(**values)  # type: ignore[arg-type]


def make_user(engine: Engine, username: str, verified: bool = True) -> Account:
    with engine.begin() as conn:
        user_id = accounts.create(conn, username, f"{username}@example.org", "not-a-hash", verified=verified)
        user = accounts.by_id(conn, user_id)
    assert user is not None
    return user


def counts(engine: Engine) -> tuple[int, int]:
    """(papers, daily entries) stored: a refused submission must leave both unchanged."""
    with engine.connect() as conn:
        return (
            conn.execute(sa.select(sa.func.count()).select_from(papers)).scalar_one(),
            conn.execute(sa.select(sa.func.count()).select_from(daily_entries)).scalar_one(),
        )
