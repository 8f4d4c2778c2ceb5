"""JSON routes on the Hugging Face Hub's papers API paths, so ``HfApi(endpoint=...)`` works against paperboy.

Paths, parameters and field names mirror ``huggingface.co/api``; bodies are the ``response_model``s, filled by
``serialize`` and sent with ``wire()``, so the documentation and the bytes cannot drift. Every bad parameter
becomes a 400 or 422 with a message naming it; errors are raised as ``paperboy.errors`` and mapped to HTTP in
``http.errors``.
"""

from __future__ import annotations

from datetime import date as Date
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query
from fastapi.responses import JSONResponse, PlainTextResponse
from sqlalchemy.engine import Connection, Engine

from paperboy.api import serialize
from paperboy.api.markdown import paper_markdown
from paperboy.api.schemas import INVALID, DailyPaperOut, ErrorOut, PaperInfoOut, json_error
from paperboy.config import Settings
from paperboy.discovery.trending import trending_in
from paperboy.errors import BadRequest
from paperboy.http import cache
from paperboy.http.deps import get_engine, get_settings
from paperboy.http.params import no_nul
from paperboy.http.wire import wire_list
from paperboy.models import FeedItem, PaperView
from paperboy.papers import visible_paper
from paperboy.periods import (
    DAY_PATTERN,
    MONTH_PATTERN,
    WEEK_PATTERN,
    Period,
    parse_day,
    parse_month,
    parse_week,
    period_containing,
)
from paperboy.store.feed import feed, first_feature, latest_day

SHARED = {"Cache-Control": cache.PUBLIC}  # the same for every anonymous reader: cached (http.cache)
router = APIRouter(tags=["papers (Hugging Face compatible)"])

MAX_PAGE = 100_000  # keeps p * limit far inside a 64-bit OFFSET on every backend
ERRORS = {400: {"model": ErrorOut, "description": "A parameter is malformed."}, **INVALID}
NOT_FOUND = {404: {"model": ErrorOut, "description": "No such paper: not an arXiv id, unknown, or hidden."}}
Db = Annotated[Engine, Depends(get_engine)]
PaperId = Annotated[
    str,
    Path(
        description="arXiv id, with or without version: `2509.21268`, `2509.21268v2`, `hep-th/9901001`.",
        examples=["2509.21268"],
    ),
]


def _period(
    conn: Connection, day: str | None, week: str | None, month: str | None, submitter: str | None
) -> Period | None:
    """The period asked for; none means the latest day with papers (every day when filtering by submitter)."""
    given = [
        (name, value)
        for name, value in (("date", day), ("week", week), ("month", month))
        if value is not None
    ]
    if len(given) > 1:
        raise BadRequest(f"give at most one of date, week and month (got {', '.join(n for n, _ in given)})")
    if given:
        name, value = given[0]
        no_nul(name, value)
        parse = {"date": parse_day, "week": parse_week, "month": parse_month}[name]
        try:
            return parse(value)
        except (ValueError, OverflowError):  # a well-formed date outside what the calendar can hold
            raise BadRequest(f"{name} is out of range: {value!r}") from None
    if submitter is not None:
        return Period("date", Date.min, Date.max)
    latest = latest_day(conn)
    return period_containing("date", latest) if latest else None


@router.get(
    "/api/daily_papers",
    response_model=list[DailyPaperOut],
    responses=ERRORS,
    summary="Papers featured on the daily feed",
    description="Papers featured on one day, ISO week or month (at most one of `date`, `week`, `month`; none "
    "means the latest day with papers, or every day when `submitter` is given). A paper featured on "
    "several days of the period appears once. Same path, parameters and fields as Hugging Face's "
    "`/api/daily_papers`.",
)
def daily_papers(
    db: Db,
    settings: Annotated[Settings, Depends(get_settings)],
    day: Annotated[
        str | None,
        Query(
            alias="date",
            max_length=32,
            description="A day, `YYYY-MM-DD`, before 9999-12-31.",
            examples=["2025-09-26"],
            json_schema_extra={"pattern": DAY_PATTERN},  # checked by periods.parse_day: a 400 names it
        ),
    ] = None,
    week: Annotated[
        str | None,
        Query(
            max_length=32,
            description="An ISO week, `YYYY-Www`, ending before 9999-12-31.",
            examples=["2025-W39"],
            json_schema_extra={"pattern": WEEK_PATTERN},
        ),
    ] = None,
    month: Annotated[
        str | None,
        Query(
            max_length=32,
            description="A month, `YYYY-MM`, ending before 9999-12-31.",
            examples=["2025-09"],
            json_schema_extra={"pattern": MONTH_PATTERN},
        ),
    ] = None,
    submitter: Annotated[
        str | None, Query(min_length=1, max_length=100, description="Only papers featured by this username.")
    ] = None,
    sort: Annotated[
        Literal["publishedAt", "trending"],
        Query(
            description="`publishedAt`: most recently featured first; `trending`: by the trending score "
            "(upvotes, comments and GitHub stars with an age decay; see README, Trending)."
        ),
    ] = "publishedAt",
    p: Annotated[int, Query(ge=0, le=MAX_PAGE, description="Page number, from 0.")] = 0,
    limit: Annotated[int, Query(ge=1, le=100, description="Papers per page.")] = 50,
) -> JSONResponse:
    with db.connect() as conn:
        no_nul("submitter", submitter)
        period = _period(conn, day, week, month, submitter)
        if period is None:
            return JSONResponse([])
        if sort == "trending":  # scored over the whole period, then paged (see discovery.trending)
            ranked = trending_in(conn, period.start, period.end, settings, submitter=submitter)
            items = [r.item for r in ranked[p * limit : (p + 1) * limit]]
        else:
            items = feed(
                conn, period.start, period.end, sort=sort, limit=limit, offset=p * limit, submitter=submitter
            )
        return JSONResponse(wire_list([serialize.daily_entry(item) for item in items]), headers=SHARED)


def _load(conn: Connection, raw_id: str) -> tuple[PaperView, FeedItem | None]:
    """The paper behind any spelling of its id, and its first feature on the daily feed."""
    view = visible_paper(conn, raw_id)  # hidden by a moderator: gone from the API as from the feeds
    return view, first_feature(conn, view.paper_id)


@router.get(
    "/api/papers/{paper_id:path}",
    response_model=PaperInfoOut,
    responses=NOT_FOUND,
    summary="One paper",
    description="The paper with its authors, upvotes, comment count, links and who featured it first. "
    "A versioned id resolves to the paper. Same shape as Hugging Face's `/api/papers/{id}`.",
)
def paper_info(db: Db, paper_id: PaperId) -> JSONResponse:
    with db.connect() as conn:
        view, item = _load(conn, paper_id)
        return JSONResponse(serialize.paper_info(view, item).wire(), headers=SHARED)


@router.get(
    "/papers/{paper_id:path}.md",
    response_class=PlainTextResponse,
    responses={
        404: json_error(NOT_FOUND[404]["description"]),
        200: {
            "content": {"text/markdown": {"schema": {"type": "string"}}},
            "description": "The paper as Markdown.",
        },
    },
    summary="One paper as Markdown",
    description="Title, authors, arXiv abstract and PDF links, metadata and abstract as one Markdown "
    "document (what `HfApi.read_paper` reads).",
)
def paper_md(db: Db, paper_id: PaperId) -> PlainTextResponse:
    with db.connect() as conn:
        view, item = _load(conn, paper_id)
        return PlainTextResponse(
            paper_markdown(view, item), media_type="text/markdown; charset=utf-8", headers=SHARED
        )
