"""The personal API: a reader's library and a preview of their recommendations.

Scripts authenticate with a personal API token (``Authorization: Bearer pbt_…``) and need no CSRF token; a
browser calling the changing routes with its session cookie must send ``X-CSRF-Token``. The rules (ids,
"saved" and "not interested" excluding each other, picks refreshed on change) live in ``digest.library``,
shared with the pages.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import JSONResponse, Response

from paperboy.api import serialize
from paperboy.api.me_schemas import LibraryChangeOut, LibraryIn, LibraryItemOut, LibraryOut, RecommendationOut
from paperboy.api.schemas import ErrorOut
from paperboy.digest import foryou, library
from paperboy.errors import BadRequest, NotFound
from paperboy.http.session import check_csrf, require_user
from paperboy.http.wire import wire_list

router = APIRouter(tags=["personal (paperboy's own)"])
MAX_LIMIT = 50
MAX_SPAN_DAYS = 92
SIGNED_IN: dict[int | str, dict[str, Any]] = {
    401: {"model": ErrorOut, "description": "No valid API token or session."},
    403: {"model": ErrorOut, "description": "A session call without X-CSRF-Token."},
}
BAD: dict[int | str, dict[str, Any]] = {
    400: {"model": ErrorOut, "description": "An id, date or folder that is not acceptable (says which)."},
    422: {"model": ErrorOut, "description": "A body or parameter of the wrong shape or out of bounds."},
}


def _library_items(request: Request, user_id: int) -> list[LibraryItemOut]:
    with request.app.state.engine.connect() as conn:
        rows = library.items(conn, user_id)
    return [
        LibraryItemOut.trusted(
            id=r["arxiv_id"],
            kind=r["kind"],
            folder=r["folder"],
            title=r["title"],
            addedAt=serialize.iso_ms(r["added_at"].replace(tzinfo=r["added_at"].tzinfo or UTC)),
            onSite=r["paper_id"] is not None,
        )
        for r in rows
    ]


@router.get(
    "/api/me/library",
    response_model=LibraryOut,
    responses=SIGNED_IN,
    summary="Your library",
    description="Saved, imported and not-interested papers, saved ones first, by folder, newest first.",
)
def get_library(request: Request) -> JSONResponse:
    user = require_user(request)
    return JSONResponse(LibraryOut.trusted(items=_library_items(request, user.id)).wire())


@router.post(
    "/api/me/library",
    response_model=LibraryChangeOut,
    responses={**SIGNED_IN, **BAD},
    summary="Save papers or mark them not interested",
    description="Idempotent. Saving removes a not-interested mark on the same paper and the other way "
    "round; your recommendations are computed again on the next visit to /for-you.",
)
def post_library(request: Request, body: LibraryIn) -> JSONResponse:
    user = require_user(request)
    check_csrf(request, None)
    ids = list(dict.fromkeys(library.arxiv_id_of(raw) for raw in body.ids))
    folder = library.folder_name(body.folder) if body.kind == "saved" else ""
    with request.app.state.engine.begin() as conn:
        added = library.mark(conn, user.id, body.kind, [(i, None) for i in ids], folder)
    return JSONResponse(LibraryChangeOut.trusted(added=added, items=_library_items(request, user.id)).wire())


@router.delete(
    "/api/me/library/{paper_id:path}",
    status_code=204,
    responses={**SIGNED_IN, **BAD, 404: {"model": ErrorOut, "description": "Not in your library."}},
    summary="Remove a paper from your library",
    description="Removes every mark on the paper (saved in any folder, imported, not interested).",
)
def delete_library(
    request: Request, paper_id: Annotated[str, Path(description="arXiv id in any spelling.")]
) -> Response:
    user = require_user(request)
    check_csrf(request, None)
    arxiv_id = library.arxiv_id_of(paper_id)
    with request.app.state.engine.begin() as conn:
        if not library.remove(conn, user.id, arxiv_id):
            raise NotFound(f"{arxiv_id} is not in your library.")
    return Response(status_code=204)


def _day(name: str, raw: str | None) -> date | None:
    if raw is None:
        return None
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise BadRequest(f"{name} must be a date, YYYY-MM-DD.") from None


@router.get(
    "/api/me/recommendations",
    response_model=list[RecommendationOut],
    responses={**SIGNED_IN, **BAD},
    summary="Preview your recommendations",
    description="What would be recommended to you from the papers featured between `since` and `until` "
    "(default: the window your digest covers now), best first, each with its reason. A preview: nothing is "
    "recorded, and papers recommended before may appear again. Fewer than `limit` when fewer papers are "
    f"close enough to your library. The window spans at most {MAX_SPAN_DAYS} days.",
)
def get_recommendations(
    request: Request,
    since: Annotated[str | None, Query(max_length=10, description="First day, `YYYY-MM-DD`.")] = None,
    until: Annotated[str | None, Query(max_length=10, description="Last day, `YYYY-MM-DD`.")] = None,
    limit: Annotated[int, Query(ge=1, le=MAX_LIMIT, description="Most picks to return.")] = 10,
) -> JSONResponse:
    user = require_user(request)
    start, end = _day("since", since), _day("until", until)
    engine, settings = request.app.state.engine, request.app.state.settings
    if start is None or end is None:
        default = foryou.default_window(engine, user.id)
        if default is None:
            return JSONResponse([])
        end = end or default[1]
        start = start or end - (default[1] - default[0])
    if start > end:
        raise BadRequest("since must not be after until.")
    if (end - start).days >= MAX_SPAN_DAYS:
        raise BadRequest(f"The window spans at most {MAX_SPAN_DAYS} days.")
    now = min(datetime.now(UTC), datetime.combine(end + timedelta(days=1), time(0), UTC))
    picks = foryou.preview(engine, settings, user.id, start, end, limit, now)
    return JSONResponse(
        wire_list(
            [
                RecommendationOut.trusted(
                    paper=serialize.paper(view), reason=pick.reason, score=round(pick.score, 6)
                )
                for pick, view in picks
            ]
        )
    )
