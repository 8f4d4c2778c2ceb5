"""Permanent redirects from another spelling of a name to its canonical address.

308 keeps the method and says "use the other address from now on". Browsers keep permanent redirects
for good unless told otherwise, and moderators may move a name later (split a handle off its
organization): the answer says how long it may be kept, so a changed mind reaches readers within the hour.
"""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import RedirectResponse

KEEP_SECONDS = 3600


def moved(request: Request, path: str) -> RedirectResponse:
    """A 308 to ``path`` (already URL-safe), keeping the query string (``?p=2``)."""
    query = request.url.query
    response = RedirectResponse(path + (f"?{query}" if query else ""), status_code=308)
    response.headers["Cache-Control"] = f"public, max-age={KEEP_SECONDS}"
    return response
