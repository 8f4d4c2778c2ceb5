"""What a user page shows: who the person is, what they submitted, said, upvoted and verifiably wrote.

People are rows of ``users``: local accounts, and Hugging Face users imported as the submitters of daily
papers (``origin = 'huggingface'``; they cannot sign in, so they have submissions and nothing else).
Disabled accounts have no page. Every list is newest first, visible papers and comments only, and paged
with an index behind it (``daily_entries.submitter_id``, ``comments.user_id``, the votes primary key,
``uq_authorship_claims_user_id_paper_id``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from paperboy.models import PaperView
from paperboy.store.dialect import as_utc
from paperboy.store.papers import VISIBLE, select_views, view_of
from paperboy.store.schema import authorship_claims, comments, daily_entries, papers, users, votes


@dataclass(frozen=True, slots=True)
class Profile:
    id: int
    username: str
    fullname: str | None
    avatar_url: str | None
    origin: str  # "local" or "huggingface"
    joined: datetime | None  # when a local account was made (an import date says nothing about a person)
    moderator: bool

    @property
    def display_name(self) -> str:
        return self.fullname or self.username


@dataclass(frozen=True, slots=True)
class CommentLine:
    """One of a person's comments with the paper it is on."""

    id: int
    arxiv_id: str
    title: str
    body: str
    created_at: datetime | None
    edited: bool
    reply: bool


@dataclass(frozen=True, slots=True)
class Authorship:
    arxiv_id: str
    title: str
    author_name: str


@dataclass(frozen=True, slots=True)
class Counts:
    submissions: int
    upvotes: int
    comments: int
    authorships: int


def by_username(conn: Connection, username: str) -> Profile | None:
    row = conn.execute(
        sa.select(users).where(users.c.username == username, users.c.disabled_at.is_(None))
    ).first()
    if row is None:
        return None
    local = row.origin == "local"
    return Profile(
        id=row.id,
        username=row.username,
        fullname=row.fullname,
        avatar_url=row.avatar_url,
        origin=row.origin,
        joined=as_utc(row.created_at) if local else None,
        moderator=local and (row.is_moderator or row.is_admin),
    )


def username_spelling(conn: Connection, username: str) -> str | None:
    """The username as stored, given in another case (``/users/ak`` → ``AK``); a local account first."""
    query = (
        sa.select(users.c.username)
        .where(sa.func.lower(users.c.username) == username.lower(), users.c.disabled_at.is_(None))
        .order_by((users.c.origin == "local").desc(), users.c.id)
        .limit(1)
    )
    return conn.execute(query).scalar()


def _visible_comments(user_id: int) -> sa.ColumnElement:
    return sa.and_(
        comments.c.user_id == user_id,
        comments.c.deleted_at.is_(None),
        comments.c.hidden_at.is_(None),
        VISIBLE,
    )


def _approved(user_id: int) -> sa.ColumnElement:
    return sa.and_(authorship_claims.c.user_id == user_id, authorship_claims.c.status == "approved", VISIBLE)


def _count(conn: Connection, source: sa.FromClause, where: sa.ColumnElement) -> int:
    query = sa.select(sa.func.count()).select_from(source.join(papers, papers.c.id == source.c.paper_id))
    return conn.execute(query.where(where, VISIBLE)).scalar_one()


def counts(conn: Connection, user_id: int) -> Counts:
    """How many papers a person submitted (each once), upvoted, commented on, and is verified author of."""
    submitted = sa.select(sa.func.count(sa.distinct(daily_entries.c.paper_id))).select_from(
        daily_entries.join(papers, papers.c.id == daily_entries.c.paper_id)
    )
    return Counts(
        submissions=conn.execute(
            submitted.where(daily_entries.c.submitter_id == user_id, VISIBLE)
        ).scalar_one(),
        upvotes=_count(conn, votes, votes.c.user_id == user_id),
        comments=_count(conn, comments, _visible_comments(user_id)),
        authorships=_count(conn, authorship_claims, _approved(user_id)),
    )


def upvoted(conn: Connection, user_id: int, limit: int, offset: int) -> list[PaperView]:
    """Papers this person upvoted here, most recent vote first."""
    query = (
        select_views()
        .join(votes, votes.c.paper_id == papers.c.id)
        .where(votes.c.user_id == user_id, VISIBLE)
        .order_by(votes.c.created_at.desc(), papers.c.id.desc())
    )
    return [view_of(row) for row in conn.execute(query.limit(limit).offset(offset))]


def comment_lines(conn: Connection, user_id: int, limit: int, offset: int) -> list[CommentLine]:
    query = (
        sa.select(
            comments.c.id,
            papers.c.arxiv_id,
            papers.c.title,
            comments.c.body,
            comments.c.created_at,
            comments.c.edited_at,
            comments.c.parent_id,
        )
        .join(papers, papers.c.id == comments.c.paper_id)
        .where(_visible_comments(user_id))
        .order_by(comments.c.created_at.desc(), comments.c.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return [
        CommentLine(
            r.id,
            r.arxiv_id,
            r.title,
            r.body,
            as_utc(r.created_at),
            r.edited_at is not None,
            bool(r.parent_id),
        )
        for r in conn.execute(query)
    ]


def authorships(conn: Connection, user_id: int, limit: int, offset: int) -> list[Authorship]:
    """Papers a moderator confirmed this person wrote, newest paper first."""
    query = (
        sa.select(papers.c.arxiv_id, papers.c.title, authorship_claims.c.author_name)
        .join(papers, papers.c.id == authorship_claims.c.paper_id)
        .where(_approved(user_id))
        .order_by(papers.c.submitted_at.desc().nulls_last(), papers.c.id.desc())
        .limit(limit)
        .offset(offset)
    )
    return [Authorship(*row) for row in conn.execute(query)]
