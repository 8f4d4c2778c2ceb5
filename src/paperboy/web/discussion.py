"""What the pages need to show votes and discussion: pressed vote buttons and a viewer-specific thread.

Comment Markdown is rendered here, at display time, from the stored source: a better sanitiser or renderer
then applies to every old comment too, and the source stays editable.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from fastapi import Request
from markupsafe import Markup
from sqlalchemy.engine import Connection

from paperboy.community.service import MAX_DEPTH, is_moderator, readable, thread
from paperboy.http.session import current_user
from paperboy.models import PaperView
from paperboy.store.accounts import Account
from paperboy.store.comments import CommentView
from paperboy.store.votes import voted_papers
from paperboy.text.markdown import MAX_COMMENT_LENGTH, render_comment


@dataclass(slots=True)
class CommentItem:
    """One comment as this viewer sees it: ``html`` is None when the text is not theirs to read."""

    comment: CommentView
    html: Markup | None
    mine: bool
    depth: int
    replies: list[CommentItem] = field(default_factory=list)

    @property
    def state(self) -> str:
        return "deleted" if self.comment.deleted else "hidden" if self.comment.hidden else "visible"


def voted_for(request: Request, conn: Connection, views: Iterable[PaperView]) -> frozenset[int]:
    """Which of these papers the signed-in user upvoted: one query per page, whatever its length."""
    user = current_user(request)
    ids = [view.paper_id for view in views]
    if user is None or not ids:
        return frozenset()
    return frozenset(voted_papers(conn, user.id, ids))


def _items(comments: list[CommentView], viewer: Account | None, depth: int = 0) -> list[CommentItem]:
    return [
        CommentItem(
            comment=c,
            html=Markup(render_comment(c.body)) if readable(c, viewer) else None,  # noqa: S704 - sanitised
            mine=viewer is not None and c.user_id == viewer.id and not c.deleted,
            depth=depth,
            replies=_items(c.replies, viewer, depth + 1) if depth < MAX_DEPTH else [],
        )
        for c in comments
    ]


def _count(items: list[CommentItem]) -> int:
    return sum((i.state == "visible") + _count(i.replies) for i in items)


def paper_context(request: Request, conn: Connection, view: PaperView) -> dict[str, Any]:
    """The votes-and-discussion part of the paper page's template context."""
    viewer = current_user(request)
    items = _items(thread(conn, view.paper_id), viewer)
    return {
        "voted": voted_for(request, conn, [view]),
        "thread": items,
        "local_comments": _count(items),
        "max_comment": MAX_COMMENT_LENGTH,
        "can_moderate": is_moderator(viewer),
        "can_comment": viewer is not None and viewer.email_verified_at is not None,
    }
