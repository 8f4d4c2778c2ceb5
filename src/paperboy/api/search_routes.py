"""Search and similar papers as JSON: the Hugging Face compatible ``/api/papers/search`` plus our extras.

``/api/papers/search`` keeps Hugging Face's path, ``q`` and ``limit`` and its response shape (a list of
daily-entry objects), so ``HfApi.list_papers(query=...)`` works; the results are our hybrid ranking. The extra
parameters (mode, sort, filters, paging) are ours and optional. ``/api/papers/{id}/similar`` is ours.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, ClassVar, Literal
from urllib.parse import quote

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import JSONResponse
from pydantic import Field

from paperboy.api import serialize
from paperboy.api.entry_json import entries_response
from paperboy.api.schemas import INVALID, DailyPaperOut, ErrorOut, PaperOut
from paperboy.http.cache import PUBLIC
from paperboy.http.deps import get_search, memo_for
from paperboy.http.params import no_nul
from paperboy.http.wire import Wire, wire_list
from paperboy.papers import visible_paper
from paperboy.search.searcher import make_filters, search
from paperboy.search.service import SearchService
from paperboy.search.similar_papers import similar_papers
from paperboy.search.suggest import suggest

router = APIRouter(tags=["search"])
Search = Annotated[SearchService, Depends(get_search)]
ERRORS = {400: {"model": ErrorOut, "description": "A parameter is malformed."}, **INVALID}


class SuggestedPaper(Wire):
    id: str = Field(description="arXiv id.")
    title: str
    url: str


class SuggestedAuthor(Wire):
    name: str
    papers: int = Field(description="Papers by this name among those that matched (not a full count).")
    url: str


class SuggestedOrganization(Wire):
    name: str = Field(description="Handle.")
    fullname: str | None
    url: str


class SuggestionsOut(Wire):
    papers: list[SuggestedPaper]
    authors: list[SuggestedAuthor]
    organizations: list[SuggestedOrganization]


class SimilarOut(Wire):
    omit_none: ClassVar[bool] = True  # the nested paper leaves unknown keys out

    paper: PaperOut
    reason: str = Field(description="One line: what the two papers have in common.")
    score: float = Field(description="Fused similarity, higher is closer (comparable within one list only).")


@router.get(
    "/api/papers/search",
    response_model=list[DailyPaperOut],
    responses=ERRORS,
    summary="Search papers",
    description="Hybrid search (keywords and meaning, fused) over titles, abstracts, authors and "
    "organizations. "
    'Supports `"phrases"`, `prefix*`, `-excluded` words and `author:`, `category:`, `org:` filters in `q`. '
    "An empty `q` without filters gives an empty list, as on Hugging Face. `q` and `limit` are "
    "Hugging Face's; "
    "the other parameters are paperboy extensions.",
)
def search_papers(
    request: Request,
    service: Search,
    q: Annotated[
        str | None,
        Query(max_length=10_000, description="What to look for.", examples=["multimodal reasoning"]),
    ] = None,
    limit: Annotated[int, Query(ge=1, le=120, description="Most results to return.")] = 50,
    mode: Annotated[
        Literal["hybrid", "keyword", "semantic"],
        Query(description="`hybrid` (default), `keyword` (BM25 only) or `semantic` (meaning only)."),
    ] = "hybrid",
    sort: Annotated[
        Literal["relevance", "date", "upvotes", "trending"],
        Query(
            description="`relevance` (default), `date` (newest first) or `upvotes` (most upvoted first; "
            "`trending` is accepted as its older name)."
        ),
    ] = "relevance",
    date_from: Annotated[date | None, Query(description="Published on or after this day.")] = None,
    date_to: Annotated[date | None, Query(description="Published on or before this day.")] = None,
    category: Annotated[str | None, Query(max_length=64, description="arXiv category, e.g. cs.CL.")] = None,
    org: Annotated[str | None, Query(max_length=200, description="Organization handle or name.")] = None,
    p: Annotated[int, Query(ge=0, le=1000, description="Page number, from 0 (pages of `limit`).")] = 0,
) -> JSONResponse:
    no_nul("q", q)
    no_nul("category", category)
    no_nul("org", org)
    filters = make_filters(date_from, date_to, category, org)
    if not (q and q.strip()) and not filters.any:
        return JSONResponse([])
    page = search(
        service, q or "", mode=mode, sort=sort, filters=filters, offset=p * limit, limit=limit, load=False
    )
    memo = memo_for(request.app, "search_entries")
    return entries_response(memo, [pid for pid, _ in page.chosen], service.paper_views)


@router.get(
    "/api/suggest",
    response_model=SuggestionsOut,
    responses=ERRORS,
    summary="Suggestions as you type",
    description="Papers (title words, the last one as a prefix, or an arXiv id), authors and organizations "
    "whose names start with `q`; at most `limit` of each. Fewer than two characters give empty lists.",
)
def suggestions(
    service: Search,
    q: Annotated[str, Query(max_length=200, description="What has been typed so far.")] = "",
    limit: Annotated[int, Query(ge=1, le=10, description="Most suggestions of each kind.")] = 5,
) -> JSONResponse:
    no_nul("q", q)
    found = suggest(service, q, limit)
    body = {
        "papers": [{"id": i, "title": t, "url": f"/papers/{i}"} for i, t in found.papers],
        "authors": [
            {"name": n, "papers": c, "url": f"/authors/{quote(n, safe='')}"} for n, c in found.authors
        ],
        "organizations": [
            {"name": n, "fullname": f, "url": f"/organizations/{quote(n, safe='')}"}
            for n, f in found.organizations
        ],
    }
    return JSONResponse(body, headers={"Cache-Control": PUBLIC})


@router.get(
    "/api/papers/{paper_id:path}/similar",
    response_model=list[SimilarOut],
    responses={
        **INVALID,
        404: {"model": ErrorOut, "description": "No such paper: not an arXiv id, unknown, or hidden."},
    },
    summary="Papers similar to one paper",
    description="Nearest papers by meaning and shared distinctive words, each with a one-line reason.",
)
def similar(
    service: Search,
    paper_id: Annotated[str, Path(description="arXiv id, with or without version.", examples=["2509.21268"])],
    limit: Annotated[int, Query(ge=1, le=50, description="Most papers to return.")] = 10,
) -> JSONResponse:
    with service.engine.connect() as conn:
        view = visible_paper(conn, paper_id)  # hidden by a moderator: gone from the API as from the feeds
    hits = similar_papers(service, view.paper_id, k=limit)
    return JSONResponse(
        wire_list(
            [
                SimilarOut(paper=serialize.paper(h.view), reason=h.reason, score=round(h.score, 4))
                for h in hits
            ]
        ),
        headers={"Cache-Control": PUBLIC},
    )
