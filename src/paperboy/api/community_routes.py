"""JSON endpoints for upvotes and comments (our own; Hugging Face has no comments API).

Scripts authenticate with a personal API token (``Authorization: Bearer pbt_…``) and need no CSRF token; a
browser calling these with its session cookie must send ``X-CSRF-Token``, like every cookie-authenticated
change. Paths sit under the paper's Hugging Face path, so this router is included before the one that reads
``/api/papers/{id}``. The rules live in ``community.service``, shared with the pages.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Path, Request
from fastapi.responses import JSONResponse
from sqlalchemy.engine import Engine

from paperboy.api.community_schemas import CommentAuthorOut, CommentIn, CommentOut, ThreadOut
from paperboy.api.schemas import INVALID, ErrorOut
from paperboy.api.serialize import iso_ms
from paperboy.community import limits, service
from paperboy.http.deps import get_engine
from paperboy.http.session import check_csrf, current_user, require_user, require_verified
from paperboy.http.wire import VoteOut
from paperboy.papers import visible_paper
from paperboy.store.accounts import Account
from paperboy.store.comments import CommentView
from paperboy.text.markdown import render_comment

router = APIRouter(tags=["community (paperboy's own)"])

Db = Annotated[Engine, Depends(get_engine)]
PaperId = Annotated[
    str, Path(description="arXiv id, with or without version: `2509.21268`, `hep-th/9901001`.")
]
ERRORS: dict[int | str, dict[str, Any]] = {
    400: {
        "model": ErrorOut,
        "description": "An unacceptable comment (the message says why).",
    },
    404: {
        "model": ErrorOut,
        "description": "No such paper: not an arXiv id, unknown, or hidden (moderators see hidden ones).",
    },
    **INVALID,
}
LIMITED: dict[int | str, dict[str, Any]] = {
    429: {
        "model": ErrorOut,
        "description": "Too many votes or comments from this user in the current window (README, "
        '"Limits"); `Retry-After` says how many seconds to wait.',
        "headers": {"Retry-After": {"description": "Seconds to wait.", "schema": {"type": "integer"}}},
    },
}
SIGNED_IN: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut, "description": "No valid API token or session."},
    403: {
        "model": ErrorOut,
        "description": "Email not confirmed yet, or a session call without X-CSRF-Token.",
    },
}


def comment_out(comment: CommentView, viewer: Account | None) -> CommentOut:
    readable = service.readable(comment, viewer)
    author = (
        None if comment.deleted else CommentAuthorOut(username=comment.username, fullname=comment.fullname)
    )
    return CommentOut(
        id=comment.id,
        parentId=comment.parent_id,
        author=author,
        createdAt=iso_ms(comment.created_at),
        editedAt=iso_ms(comment.edited_at) if comment.edited_at else None,
        deleted=comment.deleted,
        hidden=comment.hidden,
        body=comment.body if readable else None,
        html=render_comment(comment.body) if readable else None,
        replies=[comment_out(reply, viewer) for reply in comment.replies],
    )


def _visible(comments: list[CommentView]) -> int:
    return sum((not c.deleted and not c.hidden) + _visible(c.replies) for c in comments)


def _voter(request: Request) -> Account:
    """Signed in (401), then CSRF for cookie sessions (API tokens skip it), then verified (403)."""
    require_user(request)
    check_csrf(request, None)
    return require_verified(request)


def _vote(request: Request, paper_id: str, on: bool) -> JSONResponse:
    user = _voter(request)
    limits.vote(request.app.state.engine, request.app.state.settings, user)
    return JSONResponse(VoteOut.of(service.vote(request.app.state.engine, user, paper_id, on)).wire())


@router.post(
    "/api/papers/{paper_id:path}/vote",
    response_model=VoteOut,
    responses={**ERRORS, **SIGNED_IN, **LIMITED},
    summary="Upvote a paper",
    description="Idempotent: upvoting twice leaves one vote. Answers the paper's new counts.",
)
def upvote(request: Request, paper_id: PaperId) -> JSONResponse:
    return _vote(request, paper_id, True)


@router.delete(
    "/api/papers/{paper_id:path}/vote",
    response_model=VoteOut,
    responses={**ERRORS, **SIGNED_IN, **LIMITED},
    summary="Remove your upvote",
    description="Idempotent: removing a vote you did not cast changes nothing. Answers the new counts.",
)
def remove_upvote(request: Request, paper_id: PaperId) -> JSONResponse:
    return _vote(request, paper_id, False)


@router.get(
    "/api/papers/{paper_id:path}/comments",
    response_model=ThreadOut,
    responses=ERRORS,
    summary="A paper's discussion",
    description="Comments posted here, threaded, oldest first, with Markdown source and sanitised HTML. "
    "Comments imported from Hugging Face are only counted (`numComments`), not copied.",
)
def comments(request: Request, db: Db, paper_id: PaperId) -> JSONResponse:
    with db.connect() as conn:
        viewer = current_user(request)
        view = visible_paper(conn, paper_id, viewer)
        roots = service.thread(conn, view.paper_id)
        thread = ThreadOut(
            paperId=view.paper.arxiv_id,
            numComments=view.num_comments,
            localComments=_visible(roots),
            comments=[comment_out(c, viewer) for c in roots],
        )
        return JSONResponse(thread.wire())


@router.post(
    "/api/papers/{paper_id:path}/comments",
    response_model=CommentOut,
    status_code=201,
    responses={**ERRORS, **SIGNED_IN, **LIMITED},
    summary="Comment on a paper",
    description="Posts `body` (Markdown) as a new comment, or as a reply when `parentId` names a comment on "
    "the same paper. Replies nest at most 8 deep; deeper replies join their parent's level.",
)
def post_comment(request: Request, paper_id: PaperId, comment: CommentIn) -> JSONResponse:
    user = _voter(request)
    engine = request.app.state.engine
    limits.comment(engine, request.app.state.settings, user)
    _arxiv_id, comment_id = service.post_comment(engine, user, paper_id, comment.body, comment.parentId)
    with engine.connect() as conn:
        stored = service.get_comment(conn, comment_id)
    return JSONResponse(comment_out(stored, user).wire(), status_code=201)
