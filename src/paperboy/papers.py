"""Which paper a route names, and whether this reader may see it: one rule for every page and API route.

A malformed id, an unknown paper and a paper a moderator hid are the same 404 with the same words, so no
route tells a hidden paper from one that never existed; moderators still see what they hid, to restore it.
"""

from __future__ import annotations

from sqlalchemy.engine import Connection

from paperboy.errors import NotFound
from paperboy.models import PaperView, split_arxiv_id
from paperboy.store.accounts import Account
from paperboy.store.papers import get_paper

ID_EXAMPLES = "like 2509.21268 or hep-th/9901001"


def canonical_id(raw_id: str) -> str:
    """The id without version behind any spelling of it (``arXiv:``, ``v2``, an arxiv.org link)."""
    try:
        return split_arxiv_id(raw_id)[0]
    except ValueError:
        raise NotFound(
            f"There is no paper {raw_id[:100]!r} here: that is not an arXiv id ({ID_EXAMPLES})."
        ) from None


def visible_paper(conn: Connection, raw_id: str, viewer: Account | None = None) -> PaperView:
    """The paper behind ``raw_id`` as ``viewer`` may see it (hidden papers: moderators only), else 404."""
    arxiv_id = canonical_id(raw_id)
    view = get_paper(conn, arxiv_id)
    if view is None or (view.hidden and not (viewer is not None and viewer.can_moderate)):
        raise NotFound(f"There is no paper {arxiv_id} here.")
    return view
