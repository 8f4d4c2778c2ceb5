"""Bounds shared by every route's input, so the OpenAPI schema states them and nothing past them reaches SQL.

Row ids are 32-bit integers on PostgreSQL: a larger id in a path is a 422 with a message, never an overflow
in the driver. No name or id holds NUL (PostgreSQL text cannot), so a path with one names nothing: 404.
Text must be encodable as UTF-8: JSON's ``\\ud800`` escape (and some form charsets) can carry a lone
surrogate, which no database column accepts.
"""

from __future__ import annotations

from typing import Any

from fastapi import Path, Request
from pydantic import BaseModel, field_validator

from paperboy.errors import BadRequest, NotFound

MAX_ROW_ID = 2**31 - 1


def row_id(what: str) -> Any:
    """A path parameter naming one stored row: ``Annotated[int, row_id("A comment's id.")]``."""
    return Path(ge=1, le=MAX_ROW_ID, description=what)


def no_nul_in_path(request: Request) -> None:
    """An app-wide dependency: every path parameter, on every route, before any query sees it."""
    if any("\x00" in str(value) for value in request.path_params.values()):
        raise NotFound("There is no page at this address: it holds a NUL character.")


def no_nul(name: str, value: str | None) -> str | None:
    """A query parameter as given; NUL cannot be stored in a PostgreSQL string, so it is refused here (400)
    instead of failing in the driver."""
    if value is not None and "\x00" in value:
        raise BadRequest(f"{name} must not contain NUL characters")
    return value


def unencodable(text: str) -> bool:
    """True when UTF-8 cannot hold ``text`` (it has a lone surrogate)."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


class JsonInput(BaseModel):
    """The base of every JSON request body: every text field must be real Unicode."""

    @field_validator("*", mode="after")
    @classmethod
    def _real_unicode(cls, value: Any) -> Any:
        if isinstance(value, str) and unencodable(value):
            raise ValueError("text must be valid Unicode (it holds a lone surrogate such as \\ud800)")
        return value
