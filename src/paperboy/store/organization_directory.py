"""The ``/organizations`` index: every organization with papers, how many, found by any of its names.

One grouped count over papers with an organization (the ``organization_id`` index), folded onto canonical
organizations; a name filter matches any handle, full name, display name or alias, so "deepmind" finds
Google DeepMind. Organizations whose papers are all hidden are left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from paperboy.models import Organization
from paperboy.org_names import key
from paperboy.store.organizations import group_of, record
from paperboy.store.papers import VISIBLE
from paperboy.store.schema import organization_aliases, organizations, papers

Order = Literal["papers", "name"]
head = organizations.alias("head")


@dataclass(frozen=True, slots=True)
class Listed:
    organization: Organization
    papers: int
    handles: int  # how many Hugging Face handles it gathers


def _like(text: str) -> str:
    return "%" + text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _matching(text: str) -> sa.ColumnElement:
    """Canonical organizations with a name containing ``text`` (any case; or its key, any punctuation)."""
    pattern = _like(text)
    by_name = sa.select(group_of).where(
        sa.or_(
            sa.func.lower(organizations.c.name).like(pattern, escape="\\"),
            sa.func.lower(organizations.c.fullname).like(pattern, escape="\\"),
            sa.func.lower(organizations.c.display_name).like(pattern, escape="\\"),
        )
    )
    k = key(text)
    if k:
        by_key = sa.select(organization_aliases.c.organization_id).where(
            organization_aliases.c.key.like(_like(k), escape="\\")
        )
        by_name = sa.union(by_name, by_key)  # type: ignore[assignment]
    return head.c.id.in_(by_name)


def _groups() -> sa.Subquery:
    """(canonical id, visible papers, handles with papers, a handle's avatar) per organization."""
    per_handle = (
        sa.select(papers.c.organization_id, sa.func.count().label("n"))
        .where(VISIBLE, papers.c.organization_id.is_not(None))
        .group_by(papers.c.organization_id)
        .subquery()
    )
    grouped = (
        sa.select(
            group_of.label("gid"),
            sa.func.sum(per_handle.c.n).label("papers"),
            sa.func.count().label("handles"),
            sa.func.max(organizations.c.avatar_url).label("avatar"),
        )
        .select_from(per_handle.join(organizations, organizations.c.id == per_handle.c.organization_id))
        .group_by(group_of)
        .subquery()
    )
    return grouped


def _query(text: str) -> tuple[sa.Select, sa.Subquery]:
    grouped = _groups()
    query = sa.select(
        head.c.name, head.c.fullname, head.c.display_name, head.c.avatar_url, grouped
    ).select_from(grouped.join(head, head.c.id == grouped.c.gid))
    if text.strip():
        query = query.where(_matching(text.strip()))
    return query, grouped


def directory(
    conn: Connection, text: str = "", order: Order = "papers", limit: int = 50, offset: int = 0
) -> list[Listed]:
    """Organizations with visible papers, most papers first (or by name), filtered by ``text``."""
    query, grouped = _query(text)
    shown = sa.func.lower(sa.func.coalesce(head.c.display_name, head.c.fullname, head.c.name))
    if order == "name":
        query = query.order_by(shown, head.c.id)
    else:
        query = query.order_by(grouped.c.papers.desc(), shown, head.c.id)
    return [
        Listed(record(r.name, r.fullname, r.display_name, r.avatar_url or r.avatar), int(r.papers), r.handles)
        for r in conn.execute(query.limit(limit).offset(offset))
    ]


def count_directory(conn: Connection, text: str = "") -> int:
    query, _ = _query(text)
    return conn.execute(sa.select(sa.func.count()).select_from(query.subquery())).scalar_one()
