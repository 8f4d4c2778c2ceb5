"""The signed-in user's settings: address confirmation and personal API tokens."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Request
from fastapi.responses import Response

from paperboy.auth import service
from paperboy.auth.secrets_util import digest, new_token
from paperboy.errors import BadRequest, NotFound
from paperboy.http.params import row_id
from paperboy.http.session import TOKEN_PREFIX, require_user
from paperboy.store import feed_tokens, sessions
from paperboy.web.background import run_after
from paperboy.web.forms import Form, check_form, field, see_other
from paperboy.web.render import render

router = APIRouter(include_in_schema=False)
MAX_TOKENS = 20
TokenId = Annotated[int, row_id("A token's id.")]


def _page(request: Request, notice: str | None = None) -> Response:
    user = require_user(request)
    with request.app.state.engine.connect() as conn:
        tokens = sessions.list_api_tokens(conn, user.id)
        feed_created = feed_tokens.created_at(conn, user.id)
    return render(
        request, "settings.html", {"tokens": tokens, "notice": notice, "feed_created": feed_created}
    )


@router.get("/settings")
def settings_page(request: Request) -> Response:
    return _page(request)


@router.post("/settings/verify")
def resend_verification(request: Request, form: Form) -> Response:
    """At most ``PAPERBOY_ACCOUNT_MAIL_LIMIT`` mails an hour to one address, then a 429 that says so."""
    user = require_user(request)
    check_form(request, form)
    settings = request.app.state.settings
    job = service.resend_verification(request.app.state.engine, settings, user, settings.base_url.rstrip("/"))
    notice = (
        f"A new confirmation link is on its way to {user.email}."
        if job is not None
        else "Your address is already confirmed."
    )
    return run_after(_page(request, notice=notice), job)


@router.post("/settings/tokens")
def create_token(request: Request, form: Form) -> Response:
    user = require_user(request)
    check_form(request, form)
    name = field(form, "name", 100)
    if not name:
        raise BadRequest("Give the token a name, so you know later what uses it.")
    token = new_token(TOKEN_PREFIX)
    with request.app.state.engine.begin() as conn:
        if len(sessions.list_api_tokens(conn, user.id)) >= MAX_TOKENS:
            raise BadRequest(f"You already have {MAX_TOKENS} tokens; delete one first.")
        sessions.create_api_token(conn, user.id, name, digest(token))
    return render(
        request,
        "message.html",
        {
            "title": "Your new API token",
            "secret": token,
            "link_url": "/settings",
            "link_label": "Back to settings",
            "message": f"Copy the token for '{name}' now: it is not shown again.",
        },
    )


@router.post("/settings/tokens/{token_id}/delete")
def delete_token(request: Request, form: Form, token_id: TokenId) -> Response:
    user = require_user(request)
    check_form(request, form)
    with request.app.state.engine.begin() as conn:
        if not sessions.delete_api_token(conn, user.id, token_id):
            raise NotFound("No such token.")
    return see_other("/settings")
