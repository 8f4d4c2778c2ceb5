"""Reading HTML forms with tight limits, and the redirects that follow a form post."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlsplit

from fastapi import Depends, Request
from fastapi.responses import RedirectResponse
from starlette.datastructures import FormData
from starlette.formparsers import MultiPartException

from paperboy.errors import BadRequest
from paperboy.http.params import unencodable
from paperboy.http.session import CSRF_FIELD, check_csrf

MAX_FIELDS = 20
MAX_FIELD_BYTES = 64 * 1024


async def posted_form(request: Request) -> FormData:
    """The posted form as a dependency, read on the event loop (it is I/O) so the route itself can be a plain
    ``def`` that runs in the thread pool; too many or too large fields are a 400, never a crash. The route
    checks CSRF itself (``check_form``), after deciding whether the visitor must sign in first. Text that
    UTF-8 cannot hold (a lone surrogate) is a 400 too: no database would store it."""
    try:
        form = await request.form(max_files=0, max_fields=MAX_FIELDS, max_part_size=MAX_FIELD_BYTES)
    except (MultiPartException, ValueError) as exc:
        raise BadRequest(f"The form could not be read: {exc}") from None
    for key, value in form.multi_items():
        if not isinstance(value, str):
            raise BadRequest("File uploads are not accepted here.")
        if len(value) > MAX_FIELD_BYTES:
            raise BadRequest(f"The field {key!r} is too long.")
        if unencodable(key) or unencodable(value):  # a multipart _charset_ such as utf-7 can make one
            raise BadRequest("The form holds text that is not valid Unicode; send it as UTF-8.")
    return form


Form = Annotated[FormData, Depends(posted_form)]


def check_form(request: Request, form: FormData) -> None:
    check_csrf(request, str(form.get(CSRF_FIELD) or ""))


def field(form: FormData, name: str, limit: int = 10_000) -> str:
    value = str(form.get(name) or "").strip()
    if len(value) > limit:
        raise BadRequest(f"The field {name!r} is longer than {limit:,} characters.")
    return value


def safe_next(target: str | None, default: str = "/") -> str:
    """Only same-origin paths: ``next=https://evil.example`` or ``//evil.example`` become ``default``."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    parts = urlsplit(target)
    if parts.scheme or parts.netloc:
        return default
    return target


def see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)
