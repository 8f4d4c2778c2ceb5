"""A real ``paperboy serve`` under a burst of readers, and under SIGTERM while requests are in flight.

What an operator would notice: a burst of 100 visitors (a link shared somewhere) must get every page, paper,
API answer and search within seconds, cold right after start and warm again after, and the server must still
answer afterwards; ``systemctl stop`` / ``docker stop`` (SIGTERM) during traffic must stop the process on its
own, each open request either answered or cut off, none left hanging. SQLite and PostgreSQL.
"""

from __future__ import annotations

import asyncio
import os
import random
import re
import signal
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import httpx
import pytest

from tests.server.conftest import LoadedDatabase, PaperRef, ServerProcess

pytestmark = pytest.mark.timeout(150)  # a backstop; every wait below has its own, much shorter bound

BURST = 100
PER_REQUEST = 15.0  # seconds one visitor may wait for one answer
WHOLE_BURST = 30.0  # seconds for all of them
IN_FLIGHT = 64  # open requests when SIGTERM arrives
EXIT_BOUND = 20.0  # seconds the server may take to stop after SIGTERM
MIX = {"home": 5, "day": 10, "paper": 25, "api_paper": 20, "daily": 10, "api_search": 15, "search": 15}


@dataclass(frozen=True)
class Call:
    """One GET a visitor makes, and text the answer must hold for the visitor to get what they came for."""

    path: str
    expect: str


@dataclass
class Outcome:
    call: Call
    status: int | None = None
    body_has_expected: bool = False
    error: str | None = None
    hung: bool = False  # no answer and no disconnect within the bound: what a visitor experiences as a hang
    sent: bool = False  # the whole request reached the server's socket
    seconds: float = 0.0
    finished: bool = False  # the exchange ended one way or another (answer, error, bound or cancellation)

    def describe(self) -> str:
        what = f"HTTP {self.status}" if self.status is not None else self.error
        missing = "" if self.body_has_expected or self.status is None else f", no {self.call.expect!r}"
        return f"{what}{missing} after {self.seconds:.2f} s: GET {self.call.path}"


def query_from(title: str) -> str | None:
    """The two longest words of a title: what someone half-remembering the paper would type."""
    words = sorted({word.lower() for word in re.findall(r"[A-Za-z][A-Za-z-]{4,}[A-Za-z]", title)}, key=len)
    return " ".join(words[-2:]) if len(words) >= 2 else None


def request_mix(database: LoadedDatabase, total: int) -> list[Call]:
    """``total`` GETs in the proportions of ``MIX``, each over a distinct day, paper or query of the slice."""
    counts = {kind: share * total // sum(MIX.values()) for kind, share in MIX.items()}
    counts["paper"] += total - sum(counts.values())
    days = sorted(database.days)
    papers = database.papers
    random.Random(20260821).shuffle(papers)
    paper_pages = papers[: counts["paper"]]
    api_papers = papers[counts["paper"] : counts["paper"] + counts["api_paper"]]
    queries: list[tuple[str, PaperRef]] = []
    for paper in papers[counts["paper"] + counts["api_paper"] :]:
        query = query_from(paper.title)
        if query and query not in {q for q, _ in queries}:
            queries.append((query, paper))
    api_queries, page_queries = queries[: counts["api_search"]], queries[counts["api_search"] :]
    step = max(1, len(days) // max(1, counts["day"] + counts["daily"]))
    spread = days[::step][::-1]  # newest first, one day every `step`

    def first_of(day: str) -> str:
        return database.days[day][0].arxiv_id

    calls = [Call("/", first_of(days[-1])) for _ in range(counts["home"])]
    calls += [Call(f"/papers/date/{day}", first_of(day)) for day in spread[: counts["day"]]]
    calls += [Call(f"/api/daily_papers?date={day}", first_of(day)) for day in spread[-counts["daily"] :]]
    calls += [Call(f"/papers/{paper.arxiv_id}", paper.arxiv_id) for paper in paper_pages]
    calls += [Call(f"/api/papers/{paper.arxiv_id}", paper.arxiv_id) for paper in api_papers]
    calls += [Call(f"/api/papers/search?q={quote(q)}", p.arxiv_id) for q, p in api_queries]
    calls += [Call(f"/search?q={quote(q)}", p.arxiv_id) for q, p in page_queries[: counts["search"]]]
    assert len(calls) == total, f"the slice is too small for {total} distinct requests"
    random.Random(total).shuffle(calls)  # interleave the kinds, as real traffic does
    return calls


def tracer(outcome: Outcome) -> Callable[[str, dict[str, Any]], Any]:
    """An httpcore trace hook marking the moment the request has been written in full."""

    async def trace(event: str, _info: dict[str, Any]) -> None:
        if event == "http11.send_request_body.complete":
            outcome.sent = True

    return trace


async def fetch(client: httpx.AsyncClient, outcome: Outcome, gate: asyncio.Event, bound: float) -> None:
    """One visitor: wait for the gate, then GET with a hard bound on the whole exchange."""
    await gate.wait()
    started = time.monotonic()
    try:
        response = await asyncio.wait_for(
            client.get(outcome.call.path, extensions={"trace": tracer(outcome)}), bound
        )
    except (TimeoutError, httpx.TimeoutException):
        outcome.hung = True
        outcome.error = f"no answer within {bound:.0f} s"
    except httpx.TransportError as exc:
        outcome.error = f"{type(exc).__name__}: {exc}"
    else:
        outcome.status = response.status_code
        outcome.body_has_expected = outcome.call.expect in response.text
    finally:
        outcome.seconds = time.monotonic() - started
        outcome.finished = True


def client_for(url: str, connections: int, bound: float) -> httpx.AsyncClient:
    """Enough connections for every visitor at once; no proxy from the environment for 127.0.0.1."""
    return httpx.AsyncClient(
        base_url=url,
        timeout=httpx.Timeout(bound),
        limits=httpx.Limits(max_connections=connections, max_keepalive_connections=connections),
        trust_env=False,
    )


async def burst(url: str, calls: list[Call]) -> tuple[list[Outcome], float]:
    """All ``calls`` released at the same instant; returns their outcomes and the burst's wall time."""
    outcomes = [Outcome(call) for call in calls]
    gate = asyncio.Event()
    async with client_for(url, len(calls), PER_REQUEST) as client:
        tasks = [asyncio.create_task(fetch(client, outcome, gate, PER_REQUEST)) for outcome in outcomes]
        await asyncio.sleep(0)  # every task is now waiting at the gate
        started = time.monotonic()
        gate.set()
        _done, pending = await asyncio.wait(tasks, timeout=WHOLE_BURST)
        wall = time.monotonic() - started
        for task in pending:
            task.cancel()
        await asyncio.gather(*pending, return_exceptions=True)
    for outcome in outcomes:
        if outcome.status is None and outcome.error is None:  # cancelled above
            outcome.hung, outcome.error = True, f"still open after the {WHOLE_BURST:.0f} s burst bound"
    return outcomes, wall


def still_answering(server: ServerProcess) -> list[str]:
    """Problems a visitor arriving after the burst would see (empty when the server is fine)."""
    problems = []
    with httpx.Client(base_url=server.url, timeout=PER_REQUEST, trust_env=False) as client:
        for path in ("/healthz", "/readyz", "/"):
            try:
                status = client.get(path).status_code
            except httpx.TransportError as exc:
                problems.append(f"GET {path}: {type(exc).__name__}: {exc}")
                continue
            if status != 200:
                problems.append(f"GET {path}: HTTP {status}")
    return problems


def listing(outcomes: list[Outcome], limit: int = 15) -> str:
    lines = [outcome.describe() for outcome in outcomes[:limit]]
    if len(outcomes) > limit:
        lines.append(f"... and {len(outcomes) - limit} more")
    return "\n".join(lines)


def test_burst_of_100_visitors_cold_then_warm(
    loaded_database: LoadedDatabase, start_server: Callable[..., ServerProcess]
) -> None:
    """Every one of 100 simultaneous visitors gets a full answer within 15 s, both right after the server
    reports ready (indexes and caches cold) and again warm; the server still answers afterwards."""
    calls = request_mix(loaded_database, BURST)
    # Shedding with 503 after the default 5 s in the queue is tested in tests/http/test_admission.py; here
    # every visitor may wait up to the bound, so a cold burst on two shared cores is judged by that alone.
    server = start_server(loaded_database, PAPERBOY_WEB_QUEUE_SECONDS=str(PER_REQUEST - 2))
    ready_after = server.wait_ready()
    for run in ("cold", "warm"):
        outcomes, wall = asyncio.run(burst(server.url, calls))
        bad = [
            outcome
            for outcome in outcomes
            if outcome.status is None
            or not 200 <= outcome.status < 300
            or not outcome.body_has_expected
            or outcome.seconds > PER_REQUEST
        ]
        assert not bad, server.explain(
            f"{loaded_database.backend}, {run} burst of {BURST} (ready after {ready_after:.1f} s): "
            f"{len(bad)} visitors did not get their answer:\n{listing(bad)}"
        )
        assert wall <= WHOLE_BURST, server.explain(f"{run} burst took {wall:.1f} s")
        problems = still_answering(server)
        assert not problems, server.explain(f"after the {run} burst:\n" + "\n".join(problems))
        slowest = max(outcome.seconds for outcome in outcomes)
        print(f"{loaded_database.backend} {run}: {BURST} answers in {wall:.2f} s, slowest {slowest:.2f} s")


async def sigterm_during_requests(
    server: ServerProcess, calls: list[Call]
) -> tuple[list[Outcome], int, int | None, float]:
    """Send ``calls`` at once, SIGTERM the server as soon as all are written, and watch it stop.

    Returns the outcomes, how many requests were open (written, unanswered) at SIGTERM, the exit code (None if
    the server was still running ``EXIT_BOUND`` seconds later) and the seconds it took to exit."""
    outcomes = [Outcome(call) for call in calls]
    gate = asyncio.Event()
    request_bound = EXIT_BOUND + 5  # an answer or a disconnect must come before the server's exit bound
    async with client_for(server.url, len(calls), request_bound) as client:
        tasks = [asyncio.create_task(fetch(client, outcome, gate, request_bound)) for outcome in outcomes]
        await asyncio.sleep(0)
        gate.set()
        written_by = time.monotonic() + 10
        while not all(outcome.sent for outcome in outcomes) and time.monotonic() < written_by:
            await asyncio.sleep(0.005)
        open_at_term = sum(outcome.sent and not outcome.finished for outcome in outcomes)
        os.kill(server.pid, signal.SIGTERM)
        term_at = time.monotonic()
        while server.process is not None and server.process.poll() is None:
            if time.monotonic() - term_at > EXIT_BOUND:
                break
            await asyncio.sleep(0.05)
        exit_code = server.process.poll() if server.process is not None else None
        exit_seconds = time.monotonic() - term_at
        if exit_code is None:
            # Failure: stop waiting on a server that will not stop (teardown SIGKILLs it).
            for task in tasks:
                task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
    for outcome in outcomes:
        if outcome.status is None and outcome.error is None:  # cancelled above
            outcome.hung, outcome.error = True, "still open when the server failed to exit"
    return outcomes, open_at_term, exit_code, exit_seconds


def test_sigterm_with_64_requests_in_flight_stops_cleanly(
    loaded_database: LoadedDatabase, start_server: Callable[[LoadedDatabase], ServerProcess]
) -> None:
    """SIGTERM (what systemd and docker send) while 64 requests, searches included, are open: the server
    exits by itself within 20 s; each request was answered (2xx, or 503 for a refused one) or cut off with a
    connection error, and none hangs."""
    calls = request_mix(loaded_database, IN_FLIGHT)
    server = start_server(loaded_database)
    server.wait_ready()
    outcomes, open_at_term, exit_code, exit_seconds = asyncio.run(sigterm_during_requests(server, calls))
    answered = [o for o in outcomes if o.status is not None]
    cut_off = [o for o in outcomes if o.status is None and not o.hung]
    summary = (
        f"{loaded_database.backend}: {open_at_term} of {len(calls)} requests open at SIGTERM; "
        f"{len(answered)} answered {dict(Counter(o.status for o in answered))}, {len(cut_off)} cut off, "
        f"{sum(o.hung for o in outcomes)} hanging"
    )
    assert exit_code is not None, server.explain(
        f"server still running {EXIT_BOUND:.0f} s after SIGTERM ({summary})"
    )
    hanging = [o for o in outcomes if o.hung]
    assert not hanging, server.explain(f"{summary}; hanging:\n{listing(hanging)}")
    wrong = [o for o in answered if not (200 <= o.status < 300 or o.status == 503)]  # type: ignore[operator]
    assert not wrong, server.explain(f"{summary}; wrong answers:\n{listing(wrong)}")
    assert open_at_term > 0, f"nothing was in flight at SIGTERM, so this proved nothing ({summary})"
    print(f"{summary}; exited {exit_code} after {exit_seconds:.2f} s")
