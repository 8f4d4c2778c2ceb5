"""``PAPERBOY_DATABASE_REPLICA_URL`` against a real primary and streaming replica that the test creates.

The replica's replay is paused to make it visibly behind: anonymous readers then see the replica's older
page (so reads really go there), while a reader who just voted and commented sees both at once (writes and
their author's next reads go to the primary). Once replay resumes, everyone sees the vote within a poll.
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa

from paperboy.auth.service import create_user
from paperboy.store.engine import create_engine
from paperboy.store.migrate import upgrade
from paperboy.store.schema import papers
from tests.conftest import load_hf_daily
from tests.ops.conftest import StartServer
from tests.ops.pg_pair import primary_and_replica
from tests.server.conftest import link_day_slice

pytestmark = [pytest.mark.postgres, pytest.mark.timeout(180)]
PASSWORD = "correct horse battery staple"
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
POLL = 0.2


def until(check: Callable[[], bool], timeout: float, problem: str) -> None:
    deadline = time.monotonic() + timeout
    while not check():
        assert time.monotonic() < deadline, problem
        time.sleep(0.1)


def form_token(client: httpx.Client, path: str) -> str:
    page = client.get(path)
    assert page.status_code == 200, page.text[:300]
    return CSRF.search(page.text).group(1)  # type: ignore[union-attr]


def test_reads_from_replica_and_own_writes_from_primary(serve: StartServer, tmp_path: Path) -> None:
    with primary_and_replica() as pair:
        engine = create_engine(pair.primary)
        upgrade(engine)
        link_day_slice(tmp_path / "days", 2)
        load_hf_daily(engine, tmp_path / "days")
        create_user(engine, "alice", "alice@example.org", PASSWORD, False)
        with engine.connect() as conn:
            arxiv_id = conn.execute(sa.select(papers.c.arxiv_id).order_by(papers.c.id).limit(1)).scalar_one()
        engine.dispose()
        pair.wait_caught_up()
        server = serve(
            pair.primary,
            PAPERBOY_DATABASE_REPLICA_URL=pair.replica,
            PAPERBOY_DATA_VERSION_POLL_SECONDS=str(POLL),
        )
        api = f"/api/papers/{arxiv_id}"
        alice = httpx.Client(base_url=server.url, timeout=10, trust_env=False)
        reader = httpx.Client(base_url=server.url, timeout=10, trust_env=False)
        with alice, reader:
            assert reader.get(api).json()["localUpvotes"] == 0

            pair.replay(False)  # the replica falls behind from here on
            signed_in = alice.post(
                "/login",
                data={"csrf_token": form_token(alice, "/login"), "login": "alice", "password": PASSWORD},
            )
            assert signed_in.status_code == 303, signed_in.text[:300]
            token = form_token(alice, f"/papers/{arxiv_id}")
            voted = alice.post(
                f"/papers/{arxiv_id}/vote",
                data={"csrf_token": token, "value": "1"},
                headers={"Accept": "application/json"},
            )
            assert voted.status_code == 200, voted.text[:300]
            remark = f"Read from the primary {time.time_ns()}"
            commented = alice.post(f"/papers/{arxiv_id}/comments", data={"csrf_token": token, "body": remark})
            assert commented.status_code == 303, commented.text[:300]
            assert "pb_primary" in alice.cookies

            # The writer sees her vote and comment at once although the replica has neither.
            assert alice.get(api).json()["localUpvotes"] == 1
            assert remark in alice.get(f"/papers/{arxiv_id}").text
            # Everyone else reads the replica, which is behind.
            time.sleep(3 * POLL)
            assert reader.get(api).json()["localUpvotes"] == 0
            assert remark not in reader.get(f"/papers/{arxiv_id}").text

            pair.replay(True)
            until(
                lambda: reader.get(api).json()["localUpvotes"] == 1,
                10.0,
                "readers still see the page from before the vote after the replica caught up",
            )
            assert remark in reader.get(f"/papers/{arxiv_id}").text
        assert "read-only transaction" not in server.log.read_text(), "a write was sent to the replica"
