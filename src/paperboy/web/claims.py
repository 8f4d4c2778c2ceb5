"""Authorship claims: "I am this author" on a paper page, and the moderators' queue that decides them.

Handlers check who is asking and CSRF, then hand the work to ``discovery.claims`` in a worker thread (the
store is synchronous) and answer with a 303, so every step works without JavaScript. Included before
``pages``, whose ``/papers/{id:path}`` would otherwise see ``…/claim`` as part of an id.
"""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.engine import Connection

from paperboy.discovery import claims as service
from paperboy.errors import BadRequest
from paperboy.http.params import row_id
from paperboy.http.session import current_user, require_moderator, require_verified
from paperboy.models import PaperView
from paperboy.store.claims import count_pending, pending_claims
from paperboy.web.forms import Form, check_form, field, see_other
from paperboy.web.render import render

router = APIRouter(include_in_schema=False)

ClaimId = Annotated[int, row_id("A claim's id.")]
QUEUE_LIMIT = 200


def paper_claims(request: Request, conn: Connection, view: PaperView) -> dict[str, Any]:
    """The authorship part of the paper page's context: verified marks and the viewer's own claim.

    "I am this author" buttons appear only after the reader asks for them (``?claim=1``), so a paper with
    thirty authors does not carry thirty buttons for everyone else.
    """
    asking = request.query_params.get("claim") == "1"
    return {"authorship": service.authorship(conn, view, current_user(request), asking)}


@router.post("/papers/{arxiv_id:path}/claim")
def claim(request: Request, form: Form, arxiv_id: str) -> Response:
    """File a pending claim to be ``author_name`` of this paper; the paper page then shows its status."""
    user = require_verified(request)
    check_form(request, form)
    author_name = field(form, "author_name", 300)
    if not author_name:
        raise BadRequest("Say which author you are.")
    engine = request.app.state.engine
    canonical, _created = service.claim(engine, user, arxiv_id, author_name)
    return see_other(f"/papers/{canonical}#authors")


def _queue(request: Request) -> Response:
    with request.app.state.engine.connect() as conn:
        claims = pending_claims(conn, limit=QUEUE_LIMIT)
        total = count_pending(conn)
    return render(request, "claims.html", {"claims": claims, "total": total, "limit": QUEUE_LIMIT})


@router.get("/moderation/claims", response_class=HTMLResponse)
def claims_queue(request: Request) -> Response:
    """Pending claims, oldest first, each with approve and reject buttons."""
    require_moderator(request)
    return _queue(request)


@router.post("/moderation/claims/{claim_id}")
def decide_claim(request: Request, form: Form, claim_id: ClaimId) -> Response:
    moderator = require_moderator(request)
    check_form(request, form)
    decision = field(form, "decision", 20)
    if decision not in ("approve", "reject"):
        raise BadRequest("decision must be approve or reject.")
    engine = request.app.state.engine
    service.decide(engine, moderator, claim_id, decision == "approve")
    return see_other("/moderation/claims")
