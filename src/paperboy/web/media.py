"""``/media/…``: stored copies of upstream pictures and generated initials, both cached by browsers for ever.

A copy's name is the hash of its bytes and an initials URL spells its letters and colour, so neither URL can
ever show something else: ``immutable`` with a year's max-age, and an ETag for clients that ask anyway.
Neither answer is ``public``: pictures stay out of the in-memory page cache, which is for pages.
"""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from sqlalchemy.engine import Engine

from paperboy.errors import NotFound
from paperboy.http.deps import get_engine
from paperboy.media import initials
from paperboy.store.images import image_bytes

router = APIRouter(include_in_schema=False)
Db = Annotated[Engine, Depends(get_engine)]
NAME = re.compile(r"[0-9a-f]{32}\.webp")
FOREVER = "max-age=31536000, immutable"


def _answer(request: Request, etag: str, body: bytes | None, media_type: str) -> Response:
    headers = {"Cache-Control": FOREVER, "ETag": etag}
    if etag in request.headers.get("if-none-match", ""):
        return Response(status_code=304, headers=headers)
    if body is None:
        raise NotFound("There is no such picture here.")
    return Response(body, media_type=media_type, headers=headers)


@router.get("/media/initials/{shade}/{letters}.svg")
def initials_picture(request: Request, shade: int, letters: str) -> Response:
    if not initials.valid(shade, letters):
        raise NotFound("There is no such picture here.")
    body = initials.svg(shade, letters)
    return _answer(request, f'"i{shade}-{letters.encode().hex()}"', body, "image/svg+xml")


@router.get("/media/{name}")
def stored_picture(request: Request, name: str, db: Db) -> Response:
    if not NAME.fullmatch(name):
        raise NotFound("There is no such picture here.")
    etag = f'"{name.removesuffix(".webp")}"'
    if etag in request.headers.get("if-none-match", ""):
        return _answer(request, etag, None, "image/webp")
    with db.connect() as conn:
        body = image_bytes(conn, name)
    return _answer(request, etag, body, "image/webp")
