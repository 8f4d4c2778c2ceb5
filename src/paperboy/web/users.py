"""User pages: ``/users/{name}`` with a person's submissions, upvotes, comments and verified papers.

Hugging Face users imported as submitters of daily papers get a page too (their submissions). The name in
another case redirects to the stored one; an unknown or disabled account is a 404. Upvotes are listed only
when ``PAPERBOY_PUBLIC_UPVOTES`` is on (the default, as on Hugging Face, where whoever upvoted a paper is
public). Included before ``pages``.
"""

from __future__ import annotations

import math
from dataclasses import replace
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup
from sqlalchemy.engine import Engine

from paperboy.config import Settings
from paperboy.errors import NotFound
from paperboy.http.deps import get_engine, get_settings
from paperboy.store import profiles
from paperboy.store.feed import submitted_by
from paperboy.text.markdown import render_comment
from paperboy.web.discussion import voted_for
from paperboy.web.moved import moved
from paperboy.web.render import path_segment, render

router = APIRouter(include_in_schema=False)

Db = Annotated[Engine, Depends(get_engine)]
Config = Annotated[Settings, Depends(get_settings)]
PageNo = Annotated[int, Query(ge=0, le=10_000, description="Page number, counting from 0")]
Tab = Literal["submissions", "upvotes", "comments", "papers"]
TabParam = Annotated[Tab | None, Query(description="Which list: submissions, upvotes, comments or papers")]
MAX_NAME = 200
TABS: tuple[tuple[Tab, str], ...] = (
    ("submissions", "Submitted"),
    ("upvotes", "Upvoted"),
    ("comments", "Comments"),
    ("papers", "Verified papers"),
)


def user_path(username: str) -> str:
    return f"/users/{path_segment(username)}"


def _sizes(person: profiles.Profile, counts: profiles.Counts, public_upvotes: bool) -> dict[Tab, int]:
    """The lists this page has: an imported Hugging Face user only ever submitted (they cannot sign in)."""
    if person.origin != "local":
        return {"submissions": counts.submissions}
    sizes: dict[Tab, int] = {
        "submissions": counts.submissions,
        "upvotes": counts.upvotes,
        "comments": counts.comments,
        "papers": counts.authorships,
    }
    if not public_upvotes:
        del sizes["upvotes"]
    return sizes


def _items(conn, tab: Tab, user_id: int, size: int, p: int) -> list:  # type: ignore[no-untyped-def]
    offset = p * size
    if tab == "submissions":  # "submitted by" on each card would only repeat whose page this is
        return [replace(item, submitter=None) for item in submitted_by(conn, user_id, size, offset)]
    if tab == "upvotes":
        return profiles.upvoted(conn, user_id, size, offset)
    if tab == "comments":
        lines = profiles.comment_lines(conn, user_id, size, offset)
        return [(line, Markup(render_comment(line.body))) for line in lines]  # noqa: S704 - sanitised
    return profiles.authorships(conn, user_id, size, offset)


@router.get("/users/{name}", response_class=HTMLResponse)
def user_page(
    request: Request, name: str, db: Db, settings: Config, tab: TabParam = None, p: PageNo = 0
) -> Response:
    """One person's page; the first list that has something opens unless ``tab`` says which."""
    with db.connect() as conn:
        person = profiles.by_username(conn, name) if len(name) <= MAX_NAME else None
        if person is None:
            spelling = profiles.username_spelling(conn, name) if len(name) <= MAX_NAME else None
            if spelling is None:
                raise NotFound(f"There is no user {name!r} here.")
            return moved(request, user_path(spelling))
        sizes = _sizes(person, profiles.counts(conn, person.id), settings.public_upvotes)
        if tab is not None and tab not in sizes:
            raise NotFound(f"{person.username} has no list {tab!r} here.")
        shown: Tab = tab or next((t for t, n in sizes.items() if n), "submissions")
        size = settings.page_size
        pages = max(1, math.ceil(sizes[shown] / size))
        if p >= pages:
            raise NotFound(f"This list has {pages} page{'s' if pages > 1 else ''}; there is no page {p}.")
        items = _items(conn, shown, person.id, size, p) if sizes[shown] else []
        views = [i.view for i in items] if shown == "submissions" else items if shown == "upvotes" else []
        context = {
            "person": person,
            "sizes": sizes,
            "lists": [(t, label) for t, label in TABS if t in sizes],
            "tab": shown,
            "tab_param": None if tab is None else shown,
            "items": items,
            "voted": voted_for(request, conn, views),
            "p": p,
            "pages": pages,
            "page_size": size,
            "user_path": user_path(person.username),
        }
        return render(request, "user.html", context, public=True)
