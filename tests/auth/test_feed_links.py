"""Private feed links: random, shown once, stored hashed, revocable and re-creatable from /settings."""

from __future__ import annotations

import re

import sqlalchemy as sa
from itsdangerous import URLSafeSerializer

from paperboy.auth import service
from paperboy.auth.site_secret import KNOWN_DEVELOPMENT_SECRET
from paperboy.store.schema import feed_tokens
from tests.auth.conftest import csrf, log_in
from tests.sites import Site

ATOM = "application/atom+xml"


def _make_link(client) -> str:  # type: ignore[no-untyped-def]
    page = client.post("/settings/feed", data={"csrf_token": csrf(client, "/settings")})
    assert page.status_code == 200
    found = re.search(r"<code>http://testserver(/for-you/pbf_[\w\-]+\.atom)</code>", page.text)
    assert found, page.text
    return found.group(1)


def test_feed_link_is_random_hashed_revocable_and_re_creatable(site: Site) -> None:
    service.create_user(site.engine, "ada", "ada@example.org", "correct horse battery", admin=False)
    service.create_user(site.engine, "bob", "bob@example.org", "correct horse battery", admin=False)
    ada, bob = site.client(), site.client()
    assert log_in(ada).status_code == 303 and log_in(bob, login="bob").status_code == 303
    assert "Make a feed link" in ada.get("/settings").text
    first = _make_link(ada)
    assert ada.get(first).headers["content-type"].startswith(ATOM)
    assert site.client().get(first).status_code == 200, "feed readers send no cookies"
    assert first != _make_link(bob), "every user's link is random, not derived from their id"
    with site.engine.connect() as conn:
        stored = conn.execute(sa.select(feed_tokens.c.token_hash)).scalars().all()
    token = first.removeprefix("/for-you/").removesuffix(".atom")
    assert len(stored) == 2 and token not in stored and all(len(h) == 64 for h in stored)
    assert "Your current link was made" in ada.get("/settings").text

    second = _make_link(ada)
    assert second != first
    assert ada.get(first).status_code == 404, "a new link ends the old one"
    assert ada.get(second).status_code == 200

    revoked = ada.post("/settings/feed/revoke", data={"csrf_token": csrf(ada, "/settings")})
    assert revoked.status_code == 200 and "Make a feed link" in revoked.text
    gone = site.client().get(second)
    assert gone.status_code == 404 and "revoked" in gone.text
    assert ada.post("/settings/feed", data={"csrf_token": "forged"}).status_code == 403


def test_old_signed_feed_links_stop_working(site: Site) -> None:
    """The old links were the user id signed with the secret: with the published default anyone could
    forge them, and a genuine one cannot be told apart from a forged one, so none is accepted."""
    user_id = service.create_user(site.engine, "ada", "ada@example.org", "correct horse battery", admin=False)
    client = site.client()
    for secret in (KNOWN_DEVELOPMENT_SECRET, site.settings.secret_key):
        old = URLSafeSerializer(secret, salt="paperboy-for-you-feed").dumps(user_id)
        assert client.get(f"/for-you/{old}.atom").status_code == 404
