"""Subscribing with double opt-in, confirmation limits, one-click unsubscribe (RFC 8058) and view in browser,
through the pages, with mail written to files; SQLite and PostgreSQL."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from paperboy.digest.outbox import queue
from paperboy.digest.send import Sender
from paperboy.server import create_app
from paperboy.store.schema import subscriptions
from tests.auth.conftest import csrf
from tests.digest.conftest import FRIDAY_MORNING, digest_settings
from tests.digest.smtp_server import SmtpServer
from tests.sites import make_site


def _status(engine: Engine, email: str) -> str | None:
    with engine.connect() as conn:
        return conn.execute(sa.select(subscriptions.c.status).where(subscriptions.c.email == email)).scalar()


def _subscribe(client: TestClient, email: str, frequency: str = "daily"):  # type: ignore[no-untyped-def]
    token = csrf(client, "/subscribe")
    return client.post("/subscribe", data={"email": email, "frequency": frequency, "csrf_token": token})


def test_double_opt_in_and_the_confirmation_limit(engine: Engine, smtp: SmtpServer) -> None:
    """Confirmation mails travel through the real SMTP server (STARTTLS), and are parsed back from it."""
    settings = digest_settings(engine, smtp, base_url="http://testserver")
    client = TestClient(create_app(settings, engine=engine))
    response = _subscribe(client, "Reader@Example.org")
    assert response.status_code == 200 and "Check your inbox" in response.text
    assert _status(engine, "reader@example.org") == "pending"
    mail = smtp.handler.for_rcpt("reader@example.org")[-1].parsed()
    link = re.search(r"http://testserver(/subscribe/confirm\?token=[\w.\-]+)", mail.get_content())
    assert link
    page = client.get(link.group(1))
    assert page.status_code == 200 and "Yes, subscribe me" in page.text
    assert _status(engine, "reader@example.org") == "pending"  # GET changes nothing
    confirmed = client.post(link.group(1), data={"csrf_token": csrf(client, link.group(1))})
    assert confirmed.status_code == 200 and "You are subscribed" in confirmed.text
    assert _status(engine, "reader@example.org") == "active"
    # At most 3 confirmation mails per address per hour, whatever is asked.
    for _ in range(5):
        _subscribe(client, "other@example.org")
    assert len(smtp.handler.for_rcpt("other@example.org")) == 3
    tampered = link.group(1)[:-3] + ("aaa" if not link.group(1).endswith("aaa") else "bbb")
    assert client.get(tampered).status_code == 400
    assert _subscribe(client, "not an address").status_code == 400


def test_one_click_unsubscribe_and_view_in_browser(papers_engine: Engine, smtp: SmtpServer, tmp_path) -> None:  # type: ignore[no-untyped-def]
    smtp_settings = {k: v for k, v in smtp.settings().items() if k != "mail_backend"}
    site = make_site(papers_engine, tmp_path, **smtp_settings)  # confirmation mails go to files
    client = site.client()
    _subscribe(client, "one@example.org")
    link = re.search(
        r"http://testserver(/subscribe/confirm\?token=[\w.\-]+)",
        site.mails()[-1].get_payload(decode=True).decode(),
    )
    assert link
    client.post(link.group(1), data={"csrf_token": csrf(client, link.group(1))})
    settings = site.settings.model_copy(update={"mail_backend": "smtp", "digest_rate": 1000.0})
    queue(papers_engine, settings, FRIDAY_MORNING)
    assert Sender(papers_engine, settings).run().sent == 1
    message = smtp.handler.received[-1].parsed()
    url = message["List-Unsubscribe"].strip("<>")
    path = urlsplit(url).path
    html = message.get_body(("html",)).get_content()
    view = re.search(r'href="http://testserver(/digest/[\w.\-]+)"', html)
    assert view
    page = client.get(view.group(1))
    assert page.status_code == 200 and "Why:" in page.text and 'style="' not in page.text
    # GET shows a confirmation page and changes nothing.
    assert "Unsubscribe" in client.get(path).text and _status(papers_engine, "one@example.org") == "active"
    # A tampered token is refused.
    assert client.post(path[:-2] + "xx", data={"List-Unsubscribe": "One-Click"}).status_code == 400
    # The provider's one-click POST: no cookies, no CSRF token; unsubscribed at once.
    provider = TestClient(site.app)
    done = provider.post(path, data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200 and _status(papers_engine, "one@example.org") == "unsubscribed"
    # Other forms still demand their CSRF token.
    assert (
        provider.post("/subscribe", data={"email": "x@example.org", "frequency": "daily"}).status_code == 403
    )
