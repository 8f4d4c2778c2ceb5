"""Public digest pages: subscribe (double opt-in), confirm, one-click unsubscribe, view in the browser."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from paperboy.auth.secrets_util import digest as token_digest
from paperboy.config import Settings
from paperboy.digest import compose, render, subscribe
from paperboy.errors import BadRequest, NotFound
from paperboy.store import outbox, subscriptions
from paperboy.store.papers import views_by_id
from paperboy.web.background import run_after
from paperboy.web.forms import Form, check_form, field
from paperboy.web.render import render as render_page

router = APIRouter(include_in_schema=False)


def _settings(request: Request) -> Settings:
    return request.app.state.settings


def _message(request: Request, title: str, message: str, status: int = 200, **extra: Any) -> Response:
    context = {"title": title, "message": message, "secret": None, "link_url": None, "link_label": None}
    return render_page(request, "message.html", {**context, **extra}, status=status)


@router.get("/subscribe")
def subscribe_form(request: Request) -> Response:
    return render_page(request, "subscribe.html", {"email": "", "frequency": "daily", "error": None})


@router.post("/subscribe")
def subscribe_post(request: Request, form: Form) -> Response:
    check_form(request, form)
    email, frequency = field(form, "email", 400), field(form, "frequency", 10) or "daily"
    client = request.client.host if request.client else None
    try:
        job = subscribe.request(request.app.state.engine, _settings(request), email, frequency, client)
    except BadRequest as exc:
        context = {"email": email, "frequency": frequency, "error": str(exc)}
        return render_page(request, "subscribe.html", context, status=400)
    page = _message(
        request,
        "Check your inbox",
        f"If {email} can receive digests, a confirmation link is on its way. Open it to start your "
        f"{frequency} digest; nothing is sent until you do.",
    )
    return run_after(page, job)


@router.get("/subscribe/confirm")
def confirm_form(request: Request, token: str = "") -> Response:
    """Shows a button rather than confirming: mail scanners follow links, only people press buttons."""
    sub = subscribe.pending_by_confirm_token(request.app.state.engine, _settings(request), token)
    if sub.status == "active":
        return _message(
            request, "Already confirmed", f"{sub.email} already receives the {sub.frequency} digest."
        )
    return render_page(
        request,
        "confirm_action.html",
        {
            "title": "Confirm your subscription",
            "message": f"Send the {sub.frequency} digest of trending papers to {sub.email}?",
            "action": f"/subscribe/confirm?token={token}",
            "button": "Yes, subscribe me",
        },
    )


@router.post("/subscribe/confirm")
def confirm_post(request: Request, form: Form, token: str = "") -> Response:
    check_form(request, form)
    sub = subscribe.confirm(request.app.state.engine, _settings(request), token)
    if sub.status != "active":
        raise BadRequest("This subscription cannot be confirmed any more. Subscribe again.")
    return _message(
        request,
        "You are subscribed",
        f"The {sub.frequency} digest will arrive at {sub.email}. Enjoy the papers!",
    )


@router.get("/unsubscribe/{token}")
def unsubscribe_form(request: Request, token: str) -> Response:
    """Changes nothing: link checkers and prefetchers send GETs. The button (or a mail provider) POSTs."""
    sub = subscribe.by_unsubscribe_token(request.app.state.engine, _settings(request), token)
    if sub.status not in ("active", "pending"):
        return _message(request, "Already unsubscribed", f"{sub.email} receives no digests from us.")
    return render_page(
        request,
        "confirm_action.html",
        {
            "title": "Unsubscribe",
            "message": f"Stop sending the {sub.frequency} digest to {sub.email}?",
            "action": f"/unsubscribe/{token}",
            "button": "Unsubscribe",
        },
    )


@router.post("/unsubscribe/{token}")
def unsubscribe_post(request: Request, form: Form, token: str) -> Response:
    """RFC 8058 one-click unsubscribe: the only state-changing endpoint exempt from our CSRF check.

    Mail providers (Gmail, Yahoo, Apple Mail) POST ``List-Unsubscribe=One-Click`` to the URL of the
    ``List-Unsubscribe`` header themselves, from their servers, without cookies or our CSRF token, so a token
    check would make one-click unsubscribe fail. CSRF protects a *session*'s authority; here the authority is
    the signed token in the URL (unforgeable, specific to one subscription), and the worst a forged request
    could do is what the link's owner asked for anyway: stop mail. Every other form keeps its CSRF check.
    """
    sub = subscribe.unsubscribe(request.app.state.engine, _settings(request), token)
    return _message(
        request,
        "You are unsubscribed",
        f"{sub.email} will receive no more digests. Changed your mind? You can subscribe again at any time.",
        link_url="/subscribe",
        link_label="Subscribe again",
    )


@router.get("/digest/{token}")
def view_digest(request: Request, token: str) -> Response:
    """A digest as a web page (the mail's "view in browser" link): same papers, page styles, no inline CSS."""
    settings = _settings(request)
    with request.app.state.engine.connect() as conn:
        row = outbox.by_view_hash(conn, token_digest(token))
        sub = subscriptions.by_id(conn, row.subscription_id) if row else None
        views = views_by_id(conn, [p["paper_id"] for p in row.picks], include_hidden=True) if row else {}
    if row is None or sub is None:
        raise NotFound("This digest link is not valid, or its reader ended it.")
    personal = sub.personal
    return render_page(
        request,
        "digest_view.html",
        {
            "heading": "Picked for you" if personal else "Trending papers",
            "period_label": render.period_label(row.period),
            "frequency": sub.frequency,
            "intro": None,
            "empty": None,
            "items": compose.items(settings, row.picks, views),
            "footer_links": [{"url": "/subscribe", "label": "Subscribe"}],
        },
    )
