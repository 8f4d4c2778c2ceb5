"""Admission control: a fixed number of requests at work, a bounded wait for the rest, 503 beyond it.

This is the web process's concurrency model in one place. At most ``limit`` requests are inside the
application at once, and the thread pool has a thread for each of them (``app.py`` sizes both from
``PAPERBOY_WEB_THREADS``, and the database pool from them), so an admitted request never waits for a thread
and never waits for a connection: there is nothing left to deadlock on. Requests beyond the limit wait their
turn in arrival order for at most ``wait_seconds``; a request that would wait longer, or arrives when
``queue_limit`` are already waiting, is answered ``503`` with ``Retry-After`` at once, so an overloaded
server says so in milliseconds instead of letting every reader time out.

Health checks and static files skip the gate: a load balancer must see the process alive while it is busy.
"""

from __future__ import annotations

import anyio
from starlette.types import ASGIApp, Receive, Scope, Send

from paperboy.http.responses import send_plain

EXEMPT_PREFIXES = ("/healthz", "/readyz", "/static/", "/metrics")


class Admission:
    def __init__(
        self, app: ASGIApp, limit: int, wait_seconds: float, queue_limit: int, retry_after: int = 2
    ) -> None:
        self.app = app
        self.limit = limit
        self.wait_seconds = wait_seconds
        self.queue_limit = queue_limit
        self.retry_after = retry_after
        self._slots: anyio.Semaphore | None = None  # made on first use, inside the server's event loop
        self.active = 0
        self.waiting = 0
        self.shed = 0

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(EXEMPT_PREFIXES):
            await self.app(scope, receive, send)
            return
        if self._slots is None:
            self._slots = anyio.Semaphore(self.limit)
        if not await self._enter(self._slots):
            self.shed += 1
            await send_plain(
                scope,
                send,
                503,
                "The server is busy. Please try again in a moment.",
                [(b"retry-after", str(self.retry_after).encode())],
            )
            return
        self.active += 1
        try:
            await self.app(scope, receive, send)
        finally:
            self.active -= 1
            self._slots.release()

    async def _enter(self, slots: anyio.Semaphore) -> bool:
        """Take a slot, waiting at most ``wait_seconds``; False means the request is to be shed."""
        if slots.value > 0 and self.waiting == 0:
            await slots.acquire()
            return True
        if self.waiting >= self.queue_limit:
            return False
        self.waiting += 1
        try:
            with anyio.move_on_after(self.wait_seconds):
                await slots.acquire()
                return True
            return False
        finally:
            self.waiting -= 1
