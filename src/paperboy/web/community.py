"""Form posts for upvotes, comments and moderation; every one works without JavaScript.

Each handler checks CSRF, then who is asking, then hands the work to ``community.service`` (in a worker
thread: the store is synchronous) and answers with a 303 back to the page. The vote button's script asks for
``application/json`` and gets the new counts instead, so the page updates without a reload. Database work
runs in the thread pool, so fifty simultaneous votes do not queue behind each other on the event loop.
"""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from starlette.datastructures import FormData

from paperboy.community import limits, service
from paperboy.errors import BadRequest, NeedsLogin, TooManyRequests
from paperboy.http.params import MAX_ROW_ID, row_id
from paperboy.http.session import CSRF_FIELD, check_csrf, current_user, require_moderator, require_verified
from paperboy.http.wire import VoteOut
from paperboy.text.markdown import MAX_COMMENT_LENGTH
from paperboy.web.forms import Form, check_form, field, safe_next, see_other
from paperboy.web.render import render

router = APIRouter(include_in_schema=False)

CommentId = Annotated[int, row_id("A comment's id.")]


def wants_json(request: Request) -> bool:
    """vote.js asks for JSON; a plain form post (no JavaScript) gets a redirect back instead."""
    return "application/json" in request.headers.get("accept", "")


def _flag(form: FormData, name: str) -> bool:
    value = field(form, name, 10)
    if value not in ("0", "1"):
        raise BadRequest(f"{name} must be 1 or 0.")
    return value == "1"


def _parent(form: FormData) -> int | None:
    raw = field(form, "parent_id", 12)
    if not raw:
        return None
    if not raw.isdigit() or not 1 <= int(raw) <= MAX_ROW_ID:
        raise BadRequest("parent_id must be the id of a comment.")
    return int(raw)


def _to_comment(arxiv_id: str, comment_id: int) -> Response:
    return see_other(f"/papers/{arxiv_id}#comment-{comment_id}")


@router.post("/papers/{arxiv_id:path}/vote")
def vote(request: Request, form: Form, arxiv_id: str) -> Response:
    """Set the vote to ``value`` (1 = upvoted, 0 = not): idempotent, so double clicks and retries are safe."""
    back = safe_next(field(form, "next", 2000), f"/papers/{arxiv_id}")
    if current_user(request) is None:
        if wants_json(request):
            raise NeedsLogin("Sign in to upvote.")
        return see_other("/login?" + urlencode({"next": back}))
    check_csrf(request, str(form.get(CSRF_FIELD) or ""))
    user = require_verified(request)
    on = _flag(form, "value")
    limits.vote(request.app.state.engine, request.app.state.settings, user)
    state = service.vote(request.app.state.engine, user, arxiv_id, on)
    if wants_json(request):
        return JSONResponse(VoteOut.of(state).wire())
    return see_other(back)


@router.post("/papers/{arxiv_id:path}/hide")
def hide_paper(request: Request, form: Form, arxiv_id: str) -> Response:
    """Moderators take a paper off feeds, search and API lists (``hidden=1``) or restore it (``hidden=0``)."""
    check_form(request, form)
    user = require_moderator(request)
    hidden = _flag(form, "hidden")
    canonical = service.hide_paper(request.app.state.engine, user, arxiv_id, hidden)
    return see_other(f"/papers/{canonical}")


def _draft_page(
    request: Request,
    title: str,
    action: str,
    message: str,
    draft: str,
    back: str,
    parent_id: int | None = None,
    error: BadRequest | TooManyRequests | None = None,
) -> Response:
    """A refused comment comes back with the reason and the draft intact, ready to fix and resend."""
    context = {
        "title": title,
        "action": action,
        "message": message,
        "draft": draft,
        "back": back,
        "parent_id": parent_id,
        "max_comment": MAX_COMMENT_LENGTH,
    }
    response = render(request, "comment_form.html", context, status=error.status_code if error else 400)
    if isinstance(error, TooManyRequests):
        response.headers["Retry-After"] = str(error.retry_after)
    return response


@router.post("/papers/{arxiv_id:path}/comments")
def post_comment(request: Request, form: Form, arxiv_id: str) -> Response:
    """A new comment (``body``), or a reply when ``parent_id`` names a comment on the same paper."""
    check_form(request, form)
    user = require_verified(request)
    raw, parent_id = str(form.get("body") or ""), _parent(form)
    try:
        body = service.clean_body(raw)
        limits.comment(request.app.state.engine, request.app.state.settings, user)
    except (BadRequest, TooManyRequests) as exc:
        title = "Your reply was not posted" if parent_id else "Your comment was not posted"
        action, back = f"/papers/{arxiv_id}/comments", f"/papers/{arxiv_id}#discussion"
        return _draft_page(request, title, action, str(exc), raw, back, parent_id, exc)
    canonical, comment_id = service.post_comment(request.app.state.engine, user, arxiv_id, body, parent_id)
    return _to_comment(canonical, comment_id)


@router.post("/comments/{comment_id}/edit")
def edit_comment(request: Request, form: Form, comment_id: CommentId) -> Response:
    """Replace your own comment's text; it is marked "edited" so replies keep their context honest."""
    check_form(request, form)
    user = require_verified(request)
    raw = str(form.get("body") or "")
    try:
        body = service.clean_body(raw)
        limits.comment(request.app.state.engine, request.app.state.settings, user)
    except (BadRequest, TooManyRequests) as exc:
        engine = request.app.state.engine
        arxiv_id = service.comment_paper(engine, user, comment_id)
        action, back = f"/comments/{comment_id}/edit", f"/papers/{arxiv_id}#comment-{comment_id}"
        return _draft_page(request, "Your edit was not saved", action, str(exc), raw, back, error=exc)
    arxiv_id = service.edit_comment(request.app.state.engine, user, comment_id, body)
    return _to_comment(arxiv_id, comment_id)


@router.post("/comments/{comment_id}/delete")
def delete_comment(request: Request, form: Form, comment_id: CommentId) -> Response:
    """Soft-delete your own comment: replies stay readable under a "[deleted]" placeholder."""
    check_form(request, form)
    user = require_verified(request)
    arxiv_id = service.delete_comment(request.app.state.engine, user, comment_id)
    return _to_comment(arxiv_id, comment_id)


@router.post("/comments/{comment_id}/hide")
def hide_comment(request: Request, form: Form, comment_id: CommentId) -> Response:
    """Moderators hide (``hidden=1``) or restore (``hidden=0``) a comment without destroying it."""
    check_form(request, form)
    user = require_moderator(request)
    hidden = _flag(form, "hidden")
    arxiv_id = service.hide_comment(request.app.state.engine, user, comment_id, hidden)
    return _to_comment(arxiv_id, comment_id)
