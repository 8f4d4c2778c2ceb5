"""Two real ``paperboy serve`` processes, as on two app hosts: one PostgreSQL database and one secret shared,
an index folder each. A reader must not be able to tell which host answered: a vote or comment made on one
shows on the other at once (each host's response cache follows the database's data version), a newly
ingested paper becomes searchable on both within the refresh period, and a session, its CSRF token, links
signed with the shared secret and the login throttle hold across hosts."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from paperboy.auth.service import create_user
from paperboy.models import Author, Batch, Paper
from paperboy.store.engine import create_engine
from paperboy.store.migrate import upgrade
from paperboy.store.papers_write import write_batch
from paperboy.store.schema import papers
from tests.conftest import load_hf_daily, make_postgres_database
from tests.server.conftest import ServerProcess, link_day_slice

pytestmark = pytest.mark.postgres
POLL = 0.2  # PAPERBOY_DATA_VERSION_POLL_SECONDS
REFRESH = 1.0  # PAPERBOY_SEARCH_REFRESH_SECONDS
AT_ONCE = POLL + 3.0  # one poll, plus a busy machine's scheduling
PASSWORD = "correct horse battery staple"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def _until(check: Callable[[], bool], timeout: float, problem: str) -> float:
    began = time.monotonic()
    while not check():
        assert time.monotonic() - began < timeout, problem
        time.sleep(0.05)
    return time.monotonic() - began


def _token(client: httpx.Client, path: str) -> str:
    page = client.get(path)
    assert page.status_code == 200, page.text[:500]
    return CSRF.search(page.text).group(1)  # type: ignore[union-attr]


def test_two_app_hosts_on_one_database_answer_alike(tmp_path: Path) -> None:
    url, drop = make_postgres_database()
    engine = create_engine(url)
    hosts: list[ServerProcess] = []
    try:
        upgrade(engine)
        link_day_slice(tmp_path / "days", 2)
        load_hf_daily(engine, tmp_path / "days")
        create_user(engine, "alice", "alice@example.org", PASSWORD, False)
        with engine.connect() as conn:
            arxiv_id = conn.execute(sa.select(papers.c.arxiv_id).order_by(papers.c.id).limit(1)).scalar_one()
        for name in ("a", "b"):
            host = ServerProcess(url, tmp_path / f"host-{name}")
            host.env.update(
                PAPERBOY_SECRET_KEY="one-secret-shared-by-every-host-of-this-site",
                PAPERBOY_DATA_VERSION_POLL_SECONDS=str(POLL),
                PAPERBOY_SEARCH_REFRESH_SECONDS=str(REFRESH),
                PAPERBOY_LOGIN_LIMIT="3",
            )
            hosts.append(host.start())
        for host in hosts:
            host.wait_ready()
        a, b = (httpx.Client(base_url=h.url, timeout=10, trust_env=False) for h in hosts)
        reader_a, reader_b = (httpx.Client(base_url=h.url, timeout=10, trust_env=False) for h in hosts)
        api = f"/api/papers/{arxiv_id}"
        before = reader_b.get(api).json()  # now in host B's response cache

        # A session opened on A works on B, and B's form token is accepted by A.
        signed_in = a.post(
            "/login",
            data={"csrf_token": _token(a, "/login"), "login": "alice", "password": PASSWORD, "next": "/"},
        )
        assert signed_in.status_code == 303 and "pb_session" in a.cookies
        b.cookies.update(a.cookies)
        token = _token(b, f"/papers/{arxiv_id}")
        assert "alice" in b.get(f"/papers/{arxiv_id}").text
        voted = a.post(
            f"/papers/{arxiv_id}/vote",
            data={"csrf_token": token, "value": "1"},
            headers={"Accept": "application/json"},
        )
        assert voted.status_code == 200, voted.text[:500]
        took = _until(
            lambda: reader_b.get(api).json()["upvotes"] == before["upvotes"] + 1,
            AT_ONCE,
            "host B kept serving the upvote count from before the vote on host A",
        )
        print(f"vote on A seen on B after {took:.2f} s")

        text = f"Seen from both hosts {time.time_ns()}"
        posted = b.post(f"/papers/{arxiv_id}/comments", data={"csrf_token": token, "body": text})
        assert posted.status_code == 303, posted.text[:500]
        _until(
            lambda: (
                text in reader_a.get(f"/papers/{arxiv_id}").text
                and reader_a.get(api).json()["numComments"] == before["numComments"] + 1
            ),
            AT_ONCE,
            "host A kept serving the paper page from before the comment on host B",
        )
        # A private link made on one host opens on the other (here the personal Atom feed).
        made = a.post("/settings/feed", data={"csrf_token": token})
        assert made.status_code == 200, made.text[:500]
        feed = re.search(r'/for-you/[^"<\s]+\.atom', made.text)
        assert feed is not None, made.text[:500]
        assert reader_b.get(feed.group(0)).status_code == 200
        forged = a.post(f"/papers/{arxiv_id}/vote", data={"csrf_token": "forged", "value": "0"})
        assert forged.status_code == 403  # and a wrong token is refused on either host

        # A paper ingested by anyone (here straight into the database) becomes searchable on both hosts.
        word = f"zyxquorbium{time.time_ns() % 10_000}"
        paper = Paper(
            arxiv_id="2611.99999",
            title=f"The {word} lattice",
            abstract="A new paper, ingested while both hosts are serving.",
            version=1,
            authors=[Author("Ada Lovelace")],
            submitted_at=datetime.now(UTC),
        )
        with engine.begin() as conn:
            write_batch(conn, Batch(label="test", papers=[paper]))
        for host, reader in zip(hosts, (reader_a, reader_b), strict=True):
            took = _until(
                lambda reader=reader: any(
                    hit["paper"]["id"] == "2611.99999"
                    for hit in reader.get("/api/papers/search", params={"q": word}).json()
                ),
                REFRESH + 10,
                f"{host.url} never found the new paper",
            )
            print(f"new paper searchable on {host.url} after {took:.2f} s")

        # Failures count wherever they land: three wrong passwords are allowed across A and B (alice's own
        # sign-in on A was a success, which does not count), and from then on both hosts refuse.
        stranger_a = httpx.Client(base_url=hosts[0].url, timeout=10, trust_env=False)
        stranger_b = httpx.Client(base_url=hosts[1].url, timeout=10, trust_env=False)
        login_token = _token(stranger_a, "/login")
        stranger_b.cookies.update(stranger_a.cookies)  # the same browser, routed to either host
        codes = []
        for client in (stranger_a, stranger_b, stranger_a, stranger_b, stranger_a):
            form = {"csrf_token": login_token, "login": "alice", "password": "wrong", "next": "/"}
            codes.append(client.post("/login", data=form).status_code)
        assert codes == [400, 400, 400, 429, 429], codes
    finally:
        for host in hosts:
            host.kill()
        engine.dispose()
        drop()
