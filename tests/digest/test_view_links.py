"""A digest's "view in browser" link: random, stored only as a hash, and its reader can end it."""

from __future__ import annotations

import hashlib
import re

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from paperboy.auth import service
from paperboy.digest.outbox import queue
from paperboy.digest.send import Sender
from paperboy.store.schema import digest_outbox
from tests.auth.conftest import csrf, log_in
from tests.digest.conftest import FRIDAY_MORNING, add_subscribers
from tests.digest.smtp_server import SmtpServer
from tests.sites import Site, make_site

VIEW = re.compile(r'href="http://testserver(/digest/([\w\-]+))"')


def _send(engine: Engine, site: Site, smtp: SmtpServer, period: str | None = None) -> dict[str, str]:
    """Queue and send what is due; the view link path of each recipient's newest digest."""
    settings = site.settings.model_copy(update={"mail_backend": "smtp", "digest_rate": 1000.0})
    queue(engine, settings, FRIDAY_MORNING, period=period)
    Sender(engine, settings).run()
    links = {}
    for received in smtp.handler.received:
        html = received.parsed().get_body(("html",)).get_content()
        links[received.rcpt] = VIEW.search(html).group(1)  # type: ignore[union-attr]
    return links


def test_view_links_are_random_hashed_and_revocable(
    papers_engine: Engine, smtp: SmtpServer, tmp_path
) -> None:  # type: ignore[no-untyped-def]
    smtp_settings = {k: v for k, v in smtp.settings().items() if k != "mail_backend"}
    site = make_site(papers_engine, tmp_path, **smtp_settings)
    ada = service.create_user(papers_engine, "ada", "ada@example.org", "correct horse battery", admin=False)
    add_subscribers(papers_engine, 1, prefix="ada", user_id=ada)
    add_subscribers(papers_engine, 1, prefix="reader")
    first = _send(papers_engine, site, smtp)
    mine, theirs = first["ada0@example.org"], first["reader0@example.org"]
    browser = site.client()
    assert browser.get(mine).status_code == 200 and browser.get(theirs).status_code == 200
    token = mine.rsplit("/", 1)[1]
    with papers_engine.connect() as conn:
        stored = conn.execute(sa.select(digest_outbox.c.view_hash)).scalars().all()
    assert hashlib.sha256(token.encode()).hexdigest() in stored and token not in stored
    assert browser.get(mine[:-3] + "xyz").status_code == 404

    assert log_in(browser).status_code == 303
    assert "End the links of digests already sent" in browser.get("/settings").text
    ended = browser.post("/settings/digest-links/revoke", data={"csrf_token": csrf(browser, "/settings")})
    assert ended.status_code == 200
    gone = site.client().get(mine)
    assert gone.status_code == 404 and "ended it" in gone.text
    assert site.client().get(theirs).status_code == 200, "only the reader's own digests"
    assert browser.post("/settings/digest-links/revoke", data={"csrf_token": "forged"}).status_code == 403

    smtp.handler.received.clear()
    later = _send(papers_engine, site, smtp, period="2025-W39")
    assert later["ada0@example.org"] != mine
    assert site.client().get(later["ada0@example.org"]).status_code == 200, "digests sent later get new links"
