"""Reads from a streaming replica (``PAPERBOY_DATABASE_REPLICA_URL``), writes and a writer's next reads from
the primary.

Only the routes that take their engine from ``deps.get_engine`` (feeds, paper, organization and author pages,
the JSON API) read from the replica, and only for GET/HEAD. Everything that changes data, sessions, sign-in,
settings and every page that writes on GET (confirmation links) uses the primary. A reader who has just
changed something must see it on the next page although the replica may be a moment behind: a write answer
carries a short-lived ``pb_primary`` cookie, and while it lasts (``PAPERBOY_REPLICA_STICK_SECONDS``) that
reader reads from the primary, on any host. Requests with an API token always use the primary (scripts
rarely keep cookies).

The response cache's data version is read from the replica too, so a page is never cached under a version
newer than the data it was rendered from: it expires once the replica replays the next change.
"""

from __future__ import annotations

import time

from fastapi import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

STICKY_COOKIE = "pb_primary"
SAFE = ("GET", "HEAD")


def reads_replica(request: Request) -> bool:
    if request.method not in SAFE or request.headers.get("authorization"):
        return False
    until = request.cookies.get(STICKY_COOKIE, "")
    return not (until.isdigit() and int(until) > time.time())


class StickToPrimary:
    """Marks the answer to every write with the time until which its reader reads from the primary."""

    def __init__(self, app: ASGIApp, seconds: float) -> None:
        self.app = app
        self.seconds = max(1, round(seconds))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in SAFE:
            await self.app(scope, receive, send)
            return

        async def marked(message: Message) -> None:
            if message["type"] == "http.response.start":
                until = int(time.time()) + self.seconds
                cookie = f"{STICKY_COOKIE}={until}; Max-Age={self.seconds}; Path=/; HttpOnly; SameSite=Lax"
                message["headers"] = [*message.get("headers", []), (b"set-cookie", cookie.encode())]
            await send(message)

        await self.app(scope, receive, marked)
