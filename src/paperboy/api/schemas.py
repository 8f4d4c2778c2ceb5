"""OpenAPI schemas of the Hugging Face compatible JSON API, and the bodies the routes send.

``paperboy.api.serialize`` fills these models from stored records and the routes send ``model.wire()``
(unknown values left out, as Hugging Face leaves them out), so ``/api/openapi.json`` and the bytes come from
one definition. Field order is the order Hugging Face writes. Extra keys are allowed in the documented schema
because Hugging Face adds fields over time and clients must tolerate them.
"""

from __future__ import annotations

from typing import ClassVar

from pydantic import BaseModel, ConfigDict, Field

from paperboy.http.wire import Wire

ISO_MS = "ISO 8601 in UTC with milliseconds, for example 2025-09-25T14:58:29.000Z"


class _Open(Wire):
    model_config = ConfigDict(extra="allow", populate_by_name=True)
    omit_none: ClassVar[bool] = True


class AuthorOut(_Open):
    id: str = Field(
        alias="_id", description="Stable id of this author slot (derived from paper id and position)."
    )
    name: str
    hidden: bool = Field(description="Hidden authors are kept in the list but should not be displayed.")


class OrganizationOut(_Open):
    name: str = Field(description="Stable handle of the organization, as on Hugging Face.")
    fullname: str | None = None
    avatar: str | None = Field(None, description="Absolute URL of the organization's avatar.")


class SubmitterOut(_Open):
    """``submittedBy`` of a daily entry: Hugging Face names the handle ``name`` here."""

    avatarUrl: str | None = None
    fullname: str | None = None
    name: str = Field(description="Username of whoever featured the paper.")
    type: str = "user"


class DailySubmitterOut(_Open):
    """``submittedOnDailyBy`` inside a paper: Hugging Face names the handle ``user`` here."""

    avatarUrl: str | None = None
    fullname: str | None = None
    user: str = Field(description="Username of whoever featured the paper.")
    type: str = "user"


class PaperOut(_Open):
    """A paper as Hugging Face describes it; optional fields are absent when unknown."""

    id: str = Field(description="arXiv id without version, e.g. 2509.21268 or hep-th/9901001.")
    authors: list[AuthorOut]
    publishedAt: str | None = Field(None, description="First arXiv version. " + ISO_MS)
    submittedOnDailyAt: str | None = Field(None, description="When first featured on the feed. " + ISO_MS)
    title: str
    submittedOnDailyBy: DailySubmitterOut | None = None
    summary: str = Field(description="The abstract.")
    upvotes: int = Field(description="Total upvotes: `hfUpvotes` + `localUpvotes` (Hugging Face's field).")
    hfUpvotes: int = Field(0, description="Upvotes imported from Hugging Face, kept as a baseline.")
    localUpvotes: int = Field(0, description="Upvotes cast on this site, one per account.")
    githubRepo: str | None = None
    githubStars: int | None = None
    projectPage: str | None = None
    ai_summary: str | None = None
    ai_keywords: list[str] | None = None
    organization: OrganizationOut | None = None


class PaperInfoOut(PaperOut):
    """``GET /api/papers/{id}``: the paper object at top level, with its comment count."""

    numComments: int = Field(0, description="Imported Hugging Face comments + visible local comments.")


class DailyPaperOut(_Open):
    """One entry of ``/api/daily_papers`` or ``/api/papers/search``: a paper plus how it was featured."""

    paper: PaperOut
    publishedAt: str | None = Field(
        None,
        description="When the paper was featured on the daily feed (absent in search results). " + ISO_MS,
    )
    title: str
    summary: str
    thumbnail: str | None = None
    numComments: int = 0
    submittedBy: SubmitterOut | None = None
    organization: OrganizationOut | None = None
    isAuthorParticipating: bool = False


class ErrorOut(BaseModel):
    error: str = Field(description="What was wrong, meant for the person who sent the request.")


class ProblemOut(BaseModel):
    loc: str = Field(description="Where, dotted: a parameter's name, or `body.parentId` in a JSON body.")
    msg: str = Field(description="What is wrong there.")
    type: str = Field(description="A machine-readable kind, e.g. `less_than_equal` or `missing`.")


class ValidationErrorOut(ErrorOut):
    detail: list[ProblemOut] = Field(description="Each problem on its own; `error` joins them.")


INVALID = {
    422: {
        "model": ValidationErrorOut,
        "description": "A parameter or the body fails validation; `error` names it.",
    }
}


def json_error(description: str) -> dict[str, object]:
    """An error documented as JSON on a route whose success is text (FastAPI would say text/plain)."""
    ref = {"$ref": "#/components/schemas/ErrorOut"}
    return {"description": description, "content": {"application/json": {"schema": ref}}}
