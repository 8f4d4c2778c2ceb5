"""A small site per test on SQLite and on PostgreSQL: three papers, a few accounts, signed-in clients.

Never the shared loaded database: these tests write. Sessions and API tokens are created in the store
directly (the login form has its own tests), except where a test says it signs in through the form.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import lxml.html
import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from paperboy.auth.secrets_util import digest
from paperboy.config import Settings
from paperboy.http.session import SESSION_COOKIE
from paperboy.models import DailyEntry, Paper
from paperboy.server import create_app
from paperboy.store import accounts
from paperboy.store import sessions as session_store
from paperboy.store.papers_write import upsert_entries, upsert_papers

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


class Client(TestClient):
    """A TestClient that knows its account and CSRF token; ``form`` posts with the token, no redirects."""

    csrf: str = ""
    user_id: int | None = None

    def form(self, url: str, data: dict | None = None, csrf: bool = True, **kwargs):  # type: ignore[no-untyped-def]
        payload = dict(data or {})
        if csrf:
            payload["csrf_token"] = self.csrf
        return self.post(url, data=payload, follow_redirects=False, **kwargs)

    def doc(self, url: str, status: int = 200) -> lxml.html.HtmlElement:
        response = self.get(url)
        assert response.status_code == status, response.text[:500]
        return lxml.html.fromstring(response.text)


@dataclass
class Site:
    engine: Engine
    settings: Settings
    app: object
    users: dict[str, int] = field(default_factory=dict)
    clients: list[Client] = field(default_factory=list)

    def add_user(self, name: str, verified: bool = True, moderator: bool = False) -> int:
        with self.engine.begin() as conn:
            user_id = accounts.create(
                conn,
                name,
                f"{name}@example.org",
                "not-a-real-hash",
                fullname=f"{name.title()} Tester",
                verified=verified,
            )
            if moderator:
                accounts.set_roles(conn, user_id, moderator=True)
        self.users[name] = user_id
        return user_id

    def client(self, name: str | None = None) -> Client:
        """Anonymous, or signed in as ``name`` with a server-side session like the login form makes."""
        client = Client(self.app)
        self.clients.append(client)
        if name is None:
            client.get("/login")  # the anonymous CSRF cookie
            client.csrf = client.cookies.get("pb_csrf") or ""
            return client
        cookie, csrf = session_for(self.engine, self.users[name])
        client.cookies.set(SESSION_COOKIE, cookie)
        client.csrf, client.user_id = csrf, self.users[name]
        return client

    def token(self, name: str) -> str:
        token = "pbt_" + secrets.token_urlsafe(32)
        with self.engine.begin() as conn:
            session_store.create_api_token(conn, self.users[name], "tests", digest(token))
        return token


def session_for(engine: Engine, user_id: int) -> tuple[str, str]:
    """(cookie value, CSRF token) of a fresh session, stored hashed exactly as ``start_session`` does."""
    cookie, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
    with engine.begin() as conn:
        session_store.create_session(conn, digest(cookie), user_id, csrf, timedelta(days=1))
    return cookie, csrf


def database_url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


@pytest.fixture
def site(engine: Engine, tmp_path: Path) -> Iterator[Site]:
    with engine.begin() as conn:
        upsert_papers(conn, _papers())
        upsert_entries(conn, [DailyEntry(DAY, p.arxiv_id, "huggingface") for p in _papers()])
    # A search index of its own (PostgreSQL's default folder is shared by every test) and no background
    # thread outliving the database; requests refresh the index themselves.
    settings = Settings(
        database_url=database_url(engine),
        search_index_dir=tmp_path / "search-index",
        search_embed_background=False,
        # Per-user vote and comment limits have their own tests (test_limits.py), which lower these.
        comment_limit=1000,
        vote_limit=1000,
    )
    built = Site(engine, settings, create_app(settings, engine=engine))
    built.add_user("alice")
    built.add_user("bob")
    built.add_user("mona", moderator=True)
    built.add_user("newbie", verified=False)
    yield built
    for client in built.clients:
        client.close()
    search = getattr(built.app.state, "search", None)
    if search is not None:
        search.close()
