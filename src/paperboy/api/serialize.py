"""Our stored records → the response models of ``schemas`` (pure functions, no I/O).

This is the inverse of ``paperboy.ingest.hf_daily``: field names, nesting and date format follow what
``huggingface.co/api/daily_papers`` serves, so the official ``huggingface_hub`` client (and scripts written
against Hugging Face) read our answers unchanged. Values we do not know stay ``None`` here, and ``wire()``
leaves their keys out, because Hugging Face omits them too and clients test for presence.

Picture fields (``thumbnail``, ``avatar``, ``avatarUrl``) keep Hugging Face's names and stay absolute URLs;
they name our own copy (``{base_url}/media/…``) once one is stored (``media.index.public_url``), and the
upstream URL until then, so clients that expect a URL always get one.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime, time

from paperboy.api.schemas import (
    AuthorOut,
    DailyPaperOut,
    DailySubmitterOut,
    OrganizationOut,
    PaperInfoOut,
    PaperOut,
    SubmitterOut,
)
from paperboy.media.index import public_url
from paperboy.models import Author, FeedItem, Organization, Paper, PaperView, Submitter


def iso_ms(value: datetime) -> str:
    """``2025-09-25T14:58:29.000Z``: UTC with milliseconds and ``Z``, exactly as Hugging Face writes dates."""
    utc = value.astimezone(UTC) if value.tzinfo else value
    return utc.replace(tzinfo=None).isoformat(timespec="milliseconds") + "Z"


def _maybe_iso(value: datetime | None) -> str | None:
    return iso_ms(value) if value is not None else None


def author_id(arxiv_id: str, position: int) -> str:
    """A stable 24-hex id per author slot, shaped like Hugging Face's ``_id`` (which we do not store).

    Clients use ``_id`` as a list key; deriving it from paper and position keeps it stable across requests.
    """
    return hashlib.sha1(f"{arxiv_id}#{position}".encode()).hexdigest()[:24]


def author(arxiv_id: str, position: int, record: Author) -> AuthorOut:
    return AuthorOut.trusted(id=author_id(arxiv_id, position), name=record.name, hidden=record.hidden)


def organization(record: Organization | None) -> OrganizationOut | None:
    """Hugging Face calls the avatar ``avatar`` here (not ``avatarUrl`` as for users).

    The handle is the one Hugging Face gave the paper, not the canonical organization pages show, so an
    answer is what Hugging Face's own would be.
    """
    if record is None:
        return None
    record = record.source or record
    return OrganizationOut.trusted(
        name=record.name, fullname=record.fullname, avatar=public_url(record.avatar_url)
    )


def submitted_by(record: Submitter | None) -> SubmitterOut | None:
    """The entry-level ``submittedBy``: the username is under ``name``."""
    if record is None:
        return None
    return SubmitterOut.trusted(
        avatarUrl=public_url(record.avatar_url), fullname=record.fullname, name=record.username
    )


def submitted_on_daily_by(record: Submitter | None) -> DailySubmitterOut | None:
    """The paper-level ``submittedOnDailyBy``: the same person, with the username under ``user``."""
    if record is None:
        return None
    return DailySubmitterOut.trusted(
        avatarUrl=public_url(record.avatar_url), fullname=record.fullname, user=record.username
    )


def _featured_at(item: FeedItem) -> datetime:
    """When the entry was featured; a day imported without a time counts from the start of that day."""
    if item.submitted_at is not None:
        return item.submitted_at
    return datetime.combine(item.day, time(0), tzinfo=UTC)


def _paper_fields(view: PaperView, item: FeedItem | None) -> dict:
    record: Paper = view.paper
    return {
        "id": record.arxiv_id,
        "authors": [author(record.arxiv_id, i, a) for i, a in enumerate(record.authors)],
        "publishedAt": _maybe_iso(record.submitted_at),
        "submittedOnDailyAt": iso_ms(_featured_at(item)) if item else None,
        "title": record.title,
        "submittedOnDailyBy": submitted_on_daily_by(item.submitter) if item else None,
        "summary": record.abstract,
        "upvotes": view.upvotes,
        # Ours, beside Hugging Face's total: the imported baseline and the votes cast here.
        "hfUpvotes": view.hf_upvotes,
        "localUpvotes": view.local_upvotes,
        "githubRepo": record.github_repo,
        "githubStars": record.github_stars,
        "projectPage": record.project_page,
        "ai_summary": record.ai_summary,
        "ai_keywords": list(record.ai_keywords) if record.ai_keywords is not None else None,
        "organization": organization(record.organization),
    }


def paper(view: PaperView, item: FeedItem | None = None) -> PaperOut:
    """The ``paper`` object; ``item`` (how it was featured) adds ``submittedOnDailyAt``/``By`` when known."""
    return PaperOut.trusted(**_paper_fields(view, item))


def paper_info(view: PaperView, item: FeedItem | None = None) -> PaperInfoOut:
    """``GET /api/papers/{id}``: the paper object at top level plus ``numComments``."""
    return PaperInfoOut.trusted(**_paper_fields(view, item), numComments=view.num_comments)


def _entry(view: PaperView, item: FeedItem | None) -> DailyPaperOut:
    record = view.paper
    return DailyPaperOut.trusted(
        paper=paper(view, item),
        publishedAt=iso_ms(_featured_at(item)) if item else None,
        title=record.title,
        summary=record.abstract,
        thumbnail=public_url(record.thumbnail),
        numComments=view.num_comments,
        submittedBy=submitted_by(item.submitter) if item else None,
        organization=organization(record.organization),
        isAuthorParticipating=False,
    )


def daily_entry(item: FeedItem) -> DailyPaperOut:
    """One element of ``/api/daily_papers``: the top-level ``publishedAt`` is when it was featured."""
    return _entry(item.view, item)


def search_entry(view: PaperView) -> DailyPaperOut:
    """One element of ``/api/papers/search``: the daily-entry shape minus the feature details we lack here."""
    return _entry(view, None)
