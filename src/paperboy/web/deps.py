"""Request-scoped dependencies shared by pages and API routes."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import Request
from sqlalchemy.engine import Connection, Engine

from paperboy.config import Settings


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


def get_engine(request: Request) -> Engine:
    return request.app.state.engine


def get_conn(request: Request) -> Iterator[Connection]:
    """A read connection for one request; writes open their own transaction."""
    with request.app.state.engine.connect() as conn:
        yield conn
