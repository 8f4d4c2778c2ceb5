"""The outermost middleware: a request id for every request, its metrics, and the JSON access log line.

The request id comes from the ``X-Request-ID`` header when a proxy (or a client) sent a plausible one, else it
is made here; it is echoed in the answer and attached to every log line written while serving the request.
Metrics are labelled by route template (``/papers/{arxiv_id}``), never by raw path, so a crawler cannot
grow the series without bound; answers no route gave (unknown paths, refusals) count as ``other``.

In the text log format uvicorn writes the access log, as before; in the JSON format this middleware writes it
(``paperboy.access``), with the request id and the duration, and uvicorn's own is off. ``PAPERBOY_ACCESS_LOG``
turns either off.
"""

from __future__ import annotations

import logging
import os
import re
import time
from collections import OrderedDict
from typing import Any

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from paperboy.ops import metrics
from paperboy.ops.logs import REQUEST_ID

HEADER = b"x-request-id"
ACCEPTED_ID = re.compile(rb"[A-Za-z0-9._:@/+=-]{1,128}")
TEMPLATES_KEPT = 16384  # paths whose template is remembered for cache hits (more than the cache holds)
OTHER = "other"  # no route answered: unknown paths (404) and requests refused before routing
access = logging.getLogger("paperboy.access")


class RequestObserver:
    def __init__(self, app: ASGIApp, access_log: bool) -> None:
        self.app = app
        self.access_log = access_log
        self._templates: OrderedDict[tuple[str, str], str] = OrderedDict()
        self._series: dict[tuple[str, str, int], tuple[Any, Any]] = {}  # bounded: templates × methods × 5

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        sent = dict(scope.get("headers", [])).get(HEADER, b"")
        request_id = sent.decode() if ACCEPTED_ID.fullmatch(sent) else os.urandom(16).hex()
        token = REQUEST_ID.set(request_id)
        began = time.perf_counter()
        status = 500

        async def send_with_id(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != HEADER]
                message["headers"] = headers + [(HEADER, request_id.encode())]
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        except Exception:
            status = 500
            metrics.EXCEPTIONS.labels(self._template(scope), scope["method"]).inc()
            raise
        finally:
            seconds = time.perf_counter() - began
            self._record(scope, status, seconds)
            REQUEST_ID.reset(token)

    def _record(self, scope: Scope, status: int, seconds: float) -> None:
        key = (self._template(scope), scope["method"], status // 100)
        series = self._series.get(key)
        if series is None:  # labels() takes a lock and builds keys: look each combination up once
            route, method, kind = key
            series = self._series[key] = (
                metrics.REQUESTS.labels(route, method, f"{kind}xx"),
                metrics.LATENCY.labels(route, method),
            )
        series[0].inc()
        series[1].observe(seconds)
        if self.access_log:
            query = scope.get("query_string", b"").decode("latin-1")
            path = scope["path"] + ("?" + query if query else "")
            access.info(
                "%s %s %d",
                scope["method"],
                path,
                status,
                extra={
                    "method": scope["method"],
                    "path": path,
                    "status": status,
                    "duration_ms": round(seconds * 1000, 2),
                    "client": (scope.get("client") or ("", 0))[0],
                },
            )

    def _template(self, scope: Scope) -> str:
        """The route's path template, as the router found it; answers that never reached the router (cache
        hits) take the template this path had when the router last answered it here."""
        key = (scope["method"], scope["path"])
        route = scope.get("route")
        path = getattr(route, "path", None) if route is not None else None
        if path:
            self._templates[key] = path
            self._templates.move_to_end(key)
            while len(self._templates) > TEMPLATES_KEPT:
                self._templates.popitem(last=False)
            return path
        return self._templates.get(key, OTHER)
