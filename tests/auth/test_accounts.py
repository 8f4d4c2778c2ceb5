"""Accounts end to end over HTTP: sign-up, verification, login, sessions, reset, tokens, throttling."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from datetime import timedelta

from argon2 import PasswordHasher
from fastapi.testclient import TestClient

from paperboy.auth import service
from paperboy.auth.network import throttle_subject
from paperboy.store import accounts
from tests.auth.conftest import confirm, csrf, log_in, sign_up
from tests.sites import Site, make_site


def test_signup_verify_login_logout(site: Site) -> None:
    client = site.client()
    sign_up(site, client)
    (mail,) = site.mails()
    assert mail["To"] == "ada@example.org" and "Confirm" in mail["Subject"]
    link = site.last_link("/verify")
    answer = confirm(client, link)
    assert answer.status_code == 303 and answer.headers["location"] == "/verify/done"
    assert "Email confirmed" in client.get("/verify/done").text
    assert client.get(link).status_code == 400, "a verification link works once"
    response = log_in(client, next="/settings")
    assert response.status_code == 303 and response.headers["location"] == "/settings"
    cookie = response.headers["set-cookie"]
    assert "pb_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    settings_page = client.get("/settings")
    assert "ada@example.org" in settings_page.text and "confirmed" in settings_page.text
    token = re.search(r'name="csrf_token" value="([^"]+)"', settings_page.text).group(1)
    client.post("/logout", data={"csrf_token": token})
    assert client.get("/settings", follow_redirects=False).status_code == 303


def test_session_rotates_on_login_and_old_cookie_dies(site: Site) -> None:
    service.create_user(site.engine, "ada", "ada@example.org", "correct horse battery", admin=False)
    client = site.client()
    first = log_in(client).cookies["pb_session"]
    second = log_in(client).cookies["pb_session"]
    assert first != second
    stale = TestClient(site.app, cookies={"pb_session": first})
    assert stale.get("/settings", follow_redirects=False).status_code == 303


def test_same_answer_for_unknown_and_known_accounts(site: Site) -> None:
    service.create_user(site.engine, "ada", "ada@example.org", "correct horse battery", admin=False)
    client = site.client()
    wrong = log_in(client, password="wrong password!")
    unknown = log_in(client, login="nobody@example.org", password="wrong password!")
    assert wrong.status_code == unknown.status_code == 400
    message = "That email or username and password do not match an account."
    assert message in wrong.text and message in unknown.text


def test_login_throttle_answers_429_with_retry_after_and_never_locks_forever(engine, tmp_path) -> None:  # type: ignore[no-untyped-def]
    site = make_site(engine, tmp_path, login_limit=3, throttle_minutes=1)
    service.create_user(site.engine, "ada", "ada@example.org", "correct horse battery", admin=False)
    client = site.client()
    codes = [log_in(client, password="wrong password!").status_code for _ in range(4)]
    assert codes == [400, 400, 400, 429]
    blocked = log_in(client)
    assert blocked.status_code == 429 and 0 < int(blocked.headers["retry-after"]) <= 60
    site.let_time_pass(timedelta(seconds=40))
    assert log_in(client).status_code == 429, "the one-minute window is not over yet"
    site.let_time_pass(timedelta(seconds=21))
    assert log_in(client).status_code == 303, "the window has passed: the right password works again"


def test_csrf_is_required_on_every_form(site: Site) -> None:
    client = site.client()
    client.get("/login")
    response = client.post("/login", data={"login": "ada", "password": "x"})
    assert response.status_code == 403 and "expired" in response.text
    forged = client.post(
        "/signup", data={"username": "a", "email": "a@b.co", "password": "x", "csrf_token": "f"}
    )
    assert forged.status_code == 403


def test_password_reset_is_single_use_and_signs_out_everywhere(site: Site) -> None:
    service.create_user(site.engine, "ada", "ada@example.org", "correct horse battery", admin=False)
    other_device = site.client()
    assert log_in(other_device).status_code == 303
    client = site.client()
    client.post("/reset", data={"email": "ada@example.org", "csrf_token": csrf(client, "/reset")})
    unknown = client.post("/reset", data={"email": "eve@example.org", "csrf_token": csrf(client, "/reset")})
    assert "If eve@example.org has an account" in unknown.text and len(site.mails()) == 1
    link = site.last_link("/reset/confirm")
    token = csrf(client, link)
    assert client.post(link, data={"password": "short", "csrf_token": token}).status_code == 400
    assert (
        client.post(
            link, data={"password": "a brand new secret", "csrf_token": token}, follow_redirects=False
        ).status_code
        == 303
    )
    assert (
        client.post(
            link, data={"password": "another new secret", "csrf_token": csrf(client, "/login")}
        ).status_code
        == 400
    )
    assert other_device.get("/settings", follow_redirects=False).status_code == 303
    assert log_in(site.client(), password="correct horse battery").status_code == 400
    assert log_in(site.client(), password="a brand new secret").status_code == 303


def test_old_hash_parameters_are_upgraded_on_login(site: Site) -> None:
    weak = PasswordHasher(time_cost=1, memory_cost=8 * 1024, parallelism=1).hash("correct horse battery")
    with site.engine.begin() as conn:
        accounts.create(conn, "ada", "ada@example.org", weak, verified=True)
    assert log_in(site.client()).status_code == 303
    with site.engine.connect() as conn:
        upgraded = accounts.by_login(conn, "ada").password_hash
    assert upgraded != weak and "m=19456,t=2,p=1" in upgraded


def test_signup_with_a_taken_email_mails_the_owner_instead(site: Site) -> None:
    client = site.client()
    sign_up(site, client)
    sign_up(site, client, username="mallory")
    assert "already has the account 'ada'" in site.mails()[-1].get_payload(decode=True).decode()


def test_api_token_authenticates_scripts_without_csrf(site: Site) -> None:
    service.create_user(site.engine, "ada", "ada@example.org", "correct horse battery", admin=False)
    client = site.client()
    log_in(client)
    page = client.post(
        "/settings/tokens", data={"name": "my script", "csrf_token": csrf(client, "/settings")}
    )
    token = re.search(r"<code>(pbt_[\w\-]+)</code>", page.text).group(1)
    script = TestClient(site.app, headers={"Authorization": f"Bearer {token}"})
    assert "my script" in script.get("/settings").text
    bad = TestClient(site.app, headers={"Authorization": "Bearer pbt_nope"})
    assert bad.get("/settings", follow_redirects=False).status_code == 303


def test_headers_limits_and_redirects(site: Site) -> None:
    client = site.client()
    page = client.get("/login")
    csp = page.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert page.headers["x-content-type-options"] == "nosniff" and page.headers["referrer-policy"]
    assert "strict-transport-security" not in page.headers
    https = TestClient(site.app, base_url="https://testserver")
    assert "max-age" in https.get("/login").headers["strict-transport-security"]
    huge = client.post(
        "/login", content=b"x" * 2_000_000, headers={"content-type": "application/x-www-form-urlencoded"}
    )
    assert huge.status_code == 413
    service.create_user(site.engine, "ada", "ada@example.org", "correct horse battery", admin=False)
    for target in ("https://evil.example/", "//evil.example", "/\\evil.example", "javascript:alert(1)"):
        assert log_in(client, next=target).headers["location"] == "/"


def test_ipv6_clients_are_grouped_by_slash_64() -> None:
    assert throttle_subject("2001:db8:1:2:aaaa::1") == throttle_subject("2001:db8:1:2:bbbb::9")
    assert throttle_subject("2001:db8:1:3::1") != throttle_subject("2001:db8:1:2::1")
    assert throttle_subject("::ffff:192.0.2.7") == "192.0.2.7"


def test_users_create_admin_from_the_cli(db_url: str) -> None:
    env = {
        **os.environ,
        "PAPERBOY_DATABASE_URL": db_url,
        "PAPERBOY_NEW_USER_PASSWORD": "correct horse battery",
    }
    subprocess.run([sys.executable, "-m", "paperboy", "init"], env=env, check=True, capture_output=True)
    result = subprocess.run(
        [sys.executable, "-m", "paperboy", "users", "create", "root", "root@example.org", "--admin"],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    from paperboy.store.engine import create_engine

    engine = create_engine(db_url)
    with engine.connect() as conn:
        user = accounts.by_login(conn, "root")
    engine.dispose()
    assert user and user.is_admin and user.email_verified_at is not None
