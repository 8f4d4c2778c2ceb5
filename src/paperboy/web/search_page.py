"""The ``/search`` page: hybrid search with filters, counts and paging; results update as you type.

The page is a plain GET form and works without JavaScript. ``static/search.js`` (no inline script, so a strict
CSP holds) re-requests the page with ``partial=1`` as you type, debounced, and swaps in the results fragment.
Also registers ``similar_for`` for templates: the paper page includes ``_similar.html``, which calls it.
"""

from __future__ import annotations

import logging
import math
import time
from datetime import date
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from paperboy.errors import BadRequest
from paperboy.http.deps import service_for
from paperboy.search.searcher import MAX_RESULTS, canonical_sort, make_filters, search
from paperboy.search.similar_papers import SimilarHit, similar_papers
from paperboy.store.papers import any_categories
from paperboy.web.render import ENV, render
from paperboy.web.search_hits import hit_parts

router = APIRouter(include_in_schema=False)
log = logging.getLogger(__name__)
PAGE_SIZE = 20
CATEGORIES_RECHECK = 300.0  # seconds before "no paper has a category" is asked again
MODE_LABELS = {"hybrid": "Best match", "keyword": "Exact words", "semantic": "Meaning"}
SORT_LABELS = {"relevance": "Relevance", "date": "Newest", "upvotes": "Most upvoted"}


def _day(name: str, value: str) -> date | None:
    if not value.strip():
        return None
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise BadRequest(f"{name} must be a date like 2025-09-26, not {value[:40]!r}") from None


@router.get("/search", response_class=HTMLResponse)
def search_page(
    request: Request,
    q: Annotated[str, Query(max_length=10_000)] = "",
    mode: Literal["hybrid", "keyword", "semantic"] = "hybrid",
    sort: Literal["relevance", "date", "upvotes", "trending"] = "relevance",
    category: Annotated[str, Query(max_length=64)] = "",
    org: Annotated[str, Query(max_length=200)] = "",
    date_from: Annotated[str, Query(alias="from", max_length=32)] = "",
    date_to: Annotated[str, Query(alias="to", max_length=32)] = "",
    p: Annotated[int, Query(ge=0, le=MAX_RESULTS // PAGE_SIZE)] = 0,
    partial: bool = False,
    exact: bool = False,
) -> Response:
    """Results for ``q``; ``partial=1`` returns only the results fragment (for search.js)."""
    q = q.replace("\x00", " ")
    sort = canonical_sort(sort)  # links saved with the older name select the same option
    filters = make_filters(_day("from", date_from), _day("to", date_to), category, org)
    page = None
    if q.strip() or filters.any:
        page = search(
            service_for(request.app),
            q,
            mode=mode,
            sort=sort,
            filters=filters,
            offset=p * PAGE_SIZE,
            limit=PAGE_SIZE,
            prefix_last=True,
            spelling=not exact,
        )
    if page is not None and page.lookup and len(page.hits) == 1 and not partial and p == 0:
        # The query was exactly one arXiv id (any spelling) that we hold: go to the paper.
        return RedirectResponse(f"/papers/{page.hits[0].view.paper.arxiv_id}", status_code=303)
    reachable = min(page.total, MAX_RESULTS) if page else 0
    context = {
        "q": " ".join(q.split())[:200],
        "page": page,
        "hit_parts": hit_parts(request, [hit.view for hit in page.hits]) if page else {},
        "mode": mode,
        "sort": sort,
        "category": category.strip(),
        "org": org.strip(),
        "date_from": date_from.strip(),
        "date_to": date_to.strip(),
        "p": p,
        "pages": max(1, math.ceil(reachable / PAGE_SIZE)),
        "page_size": PAGE_SIZE,
        "modes": MODE_LABELS,
        "sorts": SORT_LABELS,
    }
    return render(request, "_search_results.html" if partial else "search.html", context)


def similar_for(request: Request, paper_id: int, k: int = 6) -> list[SimilarHit]:
    """Similar papers for templates; a failure here never breaks the paper page it decorates."""
    try:
        return similar_papers(service_for(request.app), paper_id, k=k)
    except Exception:  # noqa: BLE001 - the paper page must render even if search is broken
        log.exception("similar papers failed for paper %s", paper_id)
        return []


def categories_known(request: Request) -> bool:
    """Whether any paper has an arXiv category: until one does (a site fed only from Hugging Face, before the
    worker's metadata back-fill), category filters and follows could never match and are not offered."""
    now = time.monotonic()
    cached = getattr(request.app.state, "categories_known", None)
    if cached is not None and (cached[0] or now - cached[1] < CATEGORIES_RECHECK):
        return cached[0]
    with request.app.state.engine.connect() as conn:
        known = any_categories(conn)
    request.app.state.categories_known = (known, now)
    return known


ENV.globals["similar_for"] = similar_for
ENV.globals["categories_known"] = categories_known
