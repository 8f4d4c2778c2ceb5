"""Private links on /settings: the feed link (make one, shown once; replace it; revoke it) and the
"view in browser" links of digests already sent (end them all).

Feed readers send no cookies, so a private Atom feed is reached by a secret URL. The link is random, the
database keeps only its sha256, and making a new link ends the old one: a link that leaked is revoked by
replacing or deleting it here. Each digest's "view in browser" link is random and stored hashed likewise;
ending them leaves digests sent later with new, working links.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from paperboy.auth.secrets_util import digest, new_token
from paperboy.http.session import require_user
from paperboy.store import feed_tokens, outbox
from paperboy.web.forms import Form, check_form, see_other
from paperboy.web.render import render

router = APIRouter(include_in_schema=False)
FEED_PREFIX = "pbf_"


def feed_url(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/for-you/{token}.atom"


@router.post("/settings/feed")
def create_feed_link(request: Request, form: Form) -> Response:
    user = require_user(request)
    check_form(request, form)
    token = new_token(FEED_PREFIX)
    with request.app.state.engine.begin() as conn:
        feed_tokens.replace(conn, user.id, digest(token))
    return render(
        request,
        "message.html",
        {
            "title": "Your private feed link",
            "secret": feed_url(request.app.state.settings.base_url, token),
            "link_url": "/settings",
            "link_label": "Back to settings",
            "message": "Add this address to your feed reader now: it is not shown again. "
            "Any earlier link has stopped working.",
        },
    )


@router.post("/settings/feed/revoke")
def revoke_feed_link(request: Request, form: Form) -> Response:
    user = require_user(request)
    check_form(request, form)
    with request.app.state.engine.begin() as conn:
        feed_tokens.revoke(conn, user.id)
    return see_other("/settings")


@router.post("/settings/digest-links/revoke")
def revoke_digest_links(request: Request, form: Form) -> Response:
    user = require_user(request)
    check_form(request, form)
    with request.app.state.engine.begin() as conn:
        outbox.revoke_views(conn, user.id)
    return see_other("/settings")
