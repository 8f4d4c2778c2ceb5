"""Account tests run on a small site per test (SQLite and PostgreSQL) with mail written to files."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from tests.sites import PASSWORD, Site, make_site


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
    password: str = PASSWORD,
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


def confirm(client: TestClient, link: str):
    """Open an emailed confirmation link and press its button, as a person does (the answer, unfollowed)."""
    return client.post(link, data={"csrf_token": csrf(client, link)}, follow_redirects=False)


def log_in(client: TestClient, login: str = "ada", password: str = PASSWORD, **extra: str):
    return client.post(
        "/login",
        data={"login": login, "password": password, "csrf_token": csrf(client), **extra},
        follow_redirects=False,
    )


@pytest.fixture
def site(engine: Engine, tmp_path: Path) -> Iterator[Site]:
    with make_site(engine, tmp_path) as built:
        yield built
