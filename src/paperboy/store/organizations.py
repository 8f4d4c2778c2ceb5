"""Organizations as one thing under many names: handles, aliases, the canonical organization they stand for.

Hugging Face gives each paper an organization *handle* (``deepmind``, ``GoogleDeepMind``); every handle is a
row of ``organizations`` and papers keep theirs. A handle is either canonical (``canonical_id`` NULL) or
another name of a canonical one. ``organization_aliases`` maps matching keys (``org_names.key``) to canonical
organizations. The merge rules, applied when an import meets a handle for the first time:

1. a handle already stored is what it was (a moderator's split or merge stands);
2. a new handle whose key is known joins that organization (``Google-DeepMind`` → ``GoogleDeepMind``);
3. else one whose full name's key is known joins that one ("Zhejiang University" under ``zju``);
4. else it is a new canonical organization, and its handle and full name become keys.

Only a canonical handle's full name becomes a key, so one mislabelled handle cannot chain two organizations
together. Moderators change all of it afterwards (``organization_edits``).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from paperboy.models import Organization
from paperboy.org_names import display, key
from paperboy.store.dialect import upsert
from paperboy.store.papers import VISIBLE
from paperboy.store.schema import organization_aliases, organizations, papers

group_of = sa.func.coalesce(organizations.c.canonical_id, organizations.c.id)


@dataclass(frozen=True, slots=True)
class Found:
    """Where a name leads: the canonical organization, and whether the name is exactly its handle."""

    id: int
    name: str
    exact: bool


@dataclass(slots=True)
class Member:
    """One handle of an organization, as Hugging Face wrote it, with its visible papers."""

    name: str
    fullname: str | None
    papers: int
    canonical: bool


@dataclass(slots=True)
class Alias:
    key: str
    name: str
    curated: bool


@dataclass(slots=True)
class Group:
    """A canonical organization with everything it is also called."""

    id: int
    organization: Organization  # name: the canonical handle; fullname: the name pages show
    display_name: str | None  # what a moderator chose, if anything
    members: list[Member] = field(default_factory=list)
    aliases: list[Alias] = field(default_factory=list)


def record(name: str, fullname: str | None, chosen: str | None, avatar: str | None) -> Organization:
    """A canonical organization as pages show it: its handle, its display name, its avatar."""
    return Organization(name=name, fullname=display(name, fullname, chosen), avatar_url=avatar)


def resolve(conn: Connection, text: str) -> Found | None:
    """The canonical organization behind a handle (exactly) or any name (by its key), or None."""
    row = conn.execute(
        sa.select(group_of, organizations.c.canonical_id.is_(None)).where(organizations.c.name == text)
    ).first()
    if row is not None:
        target, exact = row[0], bool(row[1])
    else:
        k = key(text)
        target = (
            k
            and conn.execute(
                sa.select(organization_aliases.c.organization_id).where(organization_aliases.c.key == k)
            ).scalar()
        )
        if not target:
            return None
        exact = False
    name = conn.execute(sa.select(organizations.c.name).where(organizations.c.id == target)).scalar_one()
    return Found(id=target, name=name, exact=exact and name == text)


def handles_of(canonical_id: int) -> sa.ColumnElement:
    """The handles of a canonical organization (itself and its others), by primary key and index."""
    return sa.or_(organizations.c.id == canonical_id, organizations.c.canonical_id == canonical_id)


def in_group(canonical_id: int) -> sa.ColumnElement:
    """Papers of every handle of this canonical organization."""
    handles = sa.select(organizations.c.id).where(handles_of(canonical_id))
    return papers.c.organization_id.in_(handles.scalar_subquery())


def group(conn: Connection, canonical_id: int) -> Group:
    """The organization with its handles (most papers first) and aliases (curated first)."""
    head = conn.execute(sa.select(organizations).where(organizations.c.id == canonical_id)).one()
    counts = (
        sa.select(papers.c.organization_id, sa.func.count().label("n"))
        .where(VISIBLE, in_group(canonical_id))
        .group_by(papers.c.organization_id)
        .subquery()
    )
    rows = conn.execute(
        sa.select(
            organizations.c.id,
            organizations.c.name,
            organizations.c.fullname,
            organizations.c.avatar_url,
            sa.func.coalesce(counts.c.n, 0),
        )
        .select_from(organizations.outerjoin(counts, counts.c.organization_id == organizations.c.id))
        .where(handles_of(canonical_id))
    ).all()
    members = sorted(
        (Member(r.name, r.fullname, r[4], r.id == canonical_id) for r in rows),
        key=lambda m: (not m.canonical, -m.papers, m.name.lower()),
    )
    avatar = head.avatar_url or next((r.avatar_url for r in rows if r.avatar_url), None)
    names = conn.execute(
        sa.select(organization_aliases.c.key, organization_aliases.c.name, organization_aliases.c.curated)
        .where(organization_aliases.c.organization_id == canonical_id)
        .order_by(organization_aliases.c.curated.desc(), organization_aliases.c.key)
    )
    return Group(
        id=canonical_id,
        organization=record(head.name, head.fullname, head.display_name, avatar),
        display_name=head.display_name,
        members=members,
        aliases=[Alias(k, n, bool(c)) for k, n, c in names],
    )


def alias_keys(conn: Connection) -> dict[str, str]:
    """Every alias key → the key of its canonical handle: how a followed name finds its papers' handles."""
    rows = conn.execute(
        sa.select(organization_aliases.c.key, organizations.c.name).join(
            organizations, organizations.c.id == organization_aliases.c.organization_id
        )
    )
    return {k: key(name) for k, name in rows}


def register_names(conn: Connection, names: Iterable[tuple[str | None, int]], curated: bool = False) -> None:
    """Make each name a key of its organization unless the key already means something."""
    rows: dict[str, dict] = {}
    for name, target in names:
        k = key(name)
        if k and k not in rows:
            rows[k] = {"key": k, "organization_id": target, "name": " ".join((name or "").split())[:500]}
            rows[k]["curated"] = curated
    if rows:
        stmt = upsert(conn, organization_aliases).on_conflict_do_nothing(index_elements=["key"])
        conn.execute(stmt, list(rows.values()))


def _known(conn: Connection, keys: Iterable[str]) -> dict[str, int]:
    wanted = sorted({k for k in keys if k})
    if not wanted:
        return {}
    query = sa.select(organization_aliases.c.key, organization_aliases.c.organization_id)
    return dict(conn.execute(query.where(organization_aliases.c.key.in_(wanted))).all())


def _add_handle(conn: Connection, org: Organization) -> None:
    """A handle seen for the first time, placed by the merge rules (module docstring)."""
    found = _known(conn, (key(org.name), key(org.fullname)))
    target = found.get(key(org.name)) or found.get(key(org.fullname))
    stmt = upsert(conn, organizations).on_conflict_do_nothing(index_elements=["name"])
    values = {
        "name": org.name,
        "fullname": org.fullname,
        "avatar_url": org.avatar_url,
        "canonical_id": target,
    }
    conn.execute(stmt.values(**values))
    ident, canonical_id = conn.execute(
        sa.select(organizations.c.id, organizations.c.canonical_id).where(organizations.c.name == org.name)
    ).one()
    owner = canonical_id or ident
    register_names(conn, [(org.name, owner)] + ([(org.fullname, owner)] if canonical_id is None else []))


def upsert_handles(conn: Connection, orgs: Iterable[Organization]) -> dict[str, int]:
    """Store the handles an import brought (latest full name and avatar win) → handle id by name.

    New handles are placed one at a time, so two spellings arriving in one batch find each other.
    """
    unique = {org.name: org for org in orgs}
    if not unique:
        return {}
    known = set(
        conn.execute(sa.select(organizations.c.name).where(organizations.c.name.in_(unique))).scalars()
    )
    for name, org in unique.items():
        if name not in known:
            _add_handle(conn, org)
    stmt = upsert(conn, organizations)
    stmt = stmt.on_conflict_do_update(
        index_elements=["name"],
        set_={
            "fullname": sa.func.coalesce(stmt.excluded.fullname, organizations.c.fullname),
            "avatar_url": sa.func.coalesce(stmt.excluded.avatar_url, organizations.c.avatar_url),
        },
    )
    conn.execute(
        stmt, [{"name": o.name, "fullname": o.fullname, "avatar_url": o.avatar_url} for o in unique.values()]
    )
    found = conn.execute(
        sa.select(organizations.c.name, organizations.c.id).where(organizations.c.name.in_(unique))
    )
    return {name: ident for name, ident in found}
