"""The data version: one number that moves on with every committed change a reader could see.

Triggers (migration 0006) keep it, whoever writes; the web process reads it to know whether a cached page
is still current. Reading it is one primary-key lookup.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from paperboy.store.schema import data_version


def current(conn: Connection) -> int:
    value = conn.execute(sa.select(data_version.c.version).where(data_version.c.id == 1)).scalar()
    return int(value or 0)
