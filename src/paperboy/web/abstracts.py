"""``/papers/{id}/abstract``: one paper's abstract as a small HTML fragment, for cards that load it on demand.

Week, month, trending, organization and author pages list up to a page of papers whose abstracts few readers
open: shipping every abstract made them 280–305 KB. Their cards carry a link instead, and static/views.js
puts this fragment (about 1–2 KB, cached like any public page) in place when a reader opens one.
Included before ``pages``, whose ``/papers/{id:path}`` would otherwise take the path.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.engine import Engine

from paperboy.http.deps import get_engine
from paperboy.papers import visible_paper
from paperboy.web.render import render

router = APIRouter(include_in_schema=False)
Db = Annotated[Engine, Depends(get_engine)]


@router.get("/papers/{arxiv_id:path}/abstract", response_class=HTMLResponse)
def abstract_fragment(request: Request, arxiv_id: str, db: Db) -> Response:
    with db.connect() as conn:
        view = visible_paper(conn, arxiv_id, getattr(request.state, "user", None))
    response = render(request, "_abstract.html", {"view": view}, public=True)
    response.headers["X-Robots-Tag"] = "noindex"
    return response
