"""Authorship claims: the rules, written once for the pages (and any future API).

A claim names one visible author of one paper as written in its author list; an account claims at most one
author slot per paper (a database constraint) and a slot has at most one approved holder. A claim stays
pending until a moderator approves or rejects it; only approved claims are shown to readers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import IntegrityError

from paperboy.errors import BadRequest, Forbidden, NotFound
from paperboy.models import PaperView
from paperboy.papers import visible_paper
from paperboy.store import claims as store
from paperboy.store.accounts import Account
from paperboy.store.claims import APPROVED, PENDING, Claim


@dataclass(slots=True)
class Authorship:
    """What the paper page shows about claims: verified holders per author name and the viewer's own claim."""

    verified: dict[str, list[Claim]] = field(default_factory=dict)
    mine: Claim | None = None
    can_claim: bool = False
    needs_verification: bool = False
    signed_out: bool = True
    asking: bool = False  # the viewer asked to claim (?claim=1): show "I am this author" beside each name


def authorship(conn: Connection, view: PaperView, viewer: Account | None, asking: bool = False) -> Authorship:
    found = Authorship(signed_out=viewer is None)
    for claim in store.claims_for_paper(conn, view.paper_id):
        if claim.status == APPROVED:
            found.verified.setdefault(claim.author_name, []).append(claim)
        if viewer is not None and claim.user_id == viewer.id:
            found.mine = claim
    if viewer is not None and found.mine is None:
        found.can_claim = viewer.email_verified_at is not None
        found.needs_verification = not found.can_claim
    found.asking = asking and found.can_claim
    return found


def claim(engine: Engine, user: Account, raw_id: str, author_name: str) -> tuple[str, bool]:
    """File ``user``'s claim to be ``author_name`` on the paper; returns (canonical id, newly filed)."""
    if user.email_verified_at is None:
        raise Forbidden("Confirm your email address before claiming authorship.")
    with engine.begin() as conn:
        view = visible_paper(conn, raw_id)  # nobody claims a hidden paper, moderators included
        names = [a.name for a in view.paper.authors if not a.hidden and a.name]
        if author_name not in names:
            raise BadRequest(f"{author_name!r} is not an author of this paper.")
        holder = store.approved_holder(conn, view.paper_id, author_name)
        if holder is not None and holder.user_id != user.id:
            raise BadRequest(
                f"{author_name} on this paper is already a verified account ({holder.username})."
            )
        mine, created = store.file_claim(conn, user.id, view.paper_id, author_name)
        if not created and mine.author_name != author_name:
            raise BadRequest(
                f"You already claimed to be {mine.author_name} on this paper ({mine.status}); "
                "one claim per paper."
            )
        return view.paper.arxiv_id, created


def decide(engine: Engine, moderator: Account, claim_id: int, approve: bool) -> Claim:
    """Approve or reject a pending claim; approving refuses a slot that already has a verified holder."""
    if not moderator.can_moderate:
        raise Forbidden("Only moderators can decide authorship claims.")
    try:
        with engine.begin() as conn:
            found = store.get_claim(conn, claim_id)
            if found is None:
                raise NotFound("There is no such claim.")
            if found.status != PENDING:
                raise BadRequest(f"This claim was already {found.status}.")
            holder = store.approved_holder(conn, found.paper_id, found.author_name) if approve else None
            if holder is not None:
                raise BadRequest(
                    f"{found.author_name} is already verified as {holder.username} on this paper."
                )
            if not store.decide(conn, claim_id, moderator.id, approve):
                raise BadRequest("Another moderator decided this claim a moment ago.")
            return store.get_claim(conn, claim_id) or found
    except IntegrityError:  # a concurrent approval of the same slot won (the partial unique index)
        raise BadRequest("That author on this paper was verified for someone else a moment ago.") from None
