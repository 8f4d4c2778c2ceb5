"""Authorship claims: a signed-in reader says "I am this author of this paper"; a moderator decides.

One claim per user per paper is a database constraint (``uq_authorship_claims_user_id_paper_id``), so a
double click or two tabs cannot file two. A decision only moves a pending claim, so two moderators deciding
at once cannot overwrite each other.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from paperboy.store.dialect import as_utc, upsert
from paperboy.store.schema import authorship_claims, papers, users

PENDING, APPROVED, REJECTED = "pending", "approved", "rejected"


@dataclass(frozen=True, slots=True)
class Claim:
    id: int
    paper_id: int
    arxiv_id: str
    title: str
    author_name: str
    status: str
    user_id: int
    username: str
    fullname: str | None
    email: str | None  # shown to moderators only: an institutional address is evidence
    created_at: datetime | None

    @property
    def display_name(self) -> str:
        return self.fullname or self.username


def _select() -> sa.Select:
    c = authorship_claims.c
    return (
        sa.select(
            c.id,
            c.paper_id,
            papers.c.arxiv_id,
            papers.c.title,
            c.author_name,
            c.status,
            c.user_id,
            users.c.username,
            users.c.fullname,
            users.c.email,
            c.created_at,
        )
        .select_from(
            authorship_claims.join(papers, papers.c.id == c.paper_id).join(users, users.c.id == c.user_id)
        )
        .order_by(c.created_at, c.id)
    )


def _claim(row: sa.Row) -> Claim:
    m = dict(row._mapping)
    m["created_at"] = as_utc(m["created_at"])
    return Claim(**m)


def file_claim(conn: Connection, user_id: int, paper_id: int, author_name: str) -> tuple[Claim, bool]:
    """File a pending claim; returns (the user's claim on this paper, whether it is new)."""
    stmt = upsert(conn, authorship_claims).values(user_id=user_id, paper_id=paper_id, author_name=author_name)
    created = conn.execute(stmt.on_conflict_do_nothing(index_elements=["user_id", "paper_id"])).rowcount == 1
    row = conn.execute(
        _select().where(authorship_claims.c.user_id == user_id, authorship_claims.c.paper_id == paper_id)
    ).one()
    return _claim(row), created


def claims_for_paper(conn: Connection, paper_id: int) -> list[Claim]:
    return [_claim(r) for r in conn.execute(_select().where(authorship_claims.c.paper_id == paper_id))]


def get_claim(conn: Connection, claim_id: int) -> Claim | None:
    row = conn.execute(_select().where(authorship_claims.c.id == claim_id)).first()
    return _claim(row) if row else None


def pending_claims(conn: Connection, limit: int = 200) -> list[Claim]:
    """Oldest first, so nobody waits behind newer claims."""
    query = _select().where(authorship_claims.c.status == PENDING).limit(limit)
    return [_claim(r) for r in conn.execute(query)]


def count_pending(conn: Connection) -> int:
    return conn.execute(
        sa.select(sa.func.count()).select_from(authorship_claims).where(authorship_claims.c.status == PENDING)
    ).scalar_one()


def approved_holder(conn: Connection, paper_id: int, author_name: str) -> Claim | None:
    """Who, if anyone, is already the verified holder of this author slot."""
    row = conn.execute(
        _select().where(
            authorship_claims.c.paper_id == paper_id,
            authorship_claims.c.author_name == author_name,
            authorship_claims.c.status == APPROVED,
        )
    ).first()
    return _claim(row) if row else None


def decide(conn: Connection, claim_id: int, moderator_id: int, approve: bool) -> bool:
    """Approve or reject a pending claim; False when it was no longer pending."""
    c = authorship_claims.c
    result = conn.execute(
        sa.update(authorship_claims)
        .where(c.id == claim_id, c.status == PENDING)
        .values(
            status=APPROVED if approve else REJECTED,
            decided_by=moderator_id,
            decided_at=sa.func.current_timestamp(),
        )
    )
    return result.rowcount == 1


def claimants(conn: Connection, author_name: str) -> list[tuple[str, str | None]]:
    """Accounts a moderator confirmed as this author (username, full name), in the order first confirmed."""
    c = authorship_claims.c
    rows = conn.execute(
        sa.select(users.c.username, users.c.fullname)
        .join(users, users.c.id == c.user_id)
        .where(c.author_name == author_name, c.status == APPROVED)
        .group_by(users.c.username, users.c.fullname)
        .order_by(sa.func.min(c.decided_at), users.c.username)
    )
    return [(r.username, r.fullname) for r in rows]
