"""One way to build a site for a test, after Datasette's ``make_app_client(**options)``.

``make_site(engine_or_url, folder, hf_days=..., **settings)`` returns a ``Site``: the migrated database, the
settings (any ``Settings`` field can be overridden), the app, mail written to ``.eml`` files in the folder,
a search index of its own, and helpers to add papers and accounts and to open clients signed in as them.
Accounts and sessions are written to the store directly (the login form has its own tests); ``password=``
gives an account a real argon2 hash for tests that sign in through the form.
"""

from __future__ import annotations

import re
import secrets
import time
from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

import lxml.html
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from paperboy.auth import service as auth_service
from paperboy.auth.secrets_util import digest
from paperboy.config import Settings
from paperboy.http.session import CSRF_COOKIE, SESSION_COOKIE
from paperboy.models import DailyEntry, Paper
from paperboy.server import create_app
from paperboy.store import accounts
from paperboy.store import sessions as session_store
from paperboy.store.engine import create_engine
from paperboy.store.migrate import upgrade
from paperboy.store.papers_write import upsert_entries, upsert_papers
from paperboy.store.schema import sessions, throttle, users
from tests.conftest_data import HF_DAILY

PASSWORD = "correct horse battery"


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


class Site:
    """A database, its settings and app, and what the test put in it."""

    def __init__(self, engine: Engine, settings: Settings, app, mail_dir: Path) -> None:  # type: ignore[no-untyped-def]
        self.engine = engine
        self.settings = settings
        self.app = app
        self.mail_dir = mail_dir
        self.users: dict[str, int] = {}
        self.clients: list[Client] = []

    @property
    def url(self) -> str:
        return self.settings.base_url

    def add_papers(self, papers: Iterable[Paper], day: date | None = None) -> None:
        """Store papers and, given a day, feature them on it (imported from Hugging Face at 08:00 UTC)."""
        papers = list(papers)
        with self.engine.begin() as conn:
            upsert_papers(conn, papers)
            if day is not None:
                at = datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=8)
                upsert_entries(
                    conn, [DailyEntry(day, p.arxiv_id, "huggingface", submitted_at=at) for p in papers]
                )

    def add_user(
        self,
        name: str,
        *,
        verified: bool = True,
        moderator: bool = False,
        admin: bool = False,
        fullname: str | None = None,
        email: str | None = None,
        password: str | None = None,
    ) -> int:
        """An account; with ``password`` a confirmed one made as ``paperboy users create`` makes it."""
        email = email or f"{name}@example.org"
        if password is not None:
            user_id = auth_service.create_user(self.engine, name, email, password, admin)
            with self.engine.begin() as conn:
                conn.execute(users.update().where(users.c.id == user_id).values(fullname=fullname))
        else:
            with self.engine.begin() as conn:
                user_id = accounts.create(
                    conn, name, email, "not-a-real-hash", fullname=fullname, verified=verified
                )
                if moderator or admin:
                    accounts.set_roles(conn, user_id, moderator=moderator or None, admin=admin or None)
        self.users[name] = user_id
        return user_id

    def session(self, name: str, lifetime: timedelta = timedelta(days=1)) -> tuple[str, str]:
        """(cookie value, CSRF token) of a fresh session, stored hashed exactly as ``start_session`` does."""
        cookie, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(32)
        with self.engine.begin() as conn:
            session_store.create_session(conn, digest(cookie), self.users[name], csrf, lifetime)
        return cookie, csrf

    def client(self, name: str | None = None) -> Client:
        """Anonymous (with the anonymous CSRF cookie), or signed in as ``name``."""
        client = Client(self.app)
        self.clients.append(client)
        if name is None:
            client.get("/login")
            client.csrf = client.cookies.get(CSRF_COOKIE) or ""
            return client
        cookie, client.csrf = self.session(name)
        client.cookies.set(SESSION_COOKIE, cookie)
        client.user_id = self.users[name]
        return client

    def token(self, name: str) -> str:
        """A personal API token of ``name``."""
        token = "pbt_" + secrets.token_urlsafe(32)
        with self.engine.begin() as conn:
            session_store.create_api_token(conn, self.users[name], "tests", digest(token))
        return token

    def mails(self, at_least: int = 0, seconds: float = 10) -> list[EmailMessage]:
        """The mails written so far, oldest first; with ``at_least``, wait up to ``seconds`` for that many
        (account mails leave after the page is answered: a live server may not have written them yet)."""
        deadline = time.monotonic() + seconds
        while True:
            files = sorted(self.mail_dir.glob("*.eml"), key=lambda p: p.stat().st_mtime_ns)
            if len(files) >= at_least or time.monotonic() > deadline:
                return [message_from_bytes(p.read_bytes(), policy=policy.default) for p in files]  # type: ignore[misc]
            time.sleep(0.05)

    def last_link(self, path: str) -> str:
        """The link to ``path`` (with its token) in the newest mail, relative to the site."""
        body = self.mails()[-1].get_body(preferencelist=("plain",)).get_content()
        match = re.search(rf"{re.escape(self.url)}({re.escape(path)}\?token=[\w.\-]+)", body)
        assert match, body
        return match.group(1)

    def let_time_pass(self, by: timedelta) -> None:
        """Move throttle windows and session expiries back by ``by``: as far as they know, time passed."""
        with self.engine.begin() as conn:
            for table, column in ((throttle, throttle.c.window_start), (sessions, sessions.c.expires_at)):
                key = table.primary_key.columns.values()[0]
                for row_key, at in conn.execute(sa.select(key, column)).all():
                    conn.execute(table.update().where(key == row_key).values({column.name: at - by}))

    def close(self) -> None:
        for client in self.clients:
            client.close()
        search = getattr(self.app.state, "search", None)
        if search is not None:
            search.close()

    def __enter__(self) -> Site:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def database_url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=False)


def link_days(folder: Path, days: Iterable[date | str]) -> Path:
    """Symlink real Hugging Face day files into ``folder`` (shared data is read in place, never copied)."""
    folder.mkdir(parents=True, exist_ok=True)
    for day in days:
        name = f"{day.isoformat() if isinstance(day, date) else day}.json"
        (folder / name).symlink_to(HF_DAILY / name)
    return folder


def make_site(
    engine: Engine | str,
    folder: Path,
    *,
    hf_days: Iterable[date | str] = (),
    cls: type[Site] = Site,
    **overrides: object,
) -> Site:
    """A site on ``engine`` (or a database URL, migrated here), with real days loaded and settings overridden.

    Mail goes to ``folder/mail`` and the search index to ``folder/search-index``, with no background thread;
    ``cls`` builds a subclass of ``Site`` with helpers of its own.
    """
    from tests.conftest import load_hf_daily

    if isinstance(engine, str):
        engine = create_engine(engine)
        upgrade(engine)
    days = list(hf_days)
    if days:
        load_hf_daily(engine, link_days(folder / "days", days))
    values: dict[str, object] = {
        "database_url": database_url(engine),
        "mail_backend": "file",
        "mail_dir": folder / "mail",
        "base_url": "http://testserver",
        "search_index_dir": folder / "search-index",
        "search_embed_background": False,
        **overrides,
    }
    settings = Settings(**values)  # type: ignore[arg-type]
    return cls(engine, settings, create_app(settings, engine=engine), folder / "mail")
