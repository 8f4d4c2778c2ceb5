"""``/metrics`` scraped from a real ``paperboy serve --workers 2`` as Prometheus would, both backends.

What an operator relies on: every request counted once whichever worker answered it, under its route
template; the response cache's hits visible; ingest lag, embedding backlog and outbox depth read from the
database; the search index age; and nobody outside the machine reading any of it without the token.
"""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest
from fastapi.testclient import TestClient
from prometheus_client.parser import text_string_to_metric_families

from paperboy.ops.gauges import DatabaseGauges
from paperboy.store import embedding_queue
from paperboy.store.outbox import add_digests
from paperboy.store.schema import papers, subscriptions
from tests.conftest import make_settings
from tests.ops.conftest import StartServer
from tests.server.conftest import LoadedDatabase

pytestmark = pytest.mark.timeout(180)
PAPER_VISITS = 12


def samples(text: str) -> dict[tuple[str, frozenset], float]:
    """Every sample of an exposition, keyed by name and labels."""
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(found: dict, name: str, **labels: str) -> float | None:
    return found.get((name, frozenset(labels.items())))


def total(found: dict, name: str, **labels: str) -> float:
    return sum(v for (n, ls), v in found.items() if n == name and set(labels.items()) <= ls)


def test_scrape_adds_up_both_workers(loaded_database: LoadedDatabase, serve: StartServer) -> None:
    server = serve(loaded_database.url, "--workers", "2")
    paper = loaded_database.papers[0]
    with httpx.Client(base_url=server.url, timeout=15, trust_env=False) as client:
        for _ in range(PAPER_VISITS):  # new connections: the kernel spreads them over both workers
            assert httpx.get(f"{server.url}/papers/{paper.arxiv_id}", trust_env=False).status_code == 200
        assert client.get("/no/such/page").status_code == 404
        answer = client.get("/metrics")
    assert answer.status_code == 200, answer.text
    assert answer.headers["content-type"].startswith("text/plain; version=")
    found = samples(answer.text)

    route = dict(route="/papers/{arxiv_id:path}", method="GET")
    assert value(found, "paperboy_http_requests_total", status="2xx", **route) == PAPER_VISITS
    assert value(found, "paperboy_http_request_duration_seconds_count", **route) == PAPER_VISITS
    assert value(found, "paperboy_http_requests_total", route="other", method="GET", status="4xx") == 1
    # Each worker renders the page once at most, then answers from memory.
    assert value(found, "paperboy_response_cache_lookups_total", result="hit") >= PAPER_VISITS - 2
    assert value(found, "paperboy_admission_waiting") == 0
    assert value(found, "paperboy_admission_refused_total") == 0
    assert value(found, "paperboy_database_up") == 1
    assert value(found, "paperboy_digest_outbox_depth") == 0
    lags = {dict(ls)["source"]: v for (n, ls), v in found.items() if n == "paperboy_ingest_lag_seconds"}
    assert lags, "the slice was ingested: its source has a checkpoint"
    assert all(0 <= lag < 600 for lag in lags.values()), lags
    assert 0 <= value(found, "paperboy_search_index_age_seconds") < 60


def test_database_gauges_follow_the_queue_and_outbox(engine) -> None:  # type: ignore[no-untyped-def]
    """Backlog and outbox depth are counts an operator can check with ``paperboy stats``: both backends."""
    with engine.begin() as conn:
        ids = [
            conn.execute(
                papers.insert().values(arxiv_id=f"2501.0000{n}", title=f"Paper {n}", abstract="An abstract.")
            ).inserted_primary_key[0]
            for n in range(3)
        ]
        embedding_queue.enqueue_papers(conn, "all-MiniLM-L6-v2", ids)
        sid = conn.execute(
            subscriptions.insert().values(email="reader@example.org", token="t" * 32, status="active")
        ).inserted_primary_key[0]
        add_digests(
            conn, [(sid, "2026-01-05", "reader@example.org", [{"paper_id": ids[0]}])], datetime.now(UTC)
        )
    found = samples_of(DatabaseGauges(engine, "all-MiniLM-L6-v2"))
    assert found[("paperboy_embedding_backlog", frozenset({("model", "all-MiniLM-L6-v2")}))] == 3
    assert found[("paperboy_digest_outbox_depth", frozenset())] == 1


def samples_of(collector: DatabaseGauges) -> dict[tuple[str, frozenset], float]:
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in collector.collect()
        for sample in family.samples
    }


def test_token_guards_metrics_from_elsewhere(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """The test client is not a loopback address: it stands for a host elsewhere on the network."""
    from paperboy.server import create_app
    from paperboy.store.engine import create_engine
    from paperboy.store.migrate import upgrade

    url = f"sqlite:///{tmp_path / 'p.db'}"
    upgrade(create_engine(url))
    open_app = create_app(make_settings(url, search_model="none"))
    with TestClient(open_app) as client:
        refused = client.get("/metrics")
        assert refused.status_code == 403 and "PAPERBOY_METRICS_TOKEN" in refused.text
    guarded = create_app(make_settings(url, search_model="none", metrics_token="s3cret-token"))
    with TestClient(guarded) as client:
        assert client.get("/metrics").status_code == 401
        assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 401
        allowed = client.get("/metrics", headers={"Authorization": "Bearer s3cret-token"})
        assert allowed.status_code == 200 and "paperboy_http_requests_total" in allowed.text
        assert "no-store" in allowed.headers["cache-control"]


def test_admission_gauges_and_refusals_count_what_the_gate_does() -> None:
    """One slot, no queue: while a request holds the slot the gauge says so, and the next one is refused."""
    import anyio
    from prometheus_client import REGISTRY

    from paperboy.http.admission import Admission

    release = anyio.Event()

    async def slow(scope, receive, send):  # type: ignore[no-untyped-def]
        await release.wait()
        await send({"type": "http.response.start", "status": 200, "headers": []})
        await send({"type": "http.response.body", "body": b""})

    gate = Admission(slow, limit=1, wait_seconds=1.0, queue_limit=0, refuse_after=0.0)
    statuses: list[int] = []

    async def request() -> None:
        async def receive():  # type: ignore[no-untyped-def]
            return {"type": "http.request", "body": b""}

        async def send(message):  # type: ignore[no-untyped-def]
            if message["type"] == "http.response.start":
                statuses.append(message["status"])

        await gate({"type": "http", "method": "GET", "path": "/", "headers": []}, receive, send)

    async def scenario() -> tuple[float, float]:
        refused_before = REGISTRY.get_sample_value("paperboy_admission_refused_total")
        async with anyio.create_task_group() as tasks:
            tasks.start_soon(request)
            await anyio.sleep(0.05)
            active = REGISTRY.get_sample_value("paperboy_admission_active")
            await request()  # no slot, no queue: refused at once
            release.set()
        return active, REGISTRY.get_sample_value("paperboy_admission_refused_total") - refused_before

    active, refused = anyio.run(scenario)
    assert active == 1 and refused == 1
    assert sorted(statuses) == [200, 503]
    assert REGISTRY.get_sample_value("paperboy_admission_active") == 0
