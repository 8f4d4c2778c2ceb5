"""HEAD on every GET route: the app answers the GET, the client gets its status and headers only.

FastAPI routes declare GET alone; link checkers, monitors and feed readers send HEAD and should get what
GET would say (status, type, length, validators) without the body.
"""

from __future__ import annotations

from starlette.types import ASGIApp, Message, Receive, Scope, Send


class HeadAsGet:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] != "HEAD":
            await self.app(scope, receive, send)
            return

        async def without_body(message: Message) -> None:
            if message["type"] == "http.response.body":
                if message.get("more_body", False):
                    return
                message = {"type": "http.response.body", "body": b""}
            await send(message)

        as_get = {**scope, "method": "GET"}
        await self.app(as_get, receive, without_body)
        if "route" in as_get:  # which route answered, for the request metrics outside
            scope["route"] = as_get["route"]
