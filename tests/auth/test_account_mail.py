"""Account mails: limited per recipient, and sent after the answer so its timing reveals no account.

The timing tests use a real server (uvicorn on 127.0.0.1) and a real, deliberately slow SMTP server
(aiosmtpd): if a mail were sent inside the request, the answer for an existing account would take the
SMTP round trip longer than the answer for an unknown one.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest
from fastapi.testclient import TestClient

from paperboy.auth import service
from tests.auth.conftest import csrf, log_in, sign_up
from tests.conftest import LiveServer
from tests.digest.smtp_server import Handler, SmtpServer
from tests.sites import Site, make_site

PASSWORD = "correct horse battery"
SMTP_DELAY = 1.5  # seconds the SMTP server takes to accept a message


def _from(site: Site, address: str) -> TestClient:
    return TestClient(site.app, client=(address, 40000))


def test_resending_the_confirmation_link_is_limited(engine, tmp_path) -> None:  # type: ignore[no-untyped-def]
    site = make_site(engine, tmp_path, account_mail_limit=3)
    client = site.client()
    sign_up(site, client)  # mail 1
    assert log_in(client).status_code == 303
    codes = []
    for _ in range(15):
        answer = client.post("/settings/verify", data={"csrf_token": csrf(client, "/settings")})
        codes.append(answer.status_code)
    assert codes == [200, 200] + [429] * 13
    assert len(site.mails()) == 3
    assert 0 < int(answer.headers["retry-after"]) <= 3600
    assert "We already sent 3 mails to ada@example.org in the last hour" in answer.text
    api = client.post(
        "/settings/verify",
        data={"csrf_token": csrf(client, "/settings")},
        headers={"accept": "application/json"},
    )
    assert api.status_code == 429 and "already sent" in api.json()["error"]


def test_many_networks_cannot_mail_one_victim_many_times(engine, tmp_path) -> None:  # type: ignore[no-untyped-def]
    site = make_site(engine, tmp_path, account_mail_limit=3)
    service.create_user(site.engine, "victim", "victim@example.org", PASSWORD, admin=False)
    for n in range(8):  # eight networks, eight spellings, each under its own per-network limit
        browser = _from(site, f"198.51.100.{n}")
        spelling = "victim@example.org" if n % 2 else " Victim@Example.ORG "
        answer = browser.post("/reset", data={"email": spelling, "csrf_token": csrf(browser, "/reset")})
        assert answer.status_code == 200 and "a reset link is on its way" in answer.text
    for n in range(8):  # "you already have an account" mails count against the same address
        browser = _from(site, f"203.0.113.{n}")
        browser.post(
            "/signup",
            data={"username": f"mallory{n}", "email": "victim@example.org", "password": PASSWORD,
                  "csrf_token": csrf(browser, "/signup")},
        )  # fmt: skip
    received = [m for m in site.mails() if m["To"] == "victim@example.org"]
    assert len(received) == 3
    service.create_user(site.engine, "other", "other@example.org", PASSWORD, admin=False)
    other = _from(site, "192.0.2.9")
    other.post("/reset", data={"email": "other@example.org", "csrf_token": csrf(other, "/reset")})
    assert site.mails()[-1]["To"] == "other@example.org", "the limit is per recipient"


@dataclass
class SlowHandler(Handler):
    delay: float = SMTP_DELAY

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        await asyncio.sleep(self.delay)
        return await super().handle_DATA(server, session, envelope)


@pytest.fixture
def slow_smtp() -> Iterator[SmtpServer]:
    with SmtpServer(SlowHandler(), None) as server:
        yield server


def _post_form(client: httpx.Client, path: str, data: dict[str, str]) -> tuple[httpx.Response, float]:
    page = client.get(path)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page.text).group(1)  # type: ignore[union-attr]
    started = time.monotonic()
    answer = client.post(path, data={**data, "csrf_token": token})
    return answer, time.monotonic() - started


def _wait_for(handler: Handler, address: str, seconds: float = 15) -> list:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        found = handler.for_rcpt(address)
        if found:
            return found
        time.sleep(0.05)
    return []


def _main(html: str) -> str:
    """The page without its per-request CSRF token."""
    return re.sub(r'value="[^"]*"', "", html.split("<main", 1)[1])


def test_reset_answer_is_the_same_and_as_fast_for_known_and_unknown(engine, tmp_path, slow_smtp) -> None:  # type: ignore[no-untyped-def]
    site = make_site(engine, tmp_path, **slow_smtp.settings())
    service.create_user(site.engine, "ada", "ada@example.org", PASSWORD, admin=False)
    with LiveServer(site.app) as live, httpx.Client(base_url=live.url, trust_env=False, timeout=30) as client:
        _post_form(client, "/reset", {"email": "warm@example.org"})  # first-request costs out of the way
        known_times, unknown_times = [], []
        for _ in range(2):  # the faster of two: a busy disk or core can stall any one request
            known, known_time = _post_form(client, "/reset", {"email": "ada@example.org"})
            unknown, unknown_time = _post_form(client, "/reset", {"email": "eve@example.org"})
            known_times.append(known_time)
            unknown_times.append(unknown_time)
            assert known.status_code == unknown.status_code == 200
            assert _main(known.text).replace("ada@", "eve@") == _main(unknown.text)
        fastest = min(known_times)
        assert fastest < SMTP_DELAY * 0.6, f"the answer waited for SMTP: {fastest:.2f} s"
        assert abs(fastest - min(unknown_times)) < SMTP_DELAY * 0.5
        mail = _wait_for(slow_smtp.handler, "ada@example.org")[0]
        assert "/reset/confirm?token=" in mail.parsed().get_body(("plain",)).get_content()
        assert slow_smtp.handler.for_rcpt("eve@example.org") == []


def test_signup_answer_does_not_wait_for_the_mail(engine, tmp_path, slow_smtp) -> None:  # type: ignore[no-untyped-def]
    site = make_site(engine, tmp_path, **slow_smtp.settings())
    service.create_user(site.engine, "ada", "ada@example.org", PASSWORD, admin=False)
    with LiveServer(site.app) as live, httpx.Client(base_url=live.url, trust_env=False, timeout=30) as client:
        _post_form(client, "/reset", {"email": "warm@example.org"})
        new, new_time = _post_form(
            client, "/signup", {"username": "bea", "email": "bea@example.org", "password": PASSWORD}
        )
        taken, taken_time = _post_form(
            client, "/signup", {"username": "mallory", "email": "ada@example.org", "password": PASSWORD}
        )
        assert new.status_code == taken.status_code == 200
        assert _main(new.text).replace("bea@", "ada@") == _main(taken.text)
        assert max(new_time, taken_time) < SMTP_DELAY * 0.6 + 0.5  # argon2 hashing, but no SMTP
        (confirm,) = _wait_for(slow_smtp.handler, "bea@example.org")
        assert "/verify?token=" in confirm.parsed().get_body(("plain",)).get_content()
        (notice,) = _wait_for(slow_smtp.handler, "ada@example.org")
        assert "already has the account 'ada'" in notice.parsed().get_body(("plain",)).get_content()


def test_a_hard_bounce_stops_account_mail_to_that_address(engine, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from paperboy.store import outbox

    with SmtpServer(Handler(perm_rate=1.0), None) as gone:
        site = make_site(engine, tmp_path, **gone.settings())
        service.create_user(site.engine, "ada", "ada@example.org", PASSWORD, admin=False)
        client = site.client()
        for _ in range(2):
            answer = client.post(
                "/reset", data={"email": "ada@example.org", "csrf_token": csrf(client, "/reset")}
            )
            assert answer.status_code == 200 and "a reset link is on its way" in answer.text
        assert gone.handler.attempts == 1, "the second mail is not even tried"
        with site.engine.connect() as conn:
            assert outbox.is_suppressed(conn, "ada@example.org")
