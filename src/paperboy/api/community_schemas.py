"""OpenAPI schemas of our own community endpoints (comments), which Hugging Face does not have.

As in ``schemas``, routes build these models and send ``wire()``; unlike Hugging Face's shapes, unknown values
are sent as null. The vote counts (``VoteOut``) are in ``http.wire``: the pages' vote script reads them too.
"""

from __future__ import annotations

from pydantic import Field

from paperboy.api.schemas import ISO_MS
from paperboy.http.params import MAX_ROW_ID, JsonInput
from paperboy.http.wire import Wire
from paperboy.text.markdown import MAX_COMMENT_LENGTH


class CommentAuthorOut(Wire):
    username: str
    fullname: str | None = None


class CommentOut(Wire):
    """One comment with its replies. A deleted comment keeps its place (and its replies) but loses its
    author and text; a comment hidden by a moderator has no text except for moderators."""

    id: int
    parentId: int | None = Field(None, description="The comment this one replies to; null at top level.")
    author: CommentAuthorOut | None = Field(None, description="Null once the comment is deleted.")
    createdAt: str = Field(description=ISO_MS)
    editedAt: str | None = Field(None, description="Last edit, null if never edited. " + ISO_MS)
    deleted: bool = False
    hidden: bool = Field(False, description="Hidden by a moderator.")
    body: str | None = Field(None, description="The Markdown source; null when deleted or hidden from you.")
    html: str | None = Field(
        None,
        description="`body` rendered and sanitised (no scripts, event handlers, javascript: or data: links; "
        'links carry rel="ugc nofollow noopener"); null when `body` is.',
    )
    replies: list[CommentOut] = Field(default_factory=list, description="Oldest first.")


class ThreadOut(Wire):
    paperId: str = Field(description="arXiv id without version.")
    numComments: int = Field(description="Comments imported from Hugging Face plus visible local comments.")
    localComments: int = Field(description="Visible comments posted here.")
    comments: list[CommentOut] = Field(description="Top-level comments, oldest first, each with its replies.")


class CommentIn(JsonInput):
    body: str = Field(description=f"Markdown, 1 to {MAX_COMMENT_LENGTH:,} characters.")
    parentId: int | None = Field(None, ge=1, le=MAX_ROW_ID, description="Reply to this comment (same paper).")
