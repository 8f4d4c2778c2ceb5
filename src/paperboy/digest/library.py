"""A reader's library as the pages and the personal API change it: save, "not interested", import, remove.

The rules every entry point shares live here: an id is checked and normalised (no version), "saved" and
"not interested" exclude each other on one paper, and any change drops the picks already recorded for the
current day so /for-you recomputes them at once instead of tomorrow.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy.engine import Connection

from paperboy.errors import BadRequest, NotFound
from paperboy.models import split_arxiv_id
from paperboy.store import feed
from paperboy.store import library as library_store
from paperboy.store import recommendations as rec_store

KINDS = ("saved", "not_interested")
OPPOSITE = {"saved": "not_interested", "not_interested": "saved", "imported": "not_interested"}
SAVED = ("saved", "imported")  # an imported paper counts as saved everywhere
MAX_FOLDER = 200


def _kinds(kind: str) -> list[str]:
    """The stored kinds a reader's ``kind`` stands for."""
    return list(SAVED) if kind == "saved" else [kind]


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
        rec_store.drop_picks(conn, user_id, latest.isoformat())


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
    ids = [arxiv_id for arxiv_id, _ in items]
    if not ids:
        return 0
    library_store.delete_kinds(conn, user_id, _kinds(OPPOSITE[kind]), ids)
    if kind == "saved" and not folder:  # already saved in some folder: saving without one changes nothing
        held = library_store.held(conn, user_id, SAVED, ids)
        items = [item for item in items if item[0] not in held]
    added = library_store.add_library_items(conn, user_id, kind, items, folder)
    invalidate_picks(conn, user_id)
    return added


def remove(
    conn: Connection, user_id: int, arxiv_id: str, kind: str | None = None, folder: str | None = None
) -> int:
    """Remove a paper's marks (of one kind and folder when given); returns how many rows went."""
    kinds = _kinds(kind) if kind is not None else None
    removed = library_store.delete_item(conn, user_id, arxiv_id, kinds, folder)
    if removed:
        invalidate_picks(conn, user_id)
    return removed


def move(conn: Connection, user_id: int, arxiv_id: str, folder: str) -> None:
    """Put a saved (or imported) paper into ``folder``; its other saved rows merge into that one."""
    if not library_store.refile(conn, user_id, arxiv_id, SAVED, "saved", folder):
        raise NotFound(f"{arxiv_id} is not saved in your library.")


def marks(conn: Connection, user_id: int) -> dict[str, str]:
    """arxiv id → "saved" or "not_interested" (imported counts as saved), for buttons' pressed state."""
    found: dict[str, str] = {}
    for arxiv_id, kind in library_store.kinds_of(conn, user_id):
        found[arxiv_id] = "not_interested" if kind == "not_interested" else "saved"
    return found


def items(conn: Connection, user_id: int) -> list[dict]:
    """Every library row with the paper's title when we hold it; saved and imported first, by folder."""
    return library_store.items_with_titles(conn, user_id)
