"""The ASGI application: pages, JSON API, static files and the one place errors become HTTP."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.engine import Engine
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.middleware.gzip import GZipMiddleware

from paperboy import __version__
from paperboy.config import DEFAULT_SECRET, Settings, get_settings
from paperboy.errors import NeedsLogin, PaperboyError, TooManyRequests
from paperboy.store.engine import engine_for
from paperboy.store.migrate import ensure_current

STATIC = Path(__file__).with_name("static")


def _wants_json(request: Request) -> bool:
    # Scripts on our pages (vote.js) ask for JSON explicitly and get their errors as JSON too.
    accepts_json = "application/json" in request.headers.get("accept", "")
    return request.url.path.startswith("/api/") or request.url.path.endswith(".md") or accepts_json


def _install_error_handlers(app: FastAPI) -> None:
    from paperboy.web.render import render_error

    @app.exception_handler(PaperboyError)
    async def paperboy_error(request: Request, exc: PaperboyError) -> Response:
        headers = {"Retry-After": str(exc.retry_after)} if isinstance(exc, TooManyRequests) else None
        if _wants_json(request):
            return JSONResponse({"error": str(exc)}, status_code=exc.status_code, headers=headers)
        if isinstance(exc, NeedsLogin) and request.method == "GET":
            return RedirectResponse(f"/login?{urlencode({'next': request.url.path})}", status_code=303)
        response = render_error(request, exc.status_code, str(exc))
        if headers:
            response.headers.update(headers)
        return response

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if _wants_json(request):
            return JSONResponse({"error": str(exc.detail)}, status_code=exc.status_code, headers=exc.headers)
        return render_error(request, exc.status_code, str(exc.detail))

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, exc: RequestValidationError) -> Response:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'] if p != 'query')}: {err['msg']}" for err in exc.errors()
        )
        if _wants_json(request):
            return JSONResponse({"error": problems, "detail": exc.errors()}, status_code=422)
        return render_error(request, 400, problems)


def create_app(
    settings: Settings | None = None, engine: Engine | None = None, check_schema: bool = True
) -> FastAPI:
    """Build the app; refuses to start on an outdated schema unless PAPERBOY_AUTO_MIGRATE is set."""
    settings = settings or get_settings()
    if settings.is_production and settings.secret_key == DEFAULT_SECRET:
        raise RuntimeError(
            "PAPERBOY_SECRET_KEY is the development default: set a long random secret in production"
        )
    engine = engine or engine_for(settings.database_url)
    if check_schema:
        ensure_current(engine, settings.auto_migrate)
    app = FastAPI(
        title=settings.site_name,
        version=__version__,
        docs_url="/api/docs",
        redoc_url=None,
        openapi_url="/api/openapi.json",
    )
    app.state.settings = settings
    app.state.engine = engine
    _install_error_handlers(app)

    from paperboy.api.community_routes import router as community_api_router
    from paperboy.api.routes import router as api_router
    from paperboy.api.search_routes import router as search_api_router
    from paperboy.api.submit_routes import router as submit_api_router
    from paperboy.web.auth_pages import router as auth_router
    from paperboy.web.claims import router as claims_router
    from paperboy.web.community import router as community_router
    from paperboy.web.digest_pages import router as digest_router
    from paperboy.web.discovery import router as discovery_router
    from paperboy.web.feeds import router as feeds_router
    from paperboy.web.foryou_pages import router as foryou_router
    from paperboy.web.pages import router as pages_router
    from paperboy.web.search_page import router as search_page_router
    from paperboy.web.security import SecurityMiddleware
    from paperboy.web.session import session_middleware
    from paperboy.web.settings_page import router as settings_router
    from paperboy.web.submit_page import router as submit_router

    app.include_router(search_api_router)  # first: /api/papers/search and /api/papers/{id}/similar
    app.include_router(search_page_router)
    app.include_router(community_api_router)  # before api_router: /api/papers/{id}/comments is not an id
    app.include_router(api_router)
    app.include_router(submit_api_router)
    app.include_router(auth_router)
    app.include_router(settings_router)
    app.include_router(submit_router)
    app.include_router(community_router)
    app.include_router(feeds_router)  # before discovery: /authors/{name}/feed.rss is not an author
    app.include_router(discovery_router)  # before pages: /papers/trending is not a paper id
    app.include_router(claims_router)
    app.include_router(digest_router)
    app.include_router(foryou_router)
    app.include_router(pages_router)
    app.mount("/static", CachedStatic(directory=STATIC), name="static")
    app.middleware("http")(session_middleware)
    app.add_middleware(GZipMiddleware, minimum_size=1024)
    app.add_middleware(SecurityMiddleware, max_body_bytes=settings.max_body_bytes)
    return app


class CachedStatic(StaticFiles):
    """Static URLs carry a content hash (``?v=``), so browsers may keep them for a year."""

    async def get_response(self, path: str, scope) -> Response:  # type: ignore[no-untyped-def]
        response = await super().get_response(path, scope)
        if response.status_code == 200:
            response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        return response
