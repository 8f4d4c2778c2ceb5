"""Request-scoped dependencies shared by pages and API routes.

There is deliberately no "connection per request" dependency: FastAPI would check it out in one thread-pool
hop and run the route in another, so a request would hold a pooled connection while it waits for a thread,
the wait that deadlocked the pool under load. Routes take the engine and open a connection inside their own
thread (``with db.connect() as conn``), for as long as their queries and rendering need it.
"""

from __future__ import annotations

from fastapi import Request
from sqlalchemy.engine import Engine

from paperboy.config import Settings


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_engine(request: Request) -> Engine:
    return request.app.state.engine
