"""Discovery pages: what is trending now and an author's papers (organizations: ``web.organizations``).

Included before ``pages`` (whose ``/papers/{id:path}`` catches everything under ``/papers/``). Each page is a
fixed handful of queries: the trending page one feed query (scored in Python, then paged), the author page
one count and one page of papers.
"""

from __future__ import annotations

import math
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.engine import Engine

from paperboy.config import Settings
from paperboy.discovery.trending import trending_in, trending_window, weights, whys
from paperboy.errors import NotFound
from paperboy.http.deps import get_engine, get_settings
from paperboy.store import authors as store
from paperboy.store.claims import claimants
from paperboy.web.discussion import voted_for
from paperboy.web.moved import moved
from paperboy.web.render import path_segment, render

router = APIRouter(include_in_schema=False)

Db = Annotated[Engine, Depends(get_engine)]
Config = Annotated[Settings, Depends(get_settings)]
PageNo = Annotated[int, Query(ge=0, le=10_000, description="Page number, counting from 0")]
MAX_NAME = 300


def page_count(total: int, size: int, p: int, what: str) -> int:
    """How many pages ``total`` papers make; a page past the last is a 404 that says how many there are."""
    pages = max(1, math.ceil(total / size))
    if p >= pages:
        raise NotFound(f"{what} has {pages} page{'s' if pages > 1 else ''} of papers; there is no page {p}.")
    return pages


def _pager(p: int, pages: int, size: int) -> dict[str, int]:
    return {"p": p, "pages": pages, "page_size": size}


@router.get("/papers/trending", response_class=HTMLResponse)
def trending_page(request: Request, db: Db, settings: Config, p: PageNo = 0) -> Response:
    """Papers featured in the last ``trending_days`` days with papers, best trending score first."""
    with db.connect() as conn:
        window = trending_window(conn, settings)
        ranked = trending_in(conn, window[0], window[1], settings) if window else []
        size = settings.page_size
        pages = page_count(len(ranked), size, p, "Trending")
        shown = ranked[p * size : (p + 1) * size]
        items = [r.item for r in shown]
        context = {
            "nav": "trending",
            "items": items,
            "whys": whys(shown),
            "total": len(ranked),
            "window": window,
            "days": settings.trending_days,
            "weights": weights(settings),
            "voted": voted_for(request, conn, [item.view for item in items]),
            **_pager(p, pages, size),
        }
        return render(request, "trending.html", context, public=True)


@router.get("/authors/{name:path}", response_class=HTMLResponse)
def author_page(request: Request, name: str, db: Db, settings: Config, p: PageNo = 0) -> Response:
    """Papers listing exactly this author name; the name in another case redirects to its stored spelling
    (``/authors/ziwei liu`` → ``/authors/Ziwei Liu``); a name on no paper is a 404."""
    with db.connect() as conn:
        total = store.count_author_papers(conn, name) if len(name) <= MAX_NAME else 0
        if total == 0:
            spelling = store.author_spelling(conn, name) if len(name) <= MAX_NAME else None
            if spelling is None:
                raise NotFound(f"No paper here lists {name!r} as an author.")
            return moved(request, f"/authors/{path_segment(spelling)}")
        size = settings.page_size
        pages = page_count(total, size, p, name)
        views = store.author_papers(conn, name, limit=size, offset=p * size)
        context = {
            "name": name,
            "views": views,
            "total": total,
            "accounts": claimants(conn, name),
            "feed_path": f"/authors/{path_segment(name)}/feed",
            "voted": voted_for(request, conn, views),
            **_pager(p, pages, size),
        }
        return render(request, "author.html", context, public=True)
