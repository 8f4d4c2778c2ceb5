"""The submit page: paste an arXiv id or link, and the paper joins today's feed with your name on it.

Refusals re-render the form with the reason (and a link to the paper when it is already featured), keeping
what was pasted so it can be corrected; success redirects to the paper page, which confirms it.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from paperboy.config import Settings
from paperboy.errors import PaperboyError
from paperboy.http.session import csrf_token, require_verified
from paperboy.submit import rules
from paperboy.submit.parse import MAX_LENGTH
from paperboy.submit.service import app_client, submit_paper
from paperboy.web.forms import Form, check_form, see_other
from paperboy.web.render import render

router = APIRouter(include_in_schema=False)


def _intro(settings: Settings) -> str:
    cap = settings.submission_daily_cap
    return (
        f"Feature an arXiv paper on today's feed. Papers first posted in the last "
        f"{settings.submission_max_age_days} days can be submitted, each paper once, and up to {cap} "
        f"{'paper' if cap == 1 else 'papers'} per person per day (UTC)."
    )


def _form(
    request: Request,
    value: str = "",
    error: str | None = None,
    status: int = 200,
    links: list[dict[str, str]] | None = None,
) -> Response:
    settings: Settings = request.app.state.settings
    fields: list[dict[str, Any]] = [
        {
            "name": "paper",
            "label": "arXiv id or link",
            "value": value[:MAX_LENGTH],
            "required": True,
            "hint": "For example 2509.21268, https://arxiv.org/abs/2509.21268 or "
            "https://huggingface.co/papers/2509.21268",
        }
    ]
    return render(
        request,
        "form.html",
        {
            "title": "Submit a paper",
            "action": "/submit",
            "fields": fields,
            "submit": "Submit paper",
            "csrf_token": csrf_token(request),
            "error": error,
            "intro": _intro(settings),
            "links": links,
            "next": None,
        },
        status=status,
    )


@router.get("/submit")
def submit_form(request: Request) -> Response:
    require_verified(request)
    return _form(request)


@router.post("/submit")
def submit(request: Request, form: Form) -> Response:
    user = require_verified(request)
    check_form(request, form)
    text = str(form.get("paper") or "")
    settings: Settings = request.app.state.settings
    client = app_client(request.app.state, settings)
    try:
        arxiv_id = submit_paper(request.app.state.engine, settings, user, text, client=client)
    except PaperboyError as exc:
        links = None
        if isinstance(exc, rules.AlreadyFeatured):
            links = [
                {"url": exc.link, "label": f"See {exc.arxiv_id}"},
                {"url": f"/papers/date/{exc.day.isoformat()}", "label": f"The feed of {exc.day.isoformat()}"},
            ]
        response = _form(request, text.strip(), str(exc), exc.status_code, links)
        retry_after = getattr(exc, "retry_after", None)
        if retry_after:
            response.headers["Retry-After"] = str(retry_after)
        return response
    return see_other(f"/papers/{arxiv_id}?submitted=1")
