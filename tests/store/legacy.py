"""Writers as they were before a migration, for tests that load rows into an older schema and upgrade it."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from paperboy.models import Organization

# ``organizations`` before migration 0010: a handle, its full name and avatar, nothing more.
OLD_ORGANIZATIONS = sa.table(
    "organizations",
    sa.column("id", sa.Integer),
    sa.column("name", sa.String),
    sa.column("fullname", sa.String),
    sa.column("avatar_url", sa.String),
)


def legacy_handles(conn: Connection, orgs: Iterable[Organization]) -> dict[str, int]:
    """Handles stored the way imports stored them before organizations had aliases."""
    unique = {org.name: org for org in orgs}
    if not unique:
        return {}
    table = OLD_ORGANIZATIONS
    known = set(conn.execute(sa.select(table.c.name).where(table.c.name.in_(unique))).scalars())
    new = [{"name": o.name, "fullname": o.fullname, "avatar_url": o.avatar_url} for o in unique.values()]
    new = [row for row in new if row["name"] not in known]
    if new:
        conn.execute(table.insert(), new)
    return dict(conn.execute(sa.select(table.c.name, table.c.id).where(table.c.name.in_(unique))).all())
