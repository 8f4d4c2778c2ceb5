"""The one place errors become HTTP: paperboy errors, Starlette's and validation failures, JSON or pages.

Unexpected exceptions included: ``ServerErrors`` turns them into the same friendly 500 inside every other
middleware, so the answer carries the security headers and the connection stays open for the next request.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.requests import ClientDisconnect
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from paperboy.errors import NeedsLogin, PaperboyError, TooManyRequests
from paperboy.http.responses import wants_json
from paperboy.http.security import BodyTooLarge

RenderError = Callable[[Request, int, str], Response]
SERVER_ERROR = "Something broke on our side. Please try again in a moment."
log = logging.getLogger(__name__)


def install_error_handlers(app: FastAPI, render_error: RenderError) -> None:
    """``render_error`` draws the HTML error page (the pages' look belongs to ``web``, above this package)."""

    @app.exception_handler(PaperboyError)
    async def paperboy_error(request: Request, exc: PaperboyError) -> Response:
        headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, TooManyRequests) else None
        if wants_json(request.scope):
            return JSONResponse({"error": str(exc)}, status_code=exc.status_code, headers=headers)
        if isinstance(exc, NeedsLogin) and request.method == "GET":
            return RedirectResponse(f"/login?{urlencode({'next': request.url.path})}", status_code=303)
        response = render_error(request, exc.status_code, str(exc))
        if headers:
            response.headers.update(headers)
        return response

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if wants_json(request.scope):
            return JSONResponse({"error": str(exc.detail)}, status_code=exc.status_code, headers=exc.headers)
        return render_error(request, exc.status_code, str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        problems = [_problem(request, err) for err in exc.errors()]
        message = "; ".join(f"{p['loc']}: {p['msg']}" if p["loc"] else p["msg"] for p in problems)
        if wants_json(request.scope):
            return JSONResponse({"error": message, "detail": problems}, status_code=422)
        return render_error(request, 400, message)


def _problem(request: Request, err: dict[str, Any]) -> dict[str, str]:
    """Where and what, never the input itself: it can be raw bytes, or text that cannot be encoded."""
    loc = [str(part) for part in err.get("loc", ()) if part not in ("query", "path")]
    msg = str(err.get("msg", "invalid"))
    if loc[:1] == ["body"] and err.get("type") in ("model_attributes_type", "dict_type", "json_invalid"):
        kind = request.headers.get("content-type", "none")
        if "json" not in kind:
            msg = f"the body must be JSON sent as Content-Type: application/json (got {kind[:60]!r})"
    return {"loc": ".".join(loc), "msg": msg, "type": str(err.get("type", ""))}


class ServerErrors:
    """Pure ASGI, just inside the security headers: an exception nothing else handled is logged once and
    answered with the friendly 500 page (JSON for the API). Starlette's own last resort answers text/plain
    outside every middleware and re-raises, and uvicorn then drops the keep-alive connection."""

    def __init__(self, app: ASGIApp, render_error: RenderError) -> None:
        self.app = app
        self.render_error = render_error

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except BodyTooLarge:
            raise  # the security middleware answers 413
        except ClientDisconnect:
            return  # the client left while sending its body: nobody to answer
        except Exception:
            log.exception("unexpected error answering %s %s", scope.get("method"), scope.get("path"))
            if started:
                raise  # half an answer is out: only the server can end it
            await self._answer(scope)(scope, receive, send)

    def _answer(self, scope: Scope) -> Response:
        if wants_json(scope):
            response: Response = JSONResponse({"error": SERVER_ERROR}, status_code=500)
        else:
            try:
                response = self.render_error(Request(scope), 500, SERVER_ERROR)
            except Exception:  # noqa: BLE001 - the page itself failed: a plain sentence still helps
                log.exception("the error page failed too")
                response = PlainTextResponse(SERVER_ERROR, status_code=500)
        response.headers["Cache-Control"] = "no-store"
        return response
