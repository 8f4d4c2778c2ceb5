"""What ends by itself or depends on how the site is run: sessions and emailed links expire, throttle windows
pass, closed sign-up stays closed, and the session cookie is Secure when the site is served over https."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from itsdangerous.timed import TimestampSigner
from sqlalchemy.engine import Engine

from paperboy.auth import service
from paperboy.auth.links import LIFETIMES
from paperboy.store import accounts
from tests.auth.conftest import csrf, log_in, sign_up
from tests.sites import PASSWORD, Site, make_site


@pytest.fixture
def link_clock(monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    """``advance(seconds)`` moves the clock emailed links are checked against (itsdangerous's) forward."""
    real = TimestampSigner.get_timestamp
    offset = [0]
    monkeypatch.setattr(TimestampSigner, "get_timestamp", lambda self: real(self) + offset[0])

    def advance(seconds: float) -> None:
        offset[0] += int(seconds)

    return advance


def test_a_session_ends_when_its_lifetime_has_passed(engine: Engine, tmp_path: Path) -> None:
    site = make_site(engine, tmp_path, session_days=2)
    site.add_user("ada", password=PASSWORD)
    client = site.client()
    answer = log_in(client)
    assert answer.status_code == 303 and "Max-Age=172800" in answer.headers["set-cookie"]
    site.let_time_pass(timedelta(days=1, hours=23))
    assert client.get("/settings", follow_redirects=False).status_code == 200
    site.let_time_pass(timedelta(hours=1, seconds=1))
    assert client.get("/settings", follow_redirects=False).status_code == 303, (
        "an expired session still works"
    )


def test_a_verification_link_expires(site: Site, link_clock) -> None:  # type: ignore[no-untyped-def]
    client = site.client()
    sign_up(site, client)
    link = site.last_link("/verify")
    link_clock(LIFETIMES["verify"] + 1)
    answer = client.get(link)
    assert answer.status_code == 400 and "This link has expired" in answer.text
    with site.engine.connect() as conn:
        assert accounts.by_login(conn, "ada").email_verified_at is None


def test_a_reset_link_expires_after_an_hour_but_works_within_it(site: Site, link_clock) -> None:  # type: ignore[no-untyped-def]
    service.create_user(site.engine, "ada", "ada@example.org", PASSWORD, admin=False)
    client = site.client()
    client.post("/reset", data={"email": "ada@example.org", "csrf_token": csrf(client, "/reset")})
    link = site.last_link("/reset/confirm")
    link_clock(LIFETIMES["reset"] - 60)
    assert client.get(link).status_code == 200
    link_clock(61)
    expired = client.post(link, data={"password": "a brand new secret", "csrf_token": csrf(client)})
    assert expired.status_code == 400 and "This link has expired" in expired.text
    assert log_in(site.client()).status_code == 303, "the old password still works"


def test_the_signup_throttle_window_passes(engine: Engine, tmp_path: Path) -> None:
    site = make_site(engine, tmp_path, signup_limit=2, throttle_minutes=15)
    client = site.client()
    for n in range(2):
        sign_up(site, client, f"user{n}", f"user{n}@example.org")
    data = {"username": "late", "email": "late@example.org", "password": PASSWORD}
    refused = client.post("/signup", data={**data, "csrf_token": csrf(client, "/signup")})
    assert refused.status_code == 429 and 0 < int(refused.headers["retry-after"]) <= 15 * 60
    site.let_time_pass(timedelta(minutes=14))
    assert client.post("/signup", data={**data, "csrf_token": csrf(client, "/signup")}).status_code == 429
    site.let_time_pass(timedelta(minutes=1, seconds=1))
    sign_up(site, client, "late", "late@example.org")
    assert [m["To"] for m in site.mails()][-1] == "late@example.org"


def test_closed_signup_creates_no_account(engine: Engine, tmp_path: Path) -> None:
    site = make_site(engine, tmp_path, open_signup=False)
    client = site.client()
    data = {"username": "ada", "email": "ada@example.org", "password": PASSWORD}
    answer = client.post("/signup", data={**data, "csrf_token": csrf(client, "/signup")})
    assert answer.status_code == 400 and "Sign-up is closed" in answer.text
    with site.engine.connect() as conn:
        assert accounts.by_login(conn, "ada") is None
    assert site.mails() == []


@pytest.mark.parametrize("db_url", ["sqlite"], indirect=True)
def test_the_session_cookie_is_secure_over_https_only(site: Site) -> None:
    site.add_user("ada", password=PASSWORD)
    secure = TestClient(site.app, base_url="https://testserver")
    cookie = log_in(secure).headers["set-cookie"]
    assert "pb_session=" in cookie and "Secure" in cookie
    assert secure.get("/settings").status_code == 200
    plain = log_in(site.client()).headers["set-cookie"]
    assert "pb_session=" in plain and "Secure" not in plain
