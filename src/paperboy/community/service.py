"""Upvotes, comments and moderation: the rules, written once for the HTML pages and the JSON API.

Who may do what: any verified account votes and comments; only a comment's author edits or deletes it;
moderators hide comments and papers (and see what they hid). A hidden paper is a 404 for everyone else, so
it cannot be voted on or discussed behind the moderators' backs. Callers check sign-in and verification
(``web.session.require_verified``); these functions check ownership, roles and the paper's visibility.

SQLite note: reads happen on their own connection and every write transaction starts with its write, so
concurrent writers queue on the busy timeout instead of failing on a stale read snapshot.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.engine import Connection, Engine

from paperboy.errors import BadRequest, Forbidden, NotFound
from paperboy.papers import visible_paper
from paperboy.store import comments as comment_store
from paperboy.store import community as community_store
from paperboy.store import votes as vote_store
from paperboy.store.accounts import Account
from paperboy.store.comments import CommentView
from paperboy.text.markdown import MAX_COMMENT_LENGTH

# Replies nest at most this deep; a reply to the deepest level joins its parent's level instead, so pages
# and JSON stay readable on a phone and a reply chain cannot grow without bound.
MAX_DEPTH = 8


@dataclass(frozen=True, slots=True)
class VoteState:
    """A paper's counts right after a vote, as the button and the API report them."""

    upvotes: int
    hf_upvotes: int
    local_upvotes: int
    voted: bool


def is_moderator(user: Account | None) -> bool:
    return user is not None and user.can_moderate


def vote(engine: Engine, user: Account, raw_id: str, on: bool) -> VoteState:
    """Set (never toggle) the user's vote: repeating a request, or racing 50 of them, leaves one vote."""
    with engine.connect() as conn:
        view = visible_paper(conn, raw_id, user)
    with engine.begin() as conn:
        vote_store.set_vote(conn, user.id, view.paper_id, on)
        local = vote_store.local_votes(conn, view.paper_id)
    return VoteState(view.hf_upvotes + local, view.hf_upvotes, local, on)


def clean_body(body: str) -> str:
    """The Markdown source as stored; empty, oversized or NUL-bearing text is refused with a clear reason."""
    body = body.replace("\r\n", "\n").strip()
    if not body:
        raise BadRequest("Write something first: the comment is empty.")
    if len(body) > MAX_COMMENT_LENGTH:
        raise BadRequest(
            f"A comment can be at most {MAX_COMMENT_LENGTH:,} characters; this one has {len(body):,}. "
            "Shorten it or split it into two comments."
        )
    if "\x00" in body:
        raise BadRequest("The comment contains a NUL character; remove it and try again.")
    return body


def post_comment(
    engine: Engine, user: Account, raw_id: str, body: str, parent_id: int | None
) -> tuple[str, int]:
    """Add a comment or reply; returns (arXiv id, comment id) for the redirect to it."""
    body = clean_body(body)
    with engine.connect() as conn:
        view = visible_paper(conn, raw_id, user)
        if parent_id is not None:
            parent = comment_store.get(conn, parent_id)
            if parent is None or parent.paper_id != view.paper_id:
                raise BadRequest("The comment you are replying to is not on this paper.")
            chain = comment_store.ancestors(conn, parent_id, MAX_DEPTH)
            if len(chain) >= MAX_DEPTH:
                parent_id = chain[len(chain) - MAX_DEPTH + 1]
    with engine.begin() as conn:
        comment_id = comment_store.add(conn, view.paper_id, user.id, body, parent_id)
    return view.paper.arxiv_id, comment_id


def _comment(conn: Connection, user: Account, comment_id: int) -> tuple[CommentView, str]:
    """The comment and its paper's arXiv id; a comment on a hidden paper is invisible like the paper."""
    comment = comment_store.get(conn, comment_id)
    ref = community_store.paper_ref(conn, comment.paper_id) if comment else None
    if comment is None or ref is None or (ref[1] and not is_moderator(user)):
        raise NotFound("There is no such comment.")
    return comment, ref[0]


def _own(conn: Connection, user: Account, comment_id: int, verb: str) -> tuple[CommentView, str]:
    comment, arxiv_id = _comment(conn, user, comment_id)
    if comment.user_id != user.id:
        raise Forbidden(f"You can only {verb} your own comments.")
    return comment, arxiv_id


def comment_paper(engine: Engine, user: Account, comment_id: int) -> str:
    """The arXiv id of the paper under one of ``user``'s own comments (403 for anyone else's)."""
    with engine.connect() as conn:
        return _own(conn, user, comment_id, "edit")[1]


def edit_comment(engine: Engine, user: Account, comment_id: int, body: str) -> str:
    body = clean_body(body)
    with engine.connect() as conn:
        comment, arxiv_id = _own(conn, user, comment_id, "edit")
    if comment.deleted:
        raise BadRequest("This comment was deleted and can no longer be edited.")
    with engine.begin() as conn:
        comment_store.edit(conn, comment_id, body)
    return arxiv_id


def delete_comment(engine: Engine, user: Account, comment_id: int) -> str:
    """Soft delete: the text goes, the replies stay attached under a "[deleted]" placeholder."""
    with engine.connect() as conn:
        comment, arxiv_id = _own(conn, user, comment_id, "delete")
    if not comment.deleted:
        with engine.begin() as conn:
            comment_store.delete(conn, comment_id)
    return arxiv_id


def hide_comment(engine: Engine, moderator: Account, comment_id: int, hidden: bool) -> str:
    """Hide or restore a comment; ``comments.hidden_by`` records which moderator did it."""
    if not is_moderator(moderator):
        raise Forbidden("Only moderators can hide comments.")
    with engine.connect() as conn:
        _found, arxiv_id = _comment(conn, moderator, comment_id)
    with engine.begin() as conn:
        comment_store.set_hidden(conn, comment_id, moderator.id, hidden)
    return arxiv_id


def hide_paper(engine: Engine, moderator: Account, raw_id: str, hidden: bool) -> str:
    """Take a paper off every feed, search and API list (or put it back); its page stays for moderators."""
    if not is_moderator(moderator):
        raise Forbidden("Only moderators can hide papers.")
    with engine.connect() as conn:
        view = visible_paper(conn, raw_id, moderator)
    with engine.begin() as conn:
        community_store.set_paper_hidden(conn, view.paper_id, hidden)
    return view.paper.arxiv_id


def thread(conn: Connection, paper_id: int) -> list[CommentView]:
    return comment_store.thread(conn, paper_id)


def get_comment(conn: Connection, comment_id: int) -> CommentView:
    comment = comment_store.get(conn, comment_id)
    if comment is None:
        raise NotFound("There is no such comment.")
    return comment


def readable(comment: CommentView, viewer: Account | None) -> bool:
    """Whether ``viewer`` may read the text: never after deletion, after hiding only moderators."""
    return not comment.deleted and (not comment.hidden or is_moderator(viewer))
