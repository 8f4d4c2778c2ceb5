"""A reader's library as the pages and the personal API change it: save, "not interested", import, remove.

The rules every entry point shares live here: an id is checked and normalised (no version), "saved" and
"not interested" exclude each other on one paper, and any change drops the picks already recorded for the
current day so /for-you recomputes them at once instead of tomorrow.
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from paperboy.errors import BadRequest, NotFound
from paperboy.models import split_arxiv_id
from paperboy.store import feed
from paperboy.store.schema import library_items, recommendations

KINDS = ("saved", "not_interested")
OPPOSITE = {"saved": "not_interested", "not_interested": "saved", "imported": "not_interested"}
MAX_FOLDER = 200


def arxiv_id_of(raw: str) -> str:
    """The bare arXiv id (no version) of ``raw``; 400 when it is not one."""
    try:
        arxiv_id, _version = split_arxiv_id(raw.strip())
    except ValueError:
        raise BadRequest(f"{raw[:80]!r} is not an arXiv id.") from None
    return arxiv_id


def folder_name(raw: str | None) -> str:
    folder = " ".join((raw or "").split())
    if len(folder) > MAX_FOLDER:
        raise BadRequest(f"A folder name has at most {MAX_FOLDER} characters.")
    return folder


def invalidate_picks(conn: Connection, user_id: int) -> None:
    """Forget the picks recorded for the newest feed day, so the next /for-you visit computes them again
    from the changed library (older days' picks stay: they were seen, and are never repeated)."""
    latest = feed.latest_day(conn)
    if latest is not None:
        conn.execute(
            sa.delete(recommendations).where(
                recommendations.c.user_id == user_id, recommendations.c.period == latest.isoformat()
            )
        )


def mark(
    conn: Connection,
    user_id: int,
    kind: str,
    items: Sequence[tuple[str, str | None]],
    folder: str = "",
) -> int:
    """Add (arxiv id, title) items of ``kind``, removing the opposite mark on the same papers; returns how
    many were new. A paper may be saved in several folders; saving it with no folder when it already is
    saved is a no-op."""
    from paperboy.store.dialect import upsert

    ids = [arxiv_id for arxiv_id, _ in items]
    if not ids:
        return 0
    opposite = OPPOSITE[kind]
    conn.execute(
        sa.delete(library_items).where(
            library_items.c.user_id == user_id,
            library_items.c.kind.in_([opposite] if opposite != "saved" else ["saved", "imported"]),
            library_items.c.arxiv_id.in_(ids),
        )
    )
    if kind == "saved" and not folder:  # already saved in some folder: saving without one changes nothing
        held = set(
            conn.execute(
                sa.select(library_items.c.arxiv_id).where(
                    library_items.c.user_id == user_id,
                    library_items.c.kind.in_(["saved", "imported"]),
                    library_items.c.arxiv_id.in_(ids),
                )
            ).scalars()
        )
        items = [item for item in items if item[0] not in held]
    added = 0
    for arxiv_id, title in items:
        stmt = (
            upsert(conn, library_items)
            .values(user_id=user_id, arxiv_id=arxiv_id, title=title, kind=kind, folder=folder)
            .on_conflict_do_nothing()
            .returning(library_items.c.id)
        )
        added += conn.execute(stmt).scalar() is not None
    invalidate_picks(conn, user_id)
    return added


def remove(
    conn: Connection, user_id: int, arxiv_id: str, kind: str | None = None, folder: str | None = None
) -> int:
    """Remove a paper's marks (of one kind and folder when given); returns how many rows went."""
    where = [library_items.c.user_id == user_id, library_items.c.arxiv_id == arxiv_id]
    if kind is not None:
        where.append(library_items.c.kind.in_(["saved", "imported"] if kind == "saved" else [kind]))
    if folder is not None:
        where.append(library_items.c.folder == folder)
    removed = conn.execute(sa.delete(library_items).where(*where)).rowcount
    if removed:
        invalidate_picks(conn, user_id)
    return removed


def move(conn: Connection, user_id: int, arxiv_id: str, folder: str) -> None:
    """Put a saved (or imported) paper into ``folder``; its other saved rows merge into that one."""
    saved = library_items.c.kind.in_(["saved", "imported"])
    mine = [library_items.c.user_id == user_id, library_items.c.arxiv_id == arxiv_id]
    found = conn.execute(sa.select(library_items.c.title).where(*mine, saved)).first()
    if found is None:
        raise NotFound(f"{arxiv_id} is not saved in your library.")
    conn.execute(sa.delete(library_items).where(*mine, saved))
    conn.execute(
        sa.insert(library_items).values(
            user_id=user_id, arxiv_id=arxiv_id, title=found.title, kind="saved", folder=folder
        )
    )


def marks(conn: Connection, user_id: int) -> dict[str, str]:
    """arxiv id → "saved" or "not_interested" (imported counts as saved), for buttons' pressed state."""
    rows = conn.execute(
        sa.select(library_items.c.arxiv_id, library_items.c.kind).where(library_items.c.user_id == user_id)
    )
    found: dict[str, str] = {}
    for arxiv_id, kind in rows:
        found[arxiv_id] = "not_interested" if kind == "not_interested" else "saved"
    return found


def items(conn: Connection, user_id: int) -> list[dict]:
    """Every library row with the paper's title when we hold it; saved and imported first, by folder."""
    from paperboy.store.schema import papers

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
