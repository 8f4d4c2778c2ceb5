"""Small raw-ASGI answers for the middlewares, which run before any route or template exists."""

from __future__ import annotations

import json

from starlette.types import Scope, Send


def wants_json(scope: Scope) -> bool:
    """API paths, Markdown exports and scripts that ask for JSON (vote.js) get errors as JSON."""
    path: str = scope.get("path", "")
    accept = dict(scope.get("headers", [])).get(b"accept", b"")
    return path.startswith("/api/") or path.endswith(".md") or b"application/json" in accept


async def send_plain(
    scope: Scope, send: Send, status: int, message: str, headers: list[tuple[bytes, bytes]] | None = None
) -> None:
    """A short answer in the client's kind (JSON for the API, text otherwise)."""
    if wants_json(scope):
        body, kind = json.dumps({"error": message}).encode(), b"application/json"
    else:
        body, kind = message.encode(), b"text/plain; charset=utf-8"
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", kind),
                (b"content-length", str(len(body)).encode()),
                (b"cache-control", b"no-store"),
                *(headers or []),
            ],
        }
    )
    await send({"type": "http.response.body", "body": b"" if scope.get("method") == "HEAD" else body})
