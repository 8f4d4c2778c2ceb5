"""``POST /api/papers/submit``: the submit page as a JSON call, for scripts and the browser alike.

Hugging Face has no public endpoint for this, so the path sits beside its papers API and the status codes
are ours, chosen so a client can act on them without reading the message (see ``submit.rules``): 400 the
input is not an arXiv id or link, 401 / 403 not signed in, unconfirmed email or missing CSRF token, 404 arXiv
has no such paper, 409 already featured (or hidden), 422 too old, 429 daily cap (Retry-After), 503 arXiv
did not answer (Retry-After). Success is 201 with the paper as ``GET /api/papers/{id}`` shows it.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import JSONResponse
from pydantic import Field

from paperboy.api import serialize
from paperboy.api.schemas import ErrorOut, PaperInfoOut
from paperboy.config import Settings
from paperboy.errors import PaperboyError
from paperboy.http.params import JsonInput
from paperboy.http.session import check_csrf, require_verified
from paperboy.store.accounts import Account
from paperboy.store.feed import feed
from paperboy.store.papers import get_paper
from paperboy.submit import rules
from paperboy.submit.service import app_client, submit_paper

router = APIRouter(tags=["community"])


class SubmitIn(JsonInput):
    paper: str = Field(
        description="An arXiv id (`2509.21268`, `2509.21268v2`, `arXiv:2509.21268`, `hep-th/9901001`) or a "
        "link to the paper on arxiv.org or huggingface.co/papers.",
        examples=["2509.21268"],
    )


class SubmitErrorOut(ErrorOut):
    paper: str | None = Field(None, description="The arXiv id the input was read as, once known.")
    featuredOn: str | None = Field(None, description="409: the day the paper is already featured on.")
    submittedBy: str | None = Field(None, description="409: who featured it, when a local user did.")
    url: str | None = Field(None, description="409: the paper's page.")


def _submitter(request: Request) -> Account:
    """Token or session; a session (ambient cookie) must also send the X-CSRF-Token header."""
    user = require_verified(request)
    check_csrf(request, None)
    return user


def _error(exc: PaperboyError) -> JSONResponse:
    body: dict[str, object] = {"error": str(exc)}
    if getattr(exc, "arxiv_id", None):
        body["paper"] = exc.arxiv_id  # type: ignore[attr-defined]
    if isinstance(exc, rules.AlreadyFeatured):
        body.update(featuredOn=exc.day.isoformat(), submittedBy=exc.submitter, url=exc.link)
    retry_after = getattr(exc, "retry_after", None)
    headers = {"Retry-After": str(retry_after)} if retry_after else None
    return JSONResponse(body, status_code=exc.status_code, headers=headers)


def _doc(description: str) -> dict:
    return {"model": SubmitErrorOut, "description": description}


@router.post(
    "/api/papers/submit",
    status_code=201,
    response_model=PaperInfoOut,
    responses={
        201: {"description": "Featured on today's feed; `Location` is the paper's API URL."},
        400: _doc("The input is not an arXiv id or a link to arxiv.org or huggingface.co/papers."),
        401: _doc("Not signed in: send `Authorization: Bearer <personal API token>` or a session cookie."),
        403: _doc("Email address not confirmed yet, or a session request without `X-CSRF-Token`."),
        404: _doc("arXiv has no paper with this id."),
        409: _doc("Already featured (today or on an earlier day), or hidden by a moderator."),
        422: _doc("Too old: first posted more than `PAPERBOY_SUBMISSION_MAX_AGE_DAYS` days ago."),
        429: _doc("Daily cap (`PAPERBOY_SUBMISSION_DAILY_CAP`) reached; `Retry-After`: next UTC midnight."),
        503: _doc("arXiv did not answer; nothing was stored. Retry after `Retry-After` seconds."),
    },
    summary="Submit a paper to today's feed",
    description="Feature an arXiv paper on today's (UTC) daily feed, credited to the caller. Metadata comes "
    "from the arXiv API; the rules (maximum age, daily cap, no duplicates) are the submit page's.",
)
def submit(request: Request, body: SubmitIn, user: Annotated[Account, Depends(_submitter)]) -> JSONResponse:
    settings: Settings = request.app.state.settings
    engine = request.app.state.engine
    try:
        arxiv_id = submit_paper(
            engine, settings, user, body.paper, client=app_client(request.app.state, settings)
        )
    except PaperboyError as exc:
        return _error(exc)
    with engine.connect() as conn:
        view = get_paper(conn, arxiv_id)
        assert view is not None and view.featured_on, "submit_paper stored the paper and its entry"
        day = view.featured_on[0]
        mine = feed(conn, day, day, limit=1000, submitter=user.username)
    item = next((i for i in mine if i.view.paper.arxiv_id == arxiv_id), None)
    return JSONResponse(
        serialize.paper_info(view, item).wire(),
        status_code=201,
        headers={"Location": f"/api/papers/{arxiv_id}"},
    )
