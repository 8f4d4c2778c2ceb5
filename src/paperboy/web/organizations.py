"""Organization pages: the ``/organizations`` index, one organization's papers, and moderators' edits.

An organization is reached by any of its names: ``/organizations/Google`` and ``/organizations/deepmind``
answer 308 with the canonical address (``/organizations/google``, ``/organizations/GoogleDeepMind``), so
each organization has one page whatever spelling a link used. Included before ``pages``.
"""

from __future__ import annotations

import math
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy.engine import Engine

from paperboy.config import Settings
from paperboy.errors import BadRequest, NotFound
from paperboy.http.deps import get_engine, get_settings
from paperboy.http.params import no_nul
from paperboy.http.session import require_moderator
from paperboy.store import authors as papers_of
from paperboy.store import organization_edits as edits
from paperboy.store.organization_directory import count_directory, directory
from paperboy.store.organizations import group, resolve
from paperboy.web.discussion import voted_for
from paperboy.web.forms import Form, check_form, field, see_other
from paperboy.web.moved import moved
from paperboy.web.render import path_segment, render

router = APIRouter(include_in_schema=False)

Db = Annotated[Engine, Depends(get_engine)]
Config = Annotated[Settings, Depends(get_settings)]
PageNo = Annotated[int, Query(ge=0, le=10_000, description="Page number, counting from 0")]
Text = Annotated[str, Query(max_length=200, description="Part of a name, handle or alias")]
Order = Annotated[Literal["papers", "name"], Query(description="papers (most first) or name (A to Z)")]
MAX_NAME = 300
INDEX_PAGE = 60
ACTIONS = ("rename", "alias", "unalias", "merge", "split")


def org_path(name: str) -> str:
    return f"/organizations/{path_segment(name)}"


def _pages(total: int, size: int, p: int, what: str) -> int:
    pages = max(1, math.ceil(total / size))
    if p >= pages:
        raise NotFound(f"{what} has {pages} page{'s' if pages > 1 else ''}; there is no page {p}.")
    return pages


@router.get("/organizations", response_class=HTMLResponse)
def organizations_index(
    request: Request, db: Db, q: Text = "", sort: Order = "papers", p: PageNo = 0
) -> Response:
    """Every organization with papers here, with how many, searchable by any of its names."""
    text = " ".join((no_nul("q", q) or "").split())
    with db.connect() as conn:
        total = count_directory(conn, text)
        pages = _pages(total, INDEX_PAGE, p, "The organization list") if total or p else 1
        listed = directory(conn, text, sort, limit=INDEX_PAGE, offset=p * INDEX_PAGE) if total else []
    context = {
        "listed": listed,
        "total": total,
        "q": text,
        "sort": sort,
        "p": p,
        "pages": pages,
        "page_size": INDEX_PAGE,
        "params": {"q": text, "sort": None if sort == "papers" else sort},
    }
    return render(request, "organizations.html", context, public=True)


@router.get("/organizations/{name}", response_class=HTMLResponse)
def organization_page(request: Request, name: str, db: Db, settings: Config, p: PageNo = 0) -> Response:
    """An organization's papers, all its handles together; another of its names redirects here."""
    with db.connect() as conn:
        found = resolve(conn, name) if len(name) <= MAX_NAME else None
        if found is None:
            raise NotFound(f"There is no organization {name!r} here.")
        if not found.exact:
            return moved(request, org_path(found.name))
        org = group(conn, found.id)
        total = papers_of.count_organization_papers(conn, found.id)
        size = settings.page_size
        pages = _pages(total, size, p, org.organization.fullname or found.name) if total or p else 1
        views = papers_of.organization_papers(conn, found.id, limit=size, offset=p * size) if total else []
        user = getattr(request.state, "user", None)
        context = {
            "org": org.organization,
            "group": org,
            "views": views,
            "total": total,
            "feed_path": org_path(found.name) + "/feed",
            "voted": voted_for(request, conn, views),
            "can_edit": user is not None and user.can_moderate,
            "p": p,
            "pages": pages,
            "page_size": size,
        }
        return render(request, "organization.html", context, public=True)


def _apply(conn, name: str, action: str, value: str) -> str:  # type: ignore[no-untyped-def]
    """One moderator edit; returns the handle whose page to go back to."""
    if action == "rename":
        return edits.rename(conn, name, value)
    if not value:
        raise BadRequest("Say which name.")
    if action == "alias":
        return edits.add_alias(conn, name, value)
    if action == "unalias":
        return edits.remove_alias(conn, value)
    if action == "merge":
        return edits.merge(conn, name, value)
    edits.split(conn, value)
    return edits.find(conn, name).name


@router.post("/organizations/{name}/moderate")
def moderate_organization(request: Request, form: Form, name: str) -> Response:
    """Moderators rename an organization, add or remove an alias, merge it into another, split a handle off.

    The same operations as ``paperboy orgs …``; each is undone by its opposite (merge / split, alias /
    unalias), since papers never lose the handle they were imported with.
    """
    check_form(request, form)
    require_moderator(request)
    action, value = field(form, "action", 20), field(form, "value", 300)
    if action not in ACTIONS:
        raise BadRequest(f"action must be one of {', '.join(ACTIONS)}.")
    with request.app.state.engine.begin() as conn:
        back = _apply(conn, name, action, value)
    return see_other(org_path(back) + "#moderate")
