"""Idempotent upserts of ingested records: the same paper twice gives one row, sources merge on arXiv id.

Merge rules, applied in SQL so that a batch is one statement per table:
- arXiv metadata (title, abstract, authors, categories, dates, DOI …) comes from the newest version seen; a
  record without a version (Hugging Face) only fills what is missing once a versioned record exists.
- Hugging Face fields (GitHub, project page, organization, AI summary) take the latest non-empty value;
  a new organization handle is placed among the organizations by ``organizations.upsert_handles``.
- Imported counters (upvotes, comments) keep the highest value seen, so replaying old days never lowers them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from paperboy.models import Author, Batch, DailyEntry, Paper, Submitter
from paperboy.store.authors import index_authors
from paperboy.store.dialect import as_utc, merge_many, upsert
from paperboy.store.organization_edits import promote_busiest
from paperboy.store.organizations import upsert_handles
from paperboy.store.papers import paper_ids
from paperboy.store.schema import daily_entries, papers, users

VERSIONED_FIELDS = (
    "title",
    "abstract",
    "authors",
    "categories",
    "primary_category",
    "updated_at",
    "doi",
    "journal_ref",
    "comments",
    "license",
)
LATEST_FIELDS = (
    "github_repo",
    "github_stars",
    "project_page",
    "organization_id",
    "ai_summary",
    "ai_keywords",
    "thumbnail",
    "announced_on",
)
MAX_FIELDS = ("hf_upvotes", "hf_num_comments")


def _author(author: Author) -> dict:
    """Compact JSON: only what is known, since a snapshot holds tens of millions of author entries."""
    row: dict = {"name": author.name}
    if author.affiliation:
        row["affiliation"] = author.affiliation
    if author.hidden:
        row["hidden"] = True
    return row


def _paper_row(paper: Paper, org_ids: dict[str, int]) -> dict:
    return {
        "arxiv_id": paper.arxiv_id,
        "version": paper.version,
        "title": paper.title,
        "abstract": paper.abstract or "",
        "authors": [_author(a) for a in paper.authors] or None,
        "categories": list(paper.categories) or None,
        "primary_category": paper.primary_category or (paper.categories[0] if paper.categories else None),
        "submitted_at": as_utc(paper.submitted_at),
        "updated_at": as_utc(paper.updated_at),
        "announced_on": paper.announced_on,
        "doi": paper.doi,
        "journal_ref": paper.journal_ref,
        "comments": paper.comments,
        "license": paper.license,
        "github_repo": paper.github_repo,
        "github_stars": paper.github_stars,
        "project_page": paper.project_page,
        "organization_id": org_ids.get(paper.organization.name) if paper.organization else None,
        "ai_summary": paper.ai_summary,
        "ai_keywords": paper.ai_keywords or None,
        "hf_upvotes": paper.upvotes or 0,
        "hf_num_comments": paper.num_comments or 0,
        "thumbnail": paper.thumbnail,
        "withdrawn": paper.withdrawn,
    }


def _merge_paper(stmt):  # type: ignore[no-untyped-def]
    """The merge rules above as the ON CONFLICT clause of ``stmt``, an INSERT into papers."""
    new, old = stmt.excluded, papers.c
    newer = sa.or_(
        sa.and_(new.version.is_not(None), sa.or_(old.version.is_(None), new.version >= old.version)),
        sa.and_(new.version.is_(None), old.version.is_(None)),
    )
    values: dict[str, sa.ColumnElement] = {}
    for name in VERSIONED_FIELDS:
        incoming = sa.func.nullif(new[name], "") if name == "abstract" else new[name]
        current = sa.func.nullif(old[name], "") if name == "abstract" else old[name]
        values[name] = sa.case(
            (newer, sa.func.coalesce(incoming, old[name])), else_=sa.func.coalesce(current, new[name])
        )
    values["version"] = sa.case((newer, sa.func.coalesce(new.version, old.version)), else_=old.version)
    values["submitted_at"] = sa.func.coalesce(old.submitted_at, new.submitted_at)
    for name in LATEST_FIELDS:
        values[name] = sa.func.coalesce(new[name], old[name])
    for name in MAX_FIELDS:
        values[name] = sa.case((new[name] > old[name], new[name]), else_=old[name])
    values["withdrawn"] = sa.case((newer, new.withdrawn), else_=old.withdrawn)
    values["modified_at"] = sa.func.current_timestamp()
    return stmt.on_conflict_do_update(index_elements=["arxiv_id"], set_=values)


def _unique_rounds(rows: Sequence[dict], key: str) -> list[list[dict]]:
    """Split rows so no key repeats within a round: one upsert statement may touch a row only once."""
    rounds: list[list[dict]] = []
    seen: list[set] = []
    for row in rows:
        for index, keys in enumerate(seen):
            if row[key] not in keys:
                keys.add(row[key])
                rounds[index].append(row)
                break
        else:
            seen.append({row[key]})
            rounds.append([row])
    return rounds


def _upsert_submitters(conn: Connection, people: Iterable[Submitter]) -> dict[str, int]:
    unique = {p.username: p for p in people}
    if not unique:
        return {}
    stmt = upsert(conn, users)
    stmt = stmt.on_conflict_do_update(
        index_elements=["username"],
        set_={
            "fullname": sa.func.coalesce(stmt.excluded.fullname, users.c.fullname),
            "avatar_url": sa.func.coalesce(stmt.excluded.avatar_url, users.c.avatar_url),
        },
        where=users.c.origin == "huggingface",
    )
    conn.execute(
        stmt,
        [
            {
                "username": p.username,
                "fullname": p.fullname,
                "avatar_url": p.avatar_url,
                "origin": "huggingface",
            }
            for p in unique.values()
        ],
    )
    found = conn.execute(sa.select(users.c.username, users.c.id).where(users.c.username.in_(unique)))
    return {name: ident for name, ident in found}


def upsert_papers(conn: Connection, batch_papers: Sequence[Paper]) -> None:
    if not batch_papers:
        return
    org_ids = upsert_handles(conn, (p.organization for p in batch_papers if p.organization))
    rows = [_paper_row(p, org_ids) for p in batch_papers]
    for chunk in _unique_rounds(rows, "arxiv_id"):
        merge_many(conn, papers, chunk, _merge_paper)
    promote_busiest(conn, org_ids.values())
    # A record without authors leaves the stored list (and so the author index) as it was.
    index_authors(conn, (p.arxiv_id for p in batch_papers if p.authors))


def mark_withdrawn(conn: Connection, arxiv_ids: Sequence[str]) -> None:
    """OAI-PMH deletions: arXiv never removes a paper, so we keep the row and flag it."""
    if arxiv_ids:
        conn.execute(sa.update(papers).where(papers.c.arxiv_id.in_(arxiv_ids)).values(withdrawn=True))


def upsert_entries(conn: Connection, entries: Sequence[DailyEntry]) -> None:
    if not entries:
        return
    ids = paper_ids(conn, (e.arxiv_id for e in entries))
    missing = sorted({e.arxiv_id for e in entries} - ids.keys())
    if missing:
        raise ValueError(
            f"daily entries refer to papers not in this batch or the store: {', '.join(missing)}"
        )
    submitter_ids = _upsert_submitters(conn, (e.submitter for e in entries if e.submitter))
    rows = [
        {
            "day": e.day,
            "paper_id": ids[e.arxiv_id],
            "submitter_id": submitter_ids.get(e.submitter.username) if e.submitter else None,
            "source": e.source,
            "submitted_at": as_utc(e.submitted_at),
        }
        for e in entries
    ]
    stmt = upsert(conn, daily_entries)
    stmt = stmt.on_conflict_do_update(
        index_elements=["day", "paper_id"],
        set_={
            "submitter_id": sa.func.coalesce(stmt.excluded.submitter_id, daily_entries.c.submitter_id),
            "submitted_at": sa.func.coalesce(stmt.excluded.submitted_at, daily_entries.c.submitted_at),
        },
    )
    for chunk in _unique_rounds(rows, "paper_id"):
        conn.execute(stmt, chunk)


def write_batch(conn: Connection, batch: Batch) -> None:
    """Everything of one batch, in the caller's transaction (the checkpoint is written by the caller too)."""
    upsert_papers(conn, batch.papers)
    mark_withdrawn(conn, batch.deleted_ids)
    upsert_entries(conn, batch.entries)
