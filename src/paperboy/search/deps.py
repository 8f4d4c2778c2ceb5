"""The app's one ``SearchService``, created on first use so the app factory needs no search wiring."""

from __future__ import annotations

import threading

from fastapi import FastAPI, Request

from paperboy.search.service import SearchService

_CREATE = threading.Lock()


def service_for(app: FastAPI) -> SearchService:
    service = getattr(app.state, "search", None)
    if service is None:
        with _CREATE:
            service = getattr(app.state, "search", None)
            if service is None:
                service = SearchService(app.state.engine, app.state.settings)
                app.state.search = service
    return service


def get_search(request: Request) -> SearchService:
    return service_for(request.app)
