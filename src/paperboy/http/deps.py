"""Request-scoped dependencies shared by pages and API routes.

There is deliberately no "connection per request" dependency: FastAPI would check it out in one thread-pool
hop and run the route in another, so a request would hold a pooled connection while it waits for a thread,
the wait that deadlocked the pool under load. Routes take the engine and open a connection inside their own
thread (``with db.connect() as conn``), for as long as their queries and rendering need it.
"""

from __future__ import annotations

import threading

from fastapi import FastAPI, Request
from sqlalchemy.engine import Engine

from paperboy.config import Settings
from paperboy.http.replica import reads_replica
from paperboy.memo import VersionedMemo
from paperboy.search.service import SearchService

_CREATE = threading.Lock()


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_engine(request: Request) -> Engine:
    """The primary, or the read replica for a plain read when one is configured (``replica.py``)."""
    replica = getattr(request.app.state, "replica", None)
    if replica is not None and reads_replica(request):
        return replica
    return request.app.state.engine


def memo_for(app: FastAPI, name: str) -> VersionedMemo:
    """The app's memo called ``name`` (``paperboy.memo``), made on first use: kept until the data version
    moves, holding at most ``PAPERBOY_SEARCH_MEMO_PAPERS`` values; without a data-version watch (no server
    around the app) nothing is kept."""
    memo = getattr(app.state, "memos", {}).get(name)
    if memo is not None:
        return memo
    with _CREATE:
        if getattr(app.state, "memos", None) is None:
            app.state.memos = {}
        if name not in app.state.memos:
            watch = getattr(app.state, "data_version", None)
            token = (lambda: watch.token) if watch is not None else (lambda: None)
            app.state.memos[name] = VersionedMemo(token, app.state.settings.search_memo_papers)
        return app.state.memos[name]


def service_for(app: FastAPI) -> SearchService:
    """The app's one search service: made at start-up by the server, on first use without a lifespan."""
    service = getattr(app.state, "search", None)
    if service is None:
        views = memo_for(app, "search_views")  # takes the lock itself
        with _CREATE:
            service = getattr(app.state, "search", None)
            if service is None:
                service = SearchService(app.state.engine, app.state.settings)
                service.remember_views(views)
                app.state.search = service
    return service


def get_search(request: Request) -> SearchService:
    return service_for(request.app)
