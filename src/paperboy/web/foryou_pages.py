"""A signed-in reader's digest settings, library (save, not interested, import), /for-you and its feed."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import cache
from xml.sax.saxutils import escape
from zoneinfo import available_timezones

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.datastructures import FormData

from paperboy import arxiv_ids
from paperboy.digest import foryou, render, tokens
from paperboy.digest.library_import import parse_library
from paperboy.digest.schedule import valid_zone
from paperboy.errors import BadRequest
from paperboy.http.session import require_user, require_verified
from paperboy.store import recommendations as rec_store
from paperboy.store import subscriptions
from paperboy.web.forms import Form, check_form, field, safe_next, see_other
from paperboy.web.render import render as render_page

router = APIRouter(include_in_schema=False)
MAX_FOLLOWS = 50


@cache
def zones() -> list[str]:
    return sorted(z for z in available_timezones() if "/" in z or z == "UTC")


def _split(text: str, lines: bool = False) -> list[str]:
    parts = text.splitlines() if lines else text.replace("\n", ",").split(",")
    found = list(dict.fromkeys(" ".join(p.split()) for p in parts if p.strip()))
    if len(found) > MAX_FOLLOWS or any(len(p) > 200 for p in found):
        raise BadRequest(f"Follow at most {MAX_FOLLOWS} items of each kind, each under 200 characters.")
    return found


def _page(request: Request, notice: str | None = None, status: int = 200) -> Response:
    user = require_user(request)
    with request.app.state.engine.connect() as conn:
        sub = subscriptions.by_user(conn, user.id)
        items = rec_store.library(conn, user.id)
    follows = {"searches": [], "categories": [], "organizations": [], "authors": [], "recommend": True}
    follows.update((sub.follows or {}) if sub else {})
    counts = {k: sum(1 for i in items if i["kind"] == k) for k in ("saved", "imported", "not_interested")}
    context = {
        "notice": notice,
        "sub": sub,
        "frequency": sub.frequency if sub and sub.status == "active" else "off",
        "hour": sub.hour if sub else 8,
        "timezone": sub.timezone if sub else "UTC",
        "zones": zones(),
        "follows": follows,
        "counts": counts,
    }
    return render_page(request, "subscriptions.html", context, status=status)


@router.get("/subscriptions")
def subscriptions_page(request: Request) -> Response:
    return _page(request)


@router.post("/subscriptions")
def save_subscription(request: Request, form: Form) -> Response:
    """The account's verified address needs no second opt-in; an unverified one must confirm first."""
    user = require_verified(request)
    check_form(request, form)
    frequency = field(form, "frequency", 10)
    timezone = field(form, "timezone", 64) or "UTC"
    if frequency not in ("off", "daily", "weekly"):
        raise BadRequest("Choose no digest, daily or weekly.")
    if not valid_zone(timezone):
        raise BadRequest(f"Unknown time zone {timezone!r}.")
    try:
        hour = int(field(form, "hour", 2) or 8)
    except ValueError:
        raise BadRequest("Choose an hour between 0 and 23.") from None
    if not 0 <= hour <= 23:
        raise BadRequest("Choose an hour between 0 and 23.")
    follows = {
        "searches": _split(field(form, "searches", 20_000), lines=True),
        "categories": _split(field(form, "categories", 20_000)),
        "organizations": _split(field(form, "organizations", 20_000)),
        "authors": _split(field(form, "authors", 20_000)),
        "recommend": bool(form.get("recommend")),
    }
    with request.app.state.engine.begin() as conn:
        subscriptions.save_personal(
            conn, user.id, user.email or "", frequency if frequency != "off" else "daily", timezone, hour,
            follows, frequency != "off", datetime.now(UTC),
        )  # fmt: skip
    notice = (
        "Saved: no digest." if frequency == "off" else f"Saved: your {frequency} digest at {hour:02d}:00."
    )
    return _page(request, notice)


@router.post("/library/import")
def import_library(request: Request, form: Form) -> Response:
    user = require_user(request)
    check_form(request, form)
    parsed = parse_library(field(form, "library", 64 * 1024))
    with request.app.state.engine.begin() as conn:
        added = rec_store.add_library_items(conn, user.id, "imported", parsed.items)
    return _page(
        request,
        f"Imported {added} new paper(s) from {parsed.format}"
        + (
            f"; {parsed.skipped} entr{'y' if parsed.skipped == 1 else 'ies'} without an arXiv id skipped."
            if parsed.skipped
            else "."
        ),
    )


def _mark(request: Request, form: FormData, kind: str) -> Response:
    user = require_user(request)
    check_form(request, form)
    found = arxiv_ids.parse(field(form, "arxiv_id", 64))
    if found is None:
        raise BadRequest("That is not an arXiv id.")
    arxiv_id = found.id
    with request.app.state.engine.begin() as conn:
        if field(form, "undo", 1):
            rec_store.remove_library_item(conn, user.id, kind, arxiv_id, field(form, "folder", 200))
        else:
            rec_store.add_library_items(conn, user.id, kind, [(arxiv_id, None)], field(form, "folder", 200))
    return see_other(safe_next(field(form, "next", 2000), "/for-you"))


@router.post("/library/save")
def save_paper(request: Request, form: Form) -> Response:
    return _mark(request, form, "saved")


@router.post("/library/not-interested")
def not_interested(request: Request, form: Form) -> Response:
    return _mark(request, form, "not_interested")


def _items(request: Request, user_id: int) -> list[dict]:
    settings = request.app.state.settings
    base = settings.base_url.rstrip("/")
    return [
        {**render.paper_fields(view, base), "reason": pick["reason"], "arxiv_id": view.paper.arxiv_id,
         "actions": True, "created_at": pick["created_at"]}
        for pick, view in foryou.recent(request.app.state.engine, user_id)
    ]  # fmt: skip


@router.get("/for-you")
def for_you(request: Request) -> Response:
    user = require_user(request)
    settings = request.app.state.settings
    foryou.refresh(request.app.state.engine, settings, user.id, datetime.now(UTC))
    feed_url = f"/for-you/{tokens.feed_token(settings.secret_key, user.id)}.atom"
    return render_page(
        request,
        "digest_view.html",
        {
            "heading": "For you",
            "period_label": "newest first",
            "frequency": "personal",
            "intro": "Papers close to what you upvote, save and import, each with the reason it was picked. "
            "A paper is never recommended twice.",
            "empty": "No picks yet: upvote or save a few papers, or import your library on the digest page.",
            "items": _items(request, user.id),
            "footer_links": [
                {"url": "/subscriptions", "label": "Digest settings"},
                {"url": feed_url, "label": "Atom feed"},
            ],
        },
    )


@router.get("/for-you/{token}.atom")
def for_you_atom(request: Request, token: str) -> Response:
    settings = request.app.state.settings
    user_id = tokens.read_feed_token(settings.secret_key, token)
    base = settings.base_url.rstrip("/")
    items = _items(request, user_id)
    updated = max((i["created_at"] for i in items), default=datetime.now(UTC))
    entries = "".join(
        f"<entry><id>{escape(i['url'])}</id><title>{escape(i['title'])}</title>"
        f'<link href="{escape(i["url"])}"/><updated>{i["created_at"].isoformat()}</updated>'
        f"<summary>{escape('Why: ' + i['reason'] + '. ' + i['summary'])}</summary>"
        f"<author><name>{escape(i['authors'] or 'unknown')}</name></author></entry>"
        for i in items
    )
    xml = (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<id>{escape(base)}/for-you</id><title>{escape(settings.site_name)}: for you</title>"
        f'<link rel="self" href="{escape(base)}/for-you/{escape(token)}.atom"/>'
        f'<link href="{escape(base)}/for-you"/>'
        f"<updated>{updated.isoformat()}</updated>{entries}</feed>"
    )
    return Response(xml, media_type="application/atom+xml; charset=utf-8")
