"""Moderators' changes to organizations: merge, split, promote a handle, display names, aliases.

Each function runs in the caller's transaction and keeps two invariants: an alias always points at a
canonical organization, and a handle's ``canonical_id`` is NULL or names a canonical one. Papers never move:
they keep the handle they were imported with, so every change here can be undone.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from paperboy.errors import BadRequest, NotFound
from paperboy.org_names import key
from paperboy.store.organizations import Found, group_of, handles_of, in_group, register_names, resolve
from paperboy.store.papers import VISIBLE
from paperboy.store.schema import organization_aliases, organizations, papers

# A busier handle becomes the organization's address only when clearly busier, so it does not flip back
# and forth as papers arrive: at least twice the papers and PROMOTE_MARGIN more.
PROMOTE_MARGIN = 3


def _touch(conn: Connection, *canonical_ids: int) -> None:
    """Papers of these organizations count as changed: search indexes pick up their organization's names."""
    for canonical_id in set(canonical_ids):
        conn.execute(
            sa.update(papers).where(in_group(canonical_id)).values(modified_at=sa.func.current_timestamp())
        )


def find(conn: Connection, text: str) -> Found:
    found = resolve(conn, text)
    if found is None:
        raise NotFound(f"no organization is called {text!r}")
    return found


def _handle(conn: Connection, name: str) -> sa.Row:
    row = conn.execute(sa.select(organizations).where(organizations.c.name == name)).first()
    if row is None:
        raise NotFound(f"no organization handle {name!r} (handles are exact, e.g. GoogleDeepMind)")
    return row


def _move(conn: Connection, old: int, new: int) -> None:
    """Everything of canonical organization ``old`` (its handles and aliases) now belongs to ``new``."""
    conn.execute(
        sa.update(organizations)
        .where(sa.or_(organizations.c.canonical_id == old, organizations.c.id == old))
        .values(canonical_id=new)
    )
    conn.execute(
        sa.update(organization_aliases)
        .where(organization_aliases.c.organization_id == old)
        .values(organization_id=new)
    )


def promote(conn: Connection, handle_id: int) -> None:
    """Make this handle the canonical one of its organization (its address); the old one redirects to it."""
    row = conn.execute(sa.select(organizations).where(organizations.c.id == handle_id)).one()
    old = row.canonical_id
    if old is None:
        return
    chosen = conn.execute(sa.select(organizations.c.display_name).where(organizations.c.id == old)).scalar()
    _move(conn, old, handle_id)
    conn.execute(
        sa.update(organizations)
        .where(organizations.c.id == handle_id)
        .values(canonical_id=None, display_name=sa.func.coalesce(organizations.c.display_name, chosen))
    )
    _touch(conn, handle_id)


def merge(conn: Connection, source: str, into: str) -> str:
    """``source``'s organization becomes part of ``into``'s; returns the canonical handle.

    When ``into`` is a handle of the same organization, that handle becomes its canonical one instead.
    """
    moved = find(conn, source)
    target = conn.execute(sa.select(organizations).where(organizations.c.name == into)).first()
    if target is not None and (target.canonical_id or target.id) == moved.id:
        if target.id == moved.id:
            raise BadRequest(f"{source!r} and {into!r} are already one organization, {moved.name}")
        promote(conn, target.id)
        return target.name
    goal = find(conn, into)
    if goal.id == moved.id:
        raise BadRequest(f"{source!r} and {into!r} are already one organization, {goal.name}")
    _move(conn, moved.id, goal.id)
    conn.execute(sa.update(organizations).where(organizations.c.id == goal.id).values(canonical_id=None))
    _touch(conn, goal.id)
    return goal.name


def split(conn: Connection, handle: str) -> str:
    """Take a handle out of its organization: it becomes an organization of its own again."""
    row = _handle(conn, handle)
    if row.canonical_id is None:
        raise BadRequest(
            f"{handle} is its organization's main handle; make another handle the main one first "
            f"(merge {handle} into it), then split {handle}"
        )
    conn.execute(sa.update(organizations).where(organizations.c.id == row.id).values(canonical_id=None))
    # Its own spelling and full name go with it, unless a handle that stays still has that full name.
    staying = conn.execute(sa.select(organizations.c.fullname).where(handles_of(row.canonical_id))).scalars()
    shared = {key(name) for name in staying}
    own = {key(handle)} | ({key(row.fullname)} - shared if row.fullname else set())
    conn.execute(
        sa.update(organization_aliases)
        .where(
            organization_aliases.c.key.in_(sorted(own - {""})),
            organization_aliases.c.organization_id == row.canonical_id,
            organization_aliases.c.curated.is_(False),
        )
        .values(organization_id=row.id)
    )
    register_names(conn, [(handle, row.id), (row.fullname, row.id)])
    _touch(conn, row.id, row.canonical_id)
    return handle


def rename(conn: Connection, name: str, shown: str) -> str:
    """Set the name pages show (empty: back to the Hugging Face full name); it also becomes an alias."""
    found = find(conn, name)
    text = " ".join(shown.split())
    if len(text) > 200:
        raise BadRequest("A display name has at most 200 characters.")
    conn.execute(
        sa.update(organizations).where(organizations.c.id == found.id).values(display_name=text or None)
    )
    if text:
        register_names(conn, [(text, found.id)], curated=True)
    _touch(conn, found.id)
    return found.name


def _member_keys(conn: Connection, canonical_id: int) -> set[str]:
    names = conn.execute(sa.select(organizations.c.name).where(handles_of(canonical_id))).scalars()
    return {key(n) for n in names}


def add_alias(conn: Connection, name: str, alias: str) -> str:
    """Make ``alias`` one more name of the organization (follows and addresses then find it)."""
    found = find(conn, name)
    k = key(alias)
    if not k:
        raise BadRequest("An alias needs at least one letter or digit.")
    owner = conn.execute(
        sa.select(organization_aliases.c.organization_id).where(organization_aliases.c.key == k)
    ).scalar()
    if owner is not None and owner != found.id:
        other = conn.execute(sa.select(organizations.c.name).where(organizations.c.id == owner)).scalar_one()
        raise BadRequest(f"{alias!r} already names {other}; remove it there or merge the two organizations")
    if owner is None:
        register_names(conn, [(alias, found.id)], curated=True)
    else:
        conn.execute(
            sa.update(organization_aliases).where(organization_aliases.c.key == k).values(curated=True)
        )
    return found.name


def remove_alias(conn: Connection, alias: str) -> str:
    """Forget a name; a handle's own spelling stays (split the handle instead)."""
    k = key(alias)
    owner = (
        k
        and conn.execute(
            sa.select(organization_aliases.c.organization_id).where(organization_aliases.c.key == k)
        ).scalar()
    )
    if not owner:
        raise NotFound(f"no organization has the alias {alias!r}")
    if k in _member_keys(conn, owner):
        raise BadRequest(f"{alias!r} is the spelling of one of its handles; split that handle instead")
    conn.execute(sa.delete(organization_aliases).where(organization_aliases.c.key == k))
    return conn.execute(sa.select(organizations.c.name).where(organizations.c.id == owner)).scalar_one()


def promote_busiest(conn: Connection, handle_ids: Iterable[int]) -> None:
    """In organizations nobody named by hand, a clearly busier handle becomes the address.

    Imports meet handles in date order, so the first handle seen (a personal account, a short-lived team
    name) would otherwise stay the address of a university for good. Groups with a display name were chosen
    by a moderator or the seed, and stay as they are.
    """
    ids = sorted(set(handle_ids))
    if not ids:
        return
    head = organizations.alias("head")
    merged = (
        conn.execute(
            sa.select(organizations.c.canonical_id)
            .distinct()
            .join(head, head.c.id == organizations.c.canonical_id)
            .where(
                organizations.c.canonical_id.in_(
                    sa.select(group_of).where(organizations.c.id.in_(ids)).scalar_subquery()
                ),
                head.c.display_name.is_(None),
            )
        )
        .scalars()
        .all()
    )
    if not merged:
        return
    counts = (
        sa.select(organizations.c.id, group_of.label("gid"), sa.func.count(papers.c.id).label("n"))
        .select_from(
            organizations.outerjoin(papers, sa.and_(papers.c.organization_id == organizations.c.id, VISIBLE))
        )
        .where(group_of.in_(merged))
        .group_by(organizations.c.id, group_of)
    )
    per_group: dict[int, list[tuple[int, int]]] = {}
    for ident, gid, n in conn.execute(counts):
        per_group.setdefault(gid, []).append((n, ident))
    for gid, members in per_group.items():
        current = next(n for n, ident in members if ident == gid)
        best, best_id = max(members)
        if best_id != gid and best >= 2 * current and best >= current + PROMOTE_MARGIN:
            promote(conn, best_id)
