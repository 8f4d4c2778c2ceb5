"""Serving under real conditions: shared cache with validators, HEAD, private pages, health, data version.

Every app here runs its lifespan (``with Client(app)``), as a server does: the data-version watch, the
warm-up and the cache are live. SQLite and PostgreSQL both.
"""

from __future__ import annotations

import time
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from paperboy.auth.secrets_util import digest
from paperboy.store import comments, votes
from paperboy.store.data_version import current
from paperboy.store.papers import paper_id_of
from paperboy.store.schema import paper_neighbours
from paperboy.store.sessions import create_session
from tests.community.conftest import POPULAR, QUIET
from tests.conftest import wait_ready
from tests.sites import Client, Site


def _upvotes_shown(client: Client) -> str:
    doc = client.doc(f"/papers/{POPULAR}")
    return doc.xpath("//*[contains(@class, 'vote-pill')]//*[@class='votes-num']")[0].text_content()


def test_anonymous_page_is_shared_revalidated_and_renewed_by_votes(site: Site) -> None:
    with Client(site.app) as anon:
        wait_ready(anon)
        first = anon.get(f"/papers/{POPULAR}")
        assert first.status_code == 200
        assert first.headers["cache-control"] == "public, no-cache"
        assert "set-cookie" not in first.headers  # shared bytes carry no per-visitor cookie or token
        assert 'name="csrf-token"' not in first.text and "csrf_token" not in first.text
        etag = first.headers["etag"]
        assert anon.get(f"/papers/{POPULAR}").headers["etag"] == etag  # served again, same bytes

        again = anon.get(f"/papers/{POPULAR}", headers={"If-None-Match": etag})
        assert again.status_code == 304 and again.content == b""

        head = anon.head(f"/papers/{POPULAR}")
        assert head.status_code == 200 and head.content == b"" and head.headers["etag"] == etag
        assert head.headers["content-length"] == first.headers["content-length"]
        assert _upvotes_shown(anon) == "163"

        # A vote through this process: the next anonymous view shows it at once.
        token = site.token("alice")
        voted = anon.post(f"/api/papers/{POPULAR}/vote", headers={"Authorization": f"Bearer {token}"})
        assert voted.status_code == 200, voted.text
        renewed = anon.get(f"/papers/{POPULAR}", headers={"If-None-Match": etag})
        assert renewed.status_code == 200 and renewed.headers["etag"] != etag
        assert _upvotes_shown(anon) == "164"

        # A vote written by another process (the CLI, another worker): seen within the poll period.
        with site.engine.begin() as conn:
            votes.set_vote(conn, site.users["bob"], paper_id_of(conn, POPULAR), True)
        deadline = time.monotonic() + 5 * site.settings.data_version_poll_seconds
        while _upvotes_shown(anon) != "165":
            assert time.monotonic() < deadline, "another process's vote never reached the cached page"
            time.sleep(0.1)


def test_signed_in_and_form_pages_are_never_stored(site: Site) -> None:
    with Client(site.app) as anon:
        wait_ready(anon)
        anon.cookies.clear()  # a first visit
        login = anon.get("/login")
        assert login.headers["cache-control"] == "no-store"
        assert "pb_csrf" in login.headers.get("set-cookie", "")  # a form page gets its CSRF cookie
        cookie = "signed-in-cookie-value-for-tests-0123456789"
        with site.engine.begin() as conn:
            create_session(conn, digest(cookie), site.users["alice"], "c" * 43, timedelta(days=1))
        anon.get(f"/papers/{POPULAR}")  # an anonymous copy is cached now
        anon.cookies.set("pb_session", cookie)
        mine = anon.get(f"/papers/{POPULAR}")
        assert mine.headers["cache-control"] == "private, no-store"
        assert "etag" not in mine.headers
        assert "alice" in mine.text  # the reader's own header, never the shared anonymous page


def test_health_and_readiness(site: Site) -> None:
    with Client(site.app) as client:
        wait_ready(client)
        assert client.get("/healthz").json() == {"status": "ok"}
        ready = client.get("/readyz")
        assert ready.status_code == 200
        assert ready.json()["checks"] == {"database": "ok", "schema": "ok", "search": "ok"}
        assert client.head("/readyz").status_code == 200


def test_data_version_moves_with_what_readers_see_only(engine: Engine, site: Site) -> None:
    with engine.connect() as conn:
        before = current(conn)
        paper = paper_id_of(conn, QUIET)
    with engine.begin() as conn:
        create_session(conn, "0" * 64, site.users["bob"], "x" * 43, timedelta(days=1))
    with engine.connect() as conn:
        assert current(conn) == before  # a sign-in changes no page anyone else sees
    with engine.begin() as conn:
        votes.set_vote(conn, site.users["bob"], paper, True)
        comments.add(conn, paper, site.users["bob"], "<p>hello</p>", None)  # two changes, one transaction
    with engine.connect() as conn:
        after_vote = current(conn)
    assert after_vote > before
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE papers SET title = 'Renamed' WHERE id = :id"), {"id": paper})
    with engine.connect() as conn:
        assert current(conn) > after_vote


def test_similar_papers_are_stored_once_and_hidden_papers_have_none(site: Site) -> None:
    with Client(site.app) as client:
        wait_ready(client)
        listed = client.get(f"/api/papers/{POPULAR}/similar")
        assert listed.status_code == 200
        with site.engine.connect() as conn:
            pid = paper_id_of(conn, POPULAR)
            stored = conn.execute(
                sa.select(sa.func.count()).where(paper_neighbours.c.paper_id == pid)
            ).scalar_one()
        assert stored >= 1  # computed on the first view, kept for the next
        assert [p["paper"]["id"] for p in listed.json()] == [
            p["paper"]["id"] for p in client.get(f"/api/papers/{POPULAR}/similar?limit=50").json()
        ]
        with site.engine.begin() as conn:
            conn.execute(
                sa.text("UPDATE papers SET hidden_at = CURRENT_TIMESTAMP WHERE id = :id"), {"id": pid}
            )
        deadline = time.monotonic() + 5 * site.settings.data_version_poll_seconds
        while client.get(f"/api/papers/{POPULAR}/similar").status_code != 404:  # hidden by another process
            assert time.monotonic() < deadline, "a hidden paper still lists similar papers"
            time.sleep(0.1)


def test_search_answers_show_a_vote_at_once_and_another_process_vote_soon(site: Site) -> None:
    """Search keeps result papers in memory between data changes; a signed-in reader's search is never
    served from the page cache, so this sees that memory itself go stale or not."""
    with Client(site.app) as client:
        wait_ready(client)
        signed_in = {"Authorization": f"Bearer {site.token('alice')}"}

        def upvotes_found() -> int:
            found = client.get("/api/papers/search", params={"q": POPULAR}, headers=signed_in)
            assert found.status_code == 200, found.text
            return next(e["paper"]["upvotes"] for e in found.json() if e["paper"]["id"] == POPULAR)

        before = upvotes_found()
        assert upvotes_found() == before  # answered again from memory
        assert client.post(f"/api/papers/{POPULAR}/vote", headers=signed_in).status_code == 200
        assert upvotes_found() == before + 1

        with site.engine.begin() as conn:
            votes.set_vote(conn, site.users["bob"], paper_id_of(conn, POPULAR), True)
        deadline = time.monotonic() + 5 * site.settings.data_version_poll_seconds
        while upvotes_found() != before + 2:
            assert time.monotonic() < deadline, "another process's vote never reached search answers"
            time.sleep(0.1)
