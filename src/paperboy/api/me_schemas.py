"""OpenAPI schemas of the personal API (``/api/me/...``): a reader's library and a preview of their picks."""

from __future__ import annotations

from typing import Literal

from pydantic import ConfigDict, Field

from paperboy.api.schemas import PaperOut
from paperboy.http.params import JsonInput
from paperboy.http.wire import Wire

MAX_IDS = 100


class LibraryItemOut(Wire):
    id: str = Field(description="arXiv id without version.")
    kind: Literal["saved", "imported", "not_interested"] = Field(
        description="`saved` (here or through this API), `imported` (a pasted library; counts as saved), "
        "or `not_interested`."
    )
    folder: str = Field(description="Folder of a saved paper; empty for none.")
    title: str | None = Field(None, description="The paper's title when known.")
    addedAt: str = Field(description="When it was added, ISO 8601 in UTC.")
    onSite: bool = Field(description="Whether this site holds the paper (its page exists).")


class LibraryOut(Wire):
    items: list[LibraryItemOut]


class LibraryIn(JsonInput):
    model_config = ConfigDict(extra="forbid")

    ids: list[str] = Field(
        min_length=1,
        max_length=MAX_IDS,
        description=f"1 to {MAX_IDS} arXiv ids in any spelling (`2509.21268v2`, `arXiv:…`, abs/pdf URLs).",
    )
    kind: Literal["saved", "not_interested"] = Field(
        description="Saving a paper removes a `not_interested` mark on it and the other way round."
    )
    folder: str | None = Field(None, max_length=200, description="Folder for saved papers.")


class LibraryChangeOut(Wire):
    added: int = Field(description="How many of the ids were not already marked this way.")
    items: list[LibraryItemOut] = Field(description="The whole library after the change.")


class RecommendationOut(Wire):
    paper: PaperOut = Field(description="The same object as `paper` in `/api/daily_papers`.")
    reason: str = Field(description="Why it was picked: the library paper it is closest to, and so on.")
    score: float = Field(description="Relevance; only comparable within one answer.")
