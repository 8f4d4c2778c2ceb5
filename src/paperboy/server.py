"""The app factory and ASGI wiring: routes of the pages and the JSON API, the middleware stack, start-up.

The middleware stack, outermost first, is the request's path through the process:

0. ``RequestObserver``: the request id, the request's metrics and (JSON logs) its access log line.
1. ``SecurityMiddleware``: security headers on every answer, 413 for oversized bodies.
2. ``ServerErrors``: an unexpected exception becomes the friendly 500 page, logged, the connection kept.
3. ``HeadAsGet``: HEAD is answered as GET without the body, on every route.
4. ``ResponseCache``: anonymous pages and API answers from memory while the data version holds (no thread,
   no connection); everything else passes, ``no-store`` unless its handler chose.
5. ``Admission``: at most ``PAPERBOY_WEB_THREADS`` requests at work, a bounded queue, then 503.
6. ``GZipMiddleware`` and ``SessionMiddleware`` (who is asking), then the routes.

Start-up (the lifespan) sizes the thread pool to the admission limit, starts the data-version watch and warms
search up in the background; ``/readyz`` says when that is done.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import anyio.to_thread
from fastapi import Depends, FastAPI, Request
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from sqlalchemy.engine import Engine
from starlette.middleware.gzip import GZipMiddleware
from uvicorn.config import LOGGING_CONFIG

from paperboy import __version__
from paperboy.config import Settings, get_settings
from paperboy.http.admission import Admission
from paperboy.http.cache import ResponseCache
from paperboy.http.data_version import DataVersionWatch
from paperboy.http.errors import ServerErrors, install_error_handlers
from paperboy.http.head import HeadAsGet
from paperboy.http.params import no_nul_in_path
from paperboy.http.replica import StickToPrimary
from paperboy.http.security import SecurityMiddleware
from paperboy.http.session import SessionMiddleware
from paperboy.media import index as media
from paperboy.ops import multiprocess
from paperboy.ops.logs import uvicorn_log_config
from paperboy.ops.observe import RequestObserver
from paperboy.store.engine import engine_for
from paperboy.store.migrate import ensure_current
from paperboy.web.api_docs import ASSETS as API_DOCS_ASSETS
from paperboy.web.api_docs import SWAGGER_UI
from paperboy.web.render import render_error

STATIC = Path(__file__).with_name("web") / "static"
THREAD_HEADROOM = 4  # health checks, static files and start-up work, which skip the admission gate
log = logging.getLogger(__name__)


class WarmUp:
    """Loads what a reader's first request would otherwise wait for, in a thread, while the site answers."""

    def __init__(self, app: FastAPI) -> None:
        self.app = app
        self.status = "loading"
        self.done = threading.Event()

    def start(self) -> None:
        threading.Thread(target=self._run, name="paperboy-warm-up", daemon=True).start()

    def _run(self) -> None:
        from paperboy.http.deps import service_for
        from paperboy.web.render import ENV

        try:
            for name in ("feed.html", "paper.html", "search.html", "error.html"):
                ENV.get_template(name)
            service = service_for(self.app)
            service.warm_up()
            service.start()
            self.status = "ok"
        except Exception as exc:  # noqa: BLE001 - reported by /readyz; the site keeps answering
            log.exception("warm-up failed")
            self.status = f"failed: {str(exc).splitlines()[0][:200] if str(exc) else type(exc).__name__}"
        finally:
            self.done.set()


@asynccontextmanager
async def lifespan(app: FastAPI) -> AsyncIterator[None]:
    settings: Settings = app.state.settings
    anyio.to_thread.current_default_thread_limiter().total_tokens = settings.web_threads + THREAD_HEADROOM
    watch: DataVersionWatch = app.state.data_version
    await anyio.to_thread.run_sync(watch.read_now)
    watch.start()
    app.state.warm_up = warm = WarmUp(app)
    warm.start()
    # Ready before serving on an ordinary corpus; a first build of a huge index goes on in the background.
    if not await anyio.to_thread.run_sync(warm.done.wait, settings.startup_wait_seconds):
        log.warning(
            "still loading search after %.0f s; answering by keywords meanwhile",
            settings.startup_wait_seconds,
        )
    try:
        yield
    finally:
        watch.stop()
        multiprocess.process_exiting()
        search = getattr(app.state, "search", None)
        if search is not None:
            search.close(timeout=1.0)


def uvicorn_options(settings: Settings) -> dict[str, object]:
    """How ``paperboy serve`` runs uvicorn; bench/load.py runs its bare reference app with the same."""
    return {
        "proxy_headers": True,
        "log_level": "info",
        # In the JSON format the app writes the access log itself, with the request id (ops/observe.py).
        "access_log": settings.access_log and settings.log_format == "text",
        "log_config": uvicorn_log_config(settings.log_format) or LOGGING_CONFIG,
        "loop": "auto",  # uvloop when installed (uvicorn[standard])
        "http": "auto",  # httptools when installed
        "backlog": 2048,
        "timeout_keep_alive": 5,
        "timeout_graceful_shutdown": int(settings.shutdown_seconds),
    }


def create_app(
    settings: Settings | None = None, engine: Engine | None = None, check_schema: bool = True
) -> FastAPI:
    """Build the app; refuses to start on an outdated schema unless PAPERBOY_AUTO_MIGRATE is set."""
    settings = settings or get_settings()
    engine = engine or engine_for(settings.database_url, settings.pool_size)
    if check_schema:
        ensure_current(engine, settings.auto_migrate)
    app = FastAPI(
        title=settings.site_name,
        version=__version__,
        docs_url=None,  # web.api_docs serves Swagger UI from our own origin
        redoc_url=None,
        openapi_url="/api/openapi.json",
        lifespan=lifespan,
        dependencies=[Depends(no_nul_in_path), Depends(bind_media)],
    )
    app.state.settings = settings
    app.state.engine = engine
    replica = (
        engine_for(settings.database_replica_url, settings.pool_size)
        if settings.database_replica_url
        else None
    )
    app.state.replica = replica
    # With a replica, pages are read there: their cache follows the replica's data version (http/replica.py).
    app.state.data_version = DataVersionWatch(replica or engine, settings.data_version_poll_seconds)
    # Which pictures we hold copies of: reloaded by the watch when the data version moves (media/index.py).
    watch = app.state.data_version
    app.state.media = media.MediaIndex(replica or engine, settings.base_url, lambda: watch.running)
    app.state.data_version.listen(app.state.media.refresh)
    install_error_handlers(app, render_error)
    _include_routes(app)
    app.mount("/static", CachedStatic(directory=STATIC), name="static")
    app.mount(API_DOCS_ASSETS, CachedStatic(directory=SWAGGER_UI), name="api-docs-assets")
    # add_middleware wraps: the last added is the outermost (see the module docstring for the order).
    app.add_middleware(SessionMiddleware)
    if replica is not None:
        app.add_middleware(StickToPrimary, seconds=settings.replica_stick_seconds)
    app.add_middleware(GZipMiddleware, minimum_size=1024, compresslevel=6)
    app.add_middleware(
        Admission,
        limit=settings.web_threads,
        wait_seconds=settings.web_queue_seconds,
        queue_limit=settings.web_queue_limit,
    )
    app.add_middleware(
        ResponseCache,
        watch=app.state.data_version,
        entries=settings.cache_entries,
        max_age=settings.cache_max_age_seconds,
    )
    app.add_middleware(HeadAsGet)
    app.add_middleware(ServerErrors, render_error=render_error)
    app.add_middleware(SecurityMiddleware, max_body_bytes=settings.max_body_bytes)
    app.add_middleware(RequestObserver, access_log=settings.access_log and settings.log_format == "json")
    return app


async def bind_media(request: Request) -> None:
    """Every route's serializers and templates find this app's picture index (``media.index``)."""
    media.bind(getattr(request.app.state, "media", None))


def _include_routes(app: FastAPI) -> None:
    from paperboy.api.community_routes import router as community_api_router
    from paperboy.api.me_routes import router as me_api_router
    from paperboy.api.routes import router as api_router
    from paperboy.api.search_routes import router as search_api_router
    from paperboy.api.submit_routes import router as submit_api_router
    from paperboy.http.health import router as health_router
    from paperboy.ops.metrics_route import router as metrics_router
    from paperboy.web.abstracts import router as abstracts_router
    from paperboy.web.api_docs import router as api_docs_router
    from paperboy.web.auth_pages import router as auth_router
    from paperboy.web.claims import router as claims_router
    from paperboy.web.community import router as community_router
    from paperboy.web.digest_pages import router as digest_router
    from paperboy.web.discovery import router as discovery_router
    from paperboy.web.feed_link_pages import router as feed_link_router
    from paperboy.web.feeds import router as feeds_router
    from paperboy.web.foryou_pages import router as foryou_router
    from paperboy.web.library_pages import router as library_router
    from paperboy.web.media import router as media_router
    from paperboy.web.organizations import router as organizations_router
    from paperboy.web.pages import router as pages_router
    from paperboy.web.search_page import router as search_page_router
    from paperboy.web.settings_page import router as settings_router
    from paperboy.web.submit_page import router as submit_router
    from paperboy.web.users import router as users_router
    from paperboy.web.views import router as views_router

    app.include_router(health_router)
    app.include_router(media_router)
    app.include_router(api_docs_router)
    app.include_router(metrics_router)
    app.include_router(search_api_router)  # first: /api/papers/search and /api/papers/{id}/similar
    app.include_router(search_page_router)
    app.include_router(me_api_router)
    app.include_router(community_api_router)  # before api_router: /api/papers/{id}/comments is not an id
    app.include_router(api_router)
    app.include_router(submit_api_router)
    app.include_router(auth_router)
    app.include_router(settings_router)
    app.include_router(feed_link_router)
    app.include_router(submit_router)
    app.include_router(community_router)
    app.include_router(feeds_router)  # before discovery: /authors/{name}/feed.rss is not an author
    app.include_router(discovery_router)  # before pages: /papers/trending is not a paper id
    app.include_router(organizations_router)
    app.include_router(users_router)
    app.include_router(claims_router)
    app.include_router(digest_router)
    app.include_router(foryou_router)
    app.include_router(library_router)
    app.include_router(views_router)
    app.include_router(abstracts_router)  # before pages: /papers/{id}/abstract is not a paper id
    app.include_router(pages_router)


class CachedStatic(StaticFiles):
    """Static URLs carry a content hash (``?v=``), so browsers may keep them for a year."""

    async def get_response(self, path: str, scope) -> Response:  # type: ignore[no-untyped-def]
        response = await super().get_response(path, scope)
        if response.status_code == 200:
            response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        return response
