"""A real local HTTP server standing in for arXiv and Hugging Face, replaying recorded responses.

Routes match on path and query parameters (order-insensitive). A route may hold a sequence of responses to
script failures (a 503, then a 429 with Retry-After, then the real body); every request is recorded with
its headers and arrival time, so tests can check politeness.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit


@dataclass
class Reply:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0
    with_length: bool = True  # False: no Content-Length, the body ends when the connection closes


@dataclass
class Seen:
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    at: float


def _key(path: str, query: dict[str, str]) -> tuple[str, tuple]:
    return path, tuple(sorted(query.items()))


class _QuietServer(ThreadingHTTPServer):
    """A client that stops reading on purpose (a body over its size limit) is not a server error."""

    def handle_error(self, request, client_address) -> None:  # type: ignore[no-untyped-def]
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


class Upstream:
    def __init__(self) -> None:
        self.routes: dict[tuple, list[Reply]] = defaultdict(list)
        self.fallback: Reply | None = None  # the answer to anything not routed (a 404 unless set)
        self.requests: list[Seen] = []
        self.lock = threading.Lock()
        upstream = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                parts = urlsplit(self.path)
                query = dict(parse_qsl(parts.query, keep_blank_values=True))
                with upstream.lock:
                    upstream.requests.append(Seen(parts.path, query, dict(self.headers), time.monotonic()))
                    replies = upstream.routes.get(_key(parts.path, query))
                    reply = (replies.pop(0) if len(replies) > 1 else replies[0]) if replies else None
                if reply is None:
                    reply = upstream.fallback or Reply(404, f"no recorded response for {self.path}".encode())
                if reply.delay:
                    time.sleep(reply.delay)
                self.send_response(reply.status)
                for name, value in reply.headers.items():
                    self.send_header(name, value)
                if reply.with_length:
                    self.send_header("Content-Length", str(len(reply.body)))
                self.end_headers()
                self.wfile.write(reply.body)

            do_HEAD = do_GET

            def log_message(self, *args: object) -> None:
                pass

        self.server = _QuietServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def add(self, path: str, query: dict[str, object], *replies: Reply) -> None:
        self.routes[_key(path, {k: str(v) for k, v in query.items()})].extend(replies)

    def add_url(self, url: str, reply: Reply) -> None:
        """Route a recorded absolute URL (its host is replaced by ours)."""
        parts = urlsplit(url)
        self.add(parts.path, dict(parse_qsl(parts.query, keep_blank_values=True)), reply)

    def add_recorded(self, recording: Path) -> dict:
        """A recorded arXiv response file: {"url", "status_code", "body", ...}."""
        data = json.loads(recording.read_text())
        self.add_url(
            data["url"],
            Reply(data["status_code"], data["body"].encode(), {"Content-Type": "application/atom+xml"}),
        )
        return data

    def __enter__(self) -> Upstream:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
