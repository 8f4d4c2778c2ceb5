"""A small app on a fresh database (SQLite and PostgreSQL) with mail written to files."""

from __future__ import annotations

import re
from email import message_from_bytes
from email.message import Message
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from paperboy.config import Settings
from paperboy.server import create_app


class Site:
    def __init__(self, engine: Engine, mail_dir: Path, **overrides: object) -> None:
        self.engine = engine
        self.mail_dir = mail_dir
        values: dict = {
            "database_url": str(engine.url),
            "mail_backend": "file",
            "mail_dir": mail_dir,
            "base_url": "http://testserver",
        }
        self.settings = Settings(**{**values, **overrides})
        self.app = create_app(self.settings, engine=engine)

    def client(self) -> TestClient:
        return TestClient(self.app)

    def mails(self) -> list[Message]:
        return [
            message_from_bytes(p.read_bytes())
            for p in sorted(self.mail_dir.glob("*.eml"), key=lambda p: p.stat().st_mtime_ns)
        ]

    def last_link(self, path: str) -> str:
        body = self.mails()[-1].get_payload(decode=True).decode()
        match = re.search(rf"http://testserver({re.escape(path)}\?token=[\w.\-]+)", body)
        assert match, body
        return match.group(1)


def csrf(client: TestClient, path: str = "/login") -> str:
    page = client.get(path)
    match = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert match, page.text[:500]
    return match.group(1)


def sign_up(
    site: Site,
    client: TestClient,
    username: str = "ada",
    email: str = "ada@example.org",
    password: str = "correct horse battery",
) -> None:
    response = client.post(
        "/signup",
        data={
            "username": username,
            "email": email,
            "password": password,
            "csrf_token": csrf(client, "/signup"),
        },
    )
    assert response.status_code == 200, response.text
    assert "Check your inbox" in response.text


def log_in(client: TestClient, login: str = "ada", password: str = "correct horse battery", **extra: str):
    return client.post(
        "/login",
        data={"login": login, "password": password, "csrf_token": csrf(client), **extra},
        follow_redirects=False,
    )


@pytest.fixture
def site(engine: Engine, tmp_path: Path) -> Site:
    return Site(engine, tmp_path / "mail")
