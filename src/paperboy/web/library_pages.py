"""The /library page and the Save / Not interested buttons on cards, paper pages and /for-you.

Every button is a plain form post with the CSRF token that comes back to the page it was pressed on, whose
buttons then show the new state (pressing again undoes it); static/library.js sends the same form with fetch
and updates the buttons in place. The rules live in ``digest.library``.
"""

from __future__ import annotations

from itertools import groupby
from urllib.parse import urlencode

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response
from starlette.datastructures import FormData

from paperboy.digest import library
from paperboy.http.session import check_csrf, current_user, require_user
from paperboy.web.community import wants_json
from paperboy.web.forms import CSRF_FIELD, Form, field, safe_next, see_other
from paperboy.web.render import render as render_page

router = APIRouter(include_in_schema=False)
NOTICE = {
    "saved": "Saved to your library.",
    "not_interested": "Marked not interested: it and papers like it will be left out of your picks.",
    None: "Removed from your library.",
}


def _change(request: Request, form: FormData, kind: str) -> Response:
    """Mark (or with ``undo=1`` unmark) one paper; JSON for library.js, else back to where it was pressed."""
    arxiv_id_raw = field(form, "arxiv_id", 200)
    back = safe_next(field(form, "next", 2000), "/library")
    if current_user(request) is None and not wants_json(request):
        return see_other("/login?" + urlencode({"next": back}))
    user = require_user(request)
    check_csrf(request, str(form.get(CSRF_FIELD) or ""))
    arxiv_id = library.arxiv_id_of(arxiv_id_raw)
    undo = field(form, "undo", 1) == "1"
    with request.app.state.engine.begin() as conn:
        if undo:
            library.remove(conn, user.id, arxiv_id, kind)
        else:
            library.mark(
                conn, user.id, kind, [(arxiv_id, None)], library.folder_name(field(form, "folder", 300))
            )
        state = library.marks(conn, user.id).get(arxiv_id)
    if wants_json(request):
        return JSONResponse({"id": arxiv_id, "state": state, "message": NOTICE[state]})
    return see_other(back)


@router.post("/library/save")
def save_paper(request: Request, form: Form) -> Response:
    return _change(request, form, "saved")


@router.post("/library/not-interested")
def not_interested(request: Request, form: Form) -> Response:
    return _change(request, form, "not_interested")


@router.post("/library/remove")
def remove_paper(request: Request, form: Form) -> Response:
    user = require_user(request)
    check_csrf(request, str(form.get(CSRF_FIELD) or ""))
    arxiv_id = library.arxiv_id_of(field(form, "arxiv_id", 200))
    with request.app.state.engine.begin() as conn:
        library.remove(conn, user.id, arxiv_id)
    return see_other("/library")


@router.post("/library/folder")
def move_paper(request: Request, form: Form) -> Response:
    user = require_user(request)
    check_csrf(request, str(form.get(CSRF_FIELD) or ""))
    arxiv_id = library.arxiv_id_of(field(form, "arxiv_id", 200))
    folder = library.folder_name(field(form, "folder", 300))
    with request.app.state.engine.begin() as conn:
        library.move(conn, user.id, arxiv_id, folder)
    return see_other("/library")


@router.get("/library")
def library_page(request: Request) -> Response:
    user = require_user(request)
    with request.app.state.engine.connect() as conn:
        rows = library.items(conn, user.id)
    kept = [r for r in rows if r["kind"] != "not_interested"]
    folders = [(name, list(group)) for name, group in groupby(kept, key=lambda r: r["folder"])]
    return render_page(
        request,
        "library.html",
        {
            "folders": folders,
            "folder_names": sorted({r["folder"] for r in kept if r["folder"]}),
            "not_interested": [r for r in rows if r["kind"] == "not_interested"],
            "count": len(kept),
        },
    )
