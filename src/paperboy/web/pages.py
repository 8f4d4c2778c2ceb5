"""HTML pages: the daily / weekly / monthly feeds and a page per paper (search lives in ``search_page``).

Routes are plain ``def`` functions (FastAPI runs them in a thread pool) because the store is synchronous.
Each feed page costs a fixed handful of queries whatever its size: one count, one feed query and the
neighbouring-day look-ups for the previous / next links.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import timedelta
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.engine import Connection, Engine

from paperboy.config import Settings
from paperboy.discovery.trending import trending_in, whys
from paperboy.errors import NotFound
from paperboy.http.deps import get_engine, get_settings
from paperboy.papers import canonical_id, visible_paper
from paperboy.periods import Period, parse_day, parse_month, parse_week, period_containing
from paperboy.store.feed import count_feed, day_span, feed, first_feature, latest_day, neighbour_days
from paperboy.web.claims import paper_claims
from paperboy.web.discussion import paper_context, voted_for
from paperboy.web.render import render

router = APIRouter(include_in_schema=False)

Db = Annotated[Engine, Depends(get_engine)]
Config = Annotated[Settings, Depends(get_settings)]
Sort = Annotated[
    Literal["upvotes", "trending", "publishedAt"],
    Query(description="upvotes (most upvoted), trending (the trending score) or publishedAt (newest)"),
]
PageNo = Annotated[int, Query(ge=0, le=10_000, description="Page number, counting from 0 as the API does")]
HEADINGS = {"date": "Daily papers", "week": "Weekly papers", "month": "Monthly papers"}


@dataclass(frozen=True, slots=True)
class Step:
    """A previous / next link: where it goes and how to name it in full and in a few characters."""

    url: str
    label: str
    short: str


def period_url(period: Period) -> str:
    return f"/papers/{period.kind}/{period.key}"


def _short(period: Period) -> str:
    if period.kind == "week":
        return f"W{period.key[-2:]}"
    if period.kind == "month":
        return f"{period.start:%b %Y}"
    return f"{period.start:%b %-d}"


def _step(period: Period | None) -> Step | None:
    return Step(period_url(period), period.label, _short(period)) if period else None


def _neighbours(conn: Connection, period: Period) -> tuple[Period | None, Period | None]:
    """The nearest earlier and later periods that have papers, so the links never lead to empty pages."""
    before, after = neighbour_days(conn, period.start)
    if period.kind != "date":
        after = neighbour_days(conn, period.end)[1]
    return (
        period_containing(period.kind, before) if before else None,
        period_containing(period.kind, after) if after else None,
    )


def _tabs(conn: Connection, period: Period) -> list[dict[str, object]]:
    """Daily / Weekly / Monthly views of one moment (a week's Daily tab opens its last day with papers), and
    Trending, which is always now."""
    day = period.start
    if period.kind != "date":
        last = neighbour_days(conn, period.end + timedelta(days=1))[0]
        day = last if last and last >= period.start else period.start
    return [
        {
            "label": "Daily",
            "url": period_url(period_containing("date", day)),
            "current": period.kind == "date",
        },
        {
            "label": "Weekly",
            "url": period_url(period_containing("week", day)),
            "current": period.kind == "week",
        },
        {
            "label": "Monthly",
            "url": period_url(period_containing("month", day)),
            "current": period.kind == "month",
        },
        {"label": "Trending", "url": "/papers/trending", "current": False},
    ]


def _feed_page(
    request: Request,
    conn: Connection,
    settings: Settings,
    period: Period,
    sort: str,
    p: int,
    is_latest: bool = False,
) -> HTMLResponse:
    # Trending is scored in Python over the whole period (one query), then paged; see discovery.trending.
    ranked = trending_in(conn, period.start, period.end, settings) if sort == "trending" else None
    total = len(ranked) if ranked is not None else count_feed(conn, period.start, period.end)
    size = settings.page_size
    pages = max(1, math.ceil(total / size))
    if p >= pages:
        raise NotFound(
            f"{period.label} has {pages} page{'s' if pages > 1 else ''} of papers; there is no page {p}."
        )
    shown = ranked[p * size : (p + 1) * size] if ranked is not None else []
    if ranked is not None:
        items = [r.item for r in shown]
    else:
        items = feed(conn, period.start, period.end, sort=sort, limit=size, offset=p * size) if total else []
    before, after = _neighbours(conn, period)
    first_day, last_day = day_span(conn)
    context = {
        "nav": period.kind,
        "period": period,
        "heading": HEADINGS[period.kind],
        "items": items,
        "total": total,
        "sort": sort,
        "sort_param": None if sort == "upvotes" else sort,
        "whys": whys(shown),
        "p": p,
        "pages": pages,
        "page_size": size,
        "prev": _step(before),
        "next": _step(after),
        "tabs": _tabs(conn, period),
        "is_latest": is_latest,
        "first_day": first_day,
        "last_day": last_day,
        "voted": voted_for(request, conn, [item.view for item in items]),
    }
    return render(request, "feed.html", context, public=True)


@router.get("/", response_class=HTMLResponse)
def home(request: Request, db: Db, settings: Config, sort: Sort = "upvotes", p: PageNo = 0) -> Response:
    """The latest day that has papers; an empty database gets a how-to-start page instead of an error."""
    with db.connect() as conn:
        day = latest_day(conn)
        if day is None:
            return render(request, "welcome.html", {"nav": "date"})
        return _feed_page(request, conn, settings, period_containing("date", day), sort, p, is_latest=True)


@router.get("/papers", include_in_schema=False)
def papers_root() -> RedirectResponse:
    return RedirectResponse("/", status_code=307)


@router.get("/papers/date", include_in_schema=False)
def jump_to_day(db: Db, day: str = "", kind: Literal["date", "week", "month"] = "date") -> RedirectResponse:
    """Where the feed pages' date picker (a plain GET form) lands: the day, week or month holding ``day``,
    moved into the days that have papers; with no day, today's feed."""
    if not day:
        return RedirectResponse("/", status_code=307)
    wanted = parse_day(day).start
    with db.connect() as conn:
        first, last = day_span(conn)
    if first is None or last is None:
        return RedirectResponse("/", status_code=303)
    wanted = min(max(wanted, first), last)
    return RedirectResponse(period_url(period_containing(kind, wanted)), status_code=303)


def _latest_redirect(conn: Connection, kind: str) -> RedirectResponse:
    day = latest_day(conn)
    return RedirectResponse(period_url(period_containing(kind, day)) if day else "/", status_code=307)


@router.get("/papers/week")
def latest_week(db: Db) -> RedirectResponse:
    with db.connect() as conn:
        return _latest_redirect(conn, "week")


@router.get("/papers/month")
def latest_month(db: Db) -> RedirectResponse:
    with db.connect() as conn:
        return _latest_redirect(conn, "month")


@router.get("/papers/date/{day}", response_class=HTMLResponse)
def day_page(
    request: Request, day: str, db: Db, settings: Config, sort: Sort = "upvotes", p: PageNo = 0
) -> Response:
    with db.connect() as conn:
        period = parse_day(day)
        return _feed_page(
            request, conn, settings, period, sort, p, is_latest=latest_day(conn) == period.start
        )


@router.get("/papers/week/{week}", response_class=HTMLResponse)
def week_page(
    request: Request, week: str, db: Db, settings: Config, sort: Sort = "upvotes", p: PageNo = 0
) -> Response:
    with db.connect() as conn:
        return _feed_page(request, conn, settings, parse_week(week), sort, p)


@router.get("/papers/month/{month}", response_class=HTMLResponse)
def month_page(
    request: Request, month: str, db: Db, settings: Config, sort: Sort = "upvotes", p: PageNo = 0
) -> Response:
    with db.connect() as conn:
        return _feed_page(request, conn, settings, parse_month(month), sort, p)


@router.get("/papers/{arxiv_id:path}", response_class=HTMLResponse)
def paper_page(request: Request, arxiv_id: str, db: Db) -> Response:
    """One paper; declared last so feed routes win. ``.md`` paths belong to the API router, included first."""
    with db.connect() as conn:
        if arxiv_id.endswith(".md"):
            raise NotFound(f"No Markdown export for {arxiv_id.removesuffix('.md')!r}.")
        canonical = canonical_id(arxiv_id)
        if canonical != arxiv_id:
            return RedirectResponse(f"/papers/{canonical}", status_code=301)
        view = visible_paper(conn, canonical, getattr(request.state, "user", None))
        context = {"view": view, **paper_context(request, conn, view), **paper_claims(request, conn, view)}
        context["submitter"] = (
            featured.submitter if (featured := first_feature(conn, view.paper_id)) else None
        )
        return render(request, "paper.html", context, public=True)
