"""The reader's choice of card layout on paper lists: a compact list or a grid with thumbnails.

Kept in a cookie (``pb_view``), so the server renders the chosen view straight away (no flash of the other
one) and the page cache keeps one copy per view (``http.cache.VARIANT_COOKIE``). ``/view/<name>`` sets it
and returns to the page, which works without JavaScript; static/views.js sets the same cookie and switches
in place. It is a display preference, not an account setting: it holds nothing about the reader.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse

from paperboy.errors import NotFound

router = APIRouter(include_in_schema=False)
VIEW_COOKIE = "pb_view"
VIEWS = ("list", "grid")
DEFAULT = "list"
YEAR = 365 * 24 * 3600


def current_view(request: Request) -> str:
    chosen = request.cookies.get(VIEW_COOKIE)
    return chosen if chosen in VIEWS else DEFAULT


def _local(path: str | None) -> str:
    """Only a path on this site: never ``//host`` or ``/\\host``, which browsers read as another site."""
    if (
        not path
        or not path.startswith("/")
        or path.startswith(("//", "/\\"))
        or any(c in path for c in "\r\n")
    ):
        return "/"
    return path


@router.get("/view/{name}")
def choose_view(request: Request, name: str, next: str | None = None) -> RedirectResponse:
    """Remember ``name`` (list or grid) for a year and go back to ``next``."""
    if name not in VIEWS:
        raise NotFound(f"There is no {name!r} view; choose one of {', '.join(VIEWS)}.")
    response = RedirectResponse(_local(next), status_code=303)
    response.set_cookie(
        VIEW_COOKIE,
        name,
        max_age=YEAR,
        path="/",
        samesite="lax",
        secure=request.url.scheme == "https",
        httponly=False,  # static/views.js switches views in place and sets it too
    )
    return response
