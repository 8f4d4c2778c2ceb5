"""RSS 2.0 and Atom feeds: the latest day, its week, trending, an organization and an author.

Every feed mirrors an HTML page (same papers, same order, capped at ``FEED_LIMIT`` items) and links each item
to our paper page, which is also its guid. Included before ``discovery`` so ``/authors/{name}/feed.rss`` is
not read as an author called "…/feed.rss".
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.engine import Connection, Engine

from paperboy.config import Settings
from paperboy.discovery.feeds import MEDIA_TYPES, FeedItemOut, FeedMeta, build_feed
from paperboy.discovery.trending import featured_at, trending_in, trending_window
from paperboy.errors import NotFound
from paperboy.http import cache
from paperboy.http.deps import get_engine, get_settings
from paperboy.models import FeedItem
from paperboy.periods import period_containing
from paperboy.store import authors as store
from paperboy.store.feed import feed, latest_day
from paperboy.store.organizations import group, resolve
from paperboy.web.moved import moved
from paperboy.web.render import path_segment

router = APIRouter(include_in_schema=False)

Db = Annotated[Engine, Depends(get_engine)]
Config = Annotated[Settings, Depends(get_settings)]
FEED_LIMIT = 100
MAX_NAME = 300


def _respond(
    settings: Settings,
    fmt: str,
    title: str,
    description: str,
    page: str,
    feed_path: str,
    items: list[FeedItemOut],
) -> Response:
    """The feed document for ``page`` (a site path) served at ``feed_path`` + ``.rss`` / ``.atom``."""
    if fmt not in MEDIA_TYPES:
        raise NotFound(f"Feeds come as .rss or .atom, not .{fmt}.")
    base = settings.base_url.rstrip("/")
    meta = FeedMeta(
        title=f"{title} · {settings.site_name}",
        description=description,
        page_url=base + page,
        feed_url=f"{base}{feed_path}.{fmt}",
        site_name=settings.site_name,
        base_url=base,
    )
    body = build_feed(meta, items[:FEED_LIMIT], fmt)  # type: ignore[arg-type]
    return Response(
        body,
        media_type=f"{MEDIA_TYPES[fmt]}; charset=utf-8",
        headers={"Cache-Control": cache.PUBLIC},
    )


def _featured(items: list[FeedItem]) -> list[FeedItemOut]:
    return [FeedItemOut(item.view, featured_at(item)) for item in items]


def _period_feed(conn: Connection, settings: Settings, fmt: str, kind: str) -> Response:
    """The latest day with papers, or the ISO week holding it, most upvoted first (as its page shows)."""
    day = latest_day(conn)
    name = "Daily papers" if kind == "date" else "Weekly papers"
    path = "/feeds/daily" if kind == "date" else "/feeds/weekly"
    if day is None:
        return _respond(settings, fmt, name, "No papers yet.", "/", path, [])
    period = period_containing(kind, day)
    items = feed(conn, period.start, period.end, sort="upvotes", limit=FEED_LIMIT)
    page = "/" if kind == "date" else f"/papers/week/{period.key}"
    description = f"The most upvoted papers featured {'on' if kind == 'date' else 'in'} {period.label}."
    return _respond(settings, fmt, f"{name}: {period.label}", description, page, path, _featured(items))


@router.get("/feeds/daily.{fmt}")
def daily_feed(fmt: str, db: Db, settings: Config) -> Response:
    with db.connect() as conn:
        return _period_feed(conn, settings, fmt, "date")


@router.get("/feeds/weekly.{fmt}")
def weekly_feed(fmt: str, db: Db, settings: Config) -> Response:
    with db.connect() as conn:
        return _period_feed(conn, settings, fmt, "week")


@router.get("/feeds/trending.{fmt}")
def trending_feed(fmt: str, db: Db, settings: Config) -> Response:
    with db.connect() as conn:
        window = trending_window(conn, settings)
        ranked = trending_in(conn, window[0], window[1], settings) if window else []
        description = (
            f"Papers featured in the last {settings.trending_days} days, ranked by upvotes, comments and "
            "GitHub stars with an age decay."
        )
        items = _featured([r.item for r in ranked[:FEED_LIMIT]])
        return _respond(
            settings, fmt, "Trending papers", description, "/papers/trending", "/feeds/trending", items
        )


@router.get("/organizations/{name}/feed.{fmt}")
def organization_feed(request: Request, name: str, fmt: str, db: Db, settings: Config) -> Response:
    """Every handle's papers; another name of the organization redirects to its canonical feed."""
    with db.connect() as conn:
        found = resolve(conn, name) if len(name) <= MAX_NAME else None
        if found is None:
            raise NotFound(f"There is no organization {name!r} here.")
        page = f"/organizations/{path_segment(found.name)}"
        if not found.exact and fmt in MEDIA_TYPES:
            return moved(request, f"{page}/feed.{path_segment(fmt)}")
        org = group(conn, found.id).organization
        views = store.organization_papers(conn, found.id, limit=FEED_LIMIT)
        title = f"Papers from {org.fullname or org.name}"
        items = [FeedItemOut(v, None) for v in views]
        return _respond(settings, fmt, title, f"{title}, newest first.", page, page + "/feed", items)


@router.get("/authors/{name:path}/feed.{fmt}")
def author_feed(request: Request, name: str, fmt: str, db: Db, settings: Config) -> Response:
    with db.connect() as conn:
        views = store.author_papers(conn, name, limit=FEED_LIMIT) if len(name) <= MAX_NAME else []
        if not views:
            spelling = store.author_spelling(conn, name) if len(name) <= MAX_NAME else None
            if spelling is None or fmt not in MEDIA_TYPES:
                raise NotFound(f"No paper here lists {name!r} as an author.")
            return moved(request, f"/authors/{path_segment(spelling)}/feed.{fmt}")
        page = f"/authors/{path_segment(name)}"
        title = f"Papers by {name}"
        items = [FeedItemOut(v, None) for v in views]
        return _respond(settings, fmt, title, f"{title}, newest first.", page, page + "/feed", items)
