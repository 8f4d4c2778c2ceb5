"""Schema migrations: ``paperboy migrate`` applies them; the server refuses an outdated schema."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

from paperboy.errors import SchemaOutdated

MIGRATIONS = Path(__file__).with_name("migrations")


def _config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str:
    head = ScriptDirectory.from_config(_config()).get_current_head()
    assert head is not None, "no migrations found"
    return head


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Apply pending migrations; safe to run on an up-to-date database.

    On SQLite a migration may rebuild a table; foreign keys are switched off around it (they cannot be
    switched inside a transaction) and checked afterwards, as SQLite's documentation prescribes.
    """
    config = _config()
    with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:
            conn.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
        try:
            with conn.begin():
                config.attributes["connection"] = conn
                command.upgrade(config, revision)
                if sqlite:
                    broken = conn.exec_driver_sql("PRAGMA foreign_key_check").fetchall()
                    if broken:
                        raise RuntimeError(f"migration left dangling foreign keys: {broken[:5]}")
        finally:
            if sqlite:
                conn.connection.driver_connection.execute("PRAGMA foreign_keys=ON")


def make_revision(engine: Engine, message: str) -> None:
    """Developer helper: autogenerate a migration from the difference between schema.py and the database."""
    config = _config()
    with engine.begin() as conn:
        config.attributes["connection"] = conn
        command.revision(config, message=message, autogenerate=True)


def ensure_current(engine: Engine, auto_migrate: bool) -> None:
    """Refuse to serve an outdated schema unless told to migrate, so no request meets a missing column."""
    current, head = current_revision(engine), head_revision()
    if current == head:
        return
    if auto_migrate:
        upgrade(engine)
        return
    raise SchemaOutdated(
        f"database schema is at {current or 'nothing (empty database)'}, the code needs {head}: "
        "run `paperboy migrate` (or set PAPERBOY_AUTO_MIGRATE=1)"
    )
