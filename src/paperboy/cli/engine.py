"""The one way a command opens the database: the configured URL, and a schema the code understands."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from paperboy.config import get_settings


def open_engine(check_schema: bool = True, migrate: bool = False) -> Engine:
    """The engine of PAPERBOY_DATABASE_URL, refusing an outdated schema as the server does.

    ``migrate`` (or PAPERBOY_AUTO_MIGRATE) brings the schema up to date instead of refusing; only the
    commands that create or migrate the schema themselves pass ``check_schema=False``.
    """
    from paperboy.store.engine import engine_for
    from paperboy.store.migrate import ensure_current

    settings = get_settings()
    engine = engine_for(settings.database_url)
    if check_schema:
        ensure_current(engine, auto_migrate=migrate or settings.auto_migrate)
    return engine
