"""Admission control: a fixed number of requests at work, a bounded wait for the rest, 503 beyond it.

This is the web process's concurrency model in one place. At most ``limit`` requests are inside the
application at once, and the thread pool has a thread for each of them (``app.py`` sizes both from
``PAPERBOY_WEB_THREADS``, and the database pool from them), so an admitted request never waits for a thread
and never waits for a connection: there is nothing left to deadlock on. Requests beyond the limit wait their
turn in arrival order, so that each is answered within about ``wait_seconds`` of arriving: a request whose
wait plus the time requests have recently held a slot would exceed that is answered ``503`` with
``Retry-After`` at once ("wait" is estimated from the queue ahead of it), and a request still waiting when
only that service time is left of its budget gives up too. The bound is on the answer, not only on the wait:
a reader's client times out on the answer. Past ``queue_limit``
waiting requests the answer is also immediate. So an overloaded server says so in milliseconds instead of
letting every reader time out. A refusal is sent after ``refuse_after`` (half a second), not at once: a
client that retries at once (a script, a load generator, a reload-happy reader) would otherwise turn the
refusals into a storm that takes the very CPU the admitted requests need.

Health checks and static files skip the gate: a load balancer must see the process alive while it is busy.
"""

from __future__ import annotations

import time

import anyio
from starlette.types import ASGIApp, Receive, Scope, Send

from paperboy.http.responses import send_plain
from paperboy.ops.metrics import ADMISSION_ACTIVE, ADMISSION_REFUSED, ADMISSION_WAITING

SMOOTHING = 0.05  # weight of the newest request in the moving average (about the last 20 count)
EXEMPT_PREFIXES = ("/healthz", "/readyz", "/static/", "/metrics")


class Admission:
    def __init__(
        self,
        app: ASGIApp,
        limit: int,
        wait_seconds: float,
        queue_limit: int,
        retry_after: int = 2,
        refuse_after: float = 0.5,
    ) -> None:
        self.app = app
        self.refuse_after = min(refuse_after, wait_seconds)
        self.limit = limit
        self.wait_seconds = wait_seconds
        self.queue_limit = queue_limit
        self.retry_after = retry_after
        self._slots: anyio.Semaphore | None = None  # made on first use, inside the server's event loop
        self.active = 0
        self.waiting = 0
        self.shed = 0
        self.service_seconds = 0.0  # moving average of the time a request holds a slot

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(EXEMPT_PREFIXES):
            await self.app(scope, receive, send)
            return
        if self._slots is None:
            self._slots = anyio.Semaphore(self.limit)
        if not await self._enter(self._slots):
            self.shed += 1
            ADMISSION_REFUSED.inc()
            await anyio.sleep(self.refuse_after)
            await send_plain(
                scope,
                send,
                503,
                "The server is busy. Please try again in a moment.",
                [(b"retry-after", str(self.retry_after).encode())],
            )
            return
        self.active += 1
        ADMISSION_ACTIVE.inc()
        began = time.monotonic()
        try:
            await self.app(scope, receive, send)
        finally:
            self.active -= 1
            ADMISSION_ACTIVE.dec()
            self._slots.release()
            self.service_seconds += SMOOTHING * (time.monotonic() - began - self.service_seconds)

    def expected_wait(self) -> float:
        """Seconds a request arriving now would wait: the queue ahead of it, served ``limit`` at a time."""
        return (self.waiting + 1) * self.service_seconds / self.limit

    def wait_budget(self) -> float:
        """How long a request may wait and still be answered within ``wait_seconds`` (at least half of it,
        so one slow kind of request cannot make the gate refuse everything that has to queue)."""
        return max(self.wait_seconds - self.service_seconds, self.wait_seconds / 2)

    async def _enter(self, slots: anyio.Semaphore) -> bool:
        """Take a slot, waiting at most ``wait_seconds``; False means the request is to be shed."""
        if slots.value > 0 and self.waiting == 0:
            await slots.acquire()
            return True
        budget = self.wait_budget()
        if self.waiting >= self.queue_limit or self.expected_wait() > budget:
            return False
        self.waiting += 1
        ADMISSION_WAITING.inc()
        try:
            with anyio.move_on_after(budget):
                await slots.acquire()
                return True
            return False
        finally:
            self.waiting -= 1
            ADMISSION_WAITING.dec()
