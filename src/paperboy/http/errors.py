"""The one place errors become HTTP: paperboy errors, Starlette's and validation failures, JSON or pages."""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from paperboy.errors import NeedsLogin, PaperboyError, TooManyRequests
from paperboy.http.responses import wants_json


def install_error_handlers(app: FastAPI, render_error: Callable[[Request, int, str], Response]) -> None:
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
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'] if p != 'query')}: {err['msg']}" for err in exc.errors()
        )
        if wants_json(request.scope):
            return JSONResponse({"error": problems, "detail": exc.errors()}, status_code=422)
        return render_error(request, 400, problems)
