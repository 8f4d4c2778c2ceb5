"""A reader's library rows (saved in folders, imported, "not interested"): the only code that writes them.

The rules (which kinds exclude each other, what counts as saved, when picks go stale) belong to
``digest.library``; these functions take the kinds they act on as arguments and decide nothing.
The unique key (user, kind, folder, paper) makes adding the same item twice a no-op, however many
requests race.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from paperboy.store.dialect import upsert
from paperboy.store.schema import library_items, papers


def add_library_items(
    conn: Connection, user_id: int, kind: str, items: Sequence[tuple[str, str | None]], folder: str = ""
) -> int:
    """Add (arxiv id, title) items of one kind; returns how many were new."""
    added = 0
    for arxiv_id, title in items:
        stmt = (
            upsert(conn, library_items)
            .values(user_id=user_id, arxiv_id=arxiv_id, title=title, kind=kind, folder=folder)
            .on_conflict_do_nothing()
            .returning(library_items.c.id)
        )
        added += conn.execute(stmt).scalar() is not None
    return added


def held(conn: Connection, user_id: int, kinds: Sequence[str], arxiv_ids: Sequence[str]) -> set[str]:
    """Which of ``arxiv_ids`` the reader holds under any of ``kinds`` (in any folder)."""
    rows = conn.execute(
        sa.select(library_items.c.arxiv_id).where(
            library_items.c.user_id == user_id,
            library_items.c.kind.in_(kinds),
            library_items.c.arxiv_id.in_(arxiv_ids),
        )
    )
    return set(rows.scalars())


def delete_kinds(conn: Connection, user_id: int, kinds: Sequence[str], arxiv_ids: Sequence[str]) -> int:
    """Drop the reader's rows of ``kinds`` on these papers, in every folder; returns how many went."""
    return conn.execute(
        sa.delete(library_items).where(
            library_items.c.user_id == user_id,
            library_items.c.kind.in_(kinds),
            library_items.c.arxiv_id.in_(arxiv_ids),
        )
    ).rowcount


def delete_item(
    conn: Connection,
    user_id: int,
    arxiv_id: str,
    kinds: Sequence[str] | None = None,
    folder: str | None = None,
) -> int:
    """Drop one paper's rows (only of ``kinds`` / in ``folder`` when given); returns how many went."""
    where = [library_items.c.user_id == user_id, library_items.c.arxiv_id == arxiv_id]
    if kinds is not None:
        where.append(library_items.c.kind.in_(kinds))
    if folder is not None:
        where.append(library_items.c.folder == folder)
    return conn.execute(sa.delete(library_items).where(*where)).rowcount


def refile(
    conn: Connection, user_id: int, arxiv_id: str, kinds: Sequence[str], kind: str, folder: str
) -> bool:
    """Replace the paper's rows of ``kinds`` by one row of ``kind`` in ``folder``, keeping its title;
    False (and nothing changed) when it has no such row."""
    mine = [
        library_items.c.user_id == user_id,
        library_items.c.arxiv_id == arxiv_id,
        library_items.c.kind.in_(kinds),
    ]
    found = conn.execute(sa.select(library_items.c.title).where(*mine)).first()
    if found is None:
        return False
    conn.execute(sa.delete(library_items).where(*mine))
    conn.execute(
        sa.insert(library_items).values(
            user_id=user_id, arxiv_id=arxiv_id, title=found.title, kind=kind, folder=folder
        )
    )
    return True


def kinds_of(conn: Connection, user_id: int) -> list[tuple[str, str]]:
    """(arxiv id, kind) of every row the reader has, one per row (a paper in two folders comes twice)."""
    rows = conn.execute(
        sa.select(library_items.c.arxiv_id, library_items.c.kind).where(library_items.c.user_id == user_id)
    )
    return [(arxiv_id, kind) for arxiv_id, kind in rows]


def items_with_titles(conn: Connection, user_id: int) -> list[dict]:
    """Every library row with the paper's title when we hold it; saved and imported first, by folder."""
    rows = conn.execute(
        sa.select(
            library_items.c.arxiv_id,
            library_items.c.kind,
            library_items.c.folder,
            library_items.c.added_at,
            sa.func.coalesce(papers.c.title, library_items.c.title).label("title"),
            papers.c.id.label("paper_id"),
        )
        .outerjoin(papers, papers.c.arxiv_id == library_items.c.arxiv_id)
        .where(library_items.c.user_id == user_id)
        .order_by(
            library_items.c.kind == "not_interested", library_items.c.folder, library_items.c.added_at.desc()
        )
    )
    return [dict(r._mapping) for r in rows]


def rows(conn: Connection, user_id: int) -> list[dict]:
    """The reader's library rows as stored, by kind then folder, newest first."""
    found = conn.execute(
        sa.select(library_items)
        .where(library_items.c.user_id == user_id)
        .order_by(library_items.c.kind, library_items.c.folder, library_items.c.added_at.desc())
    )
    return [dict(r._mapping) for r in found]
