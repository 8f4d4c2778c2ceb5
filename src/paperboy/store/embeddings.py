"""SQL for search: embeddings, changed papers, watermarks and the searchable fields of papers.

The search indexes (tantivy, faiss) are derived from what this module reads; it is the only search code that
speaks SQL. Two cursors drive them: ``papers.modified_at`` (what changed, for the keyword index and the
embedder) and ``paper_embeddings.id`` (what was embedded, for the vector index).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from paperboy.org_names import display
from paperboy.store.dialect import as_utc, chunks, is_postgres
from paperboy.store.papers import canonical_orgs, with_organization
from paperboy.store.schema import organizations, paper_embeddings, papers, search_watermarks


@dataclass(frozen=True, slots=True)
class IndexRow:
    """What the keyword index and the embedder need of one paper."""

    id: int
    arxiv_id: str
    title: str
    abstract: str
    authors: list[str]
    categories: list[str]
    org_name: str | None
    org_fullname: str | None
    submitted_at: datetime | None
    upvotes: int
    hidden: bool
    # The canonical organization's handle and display name when they differ from the handle's own, so an
    # ``org:`` filter or a search for "Google DeepMind" finds papers Hugging Face filed under ``deepmind``.
    org_also: tuple[str, ...] = ()


def change_marker(conn: Connection) -> tuple[str, int]:
    """(newest modification time, highest id): two index look-ups, different whenever papers changed.

    Polled every few seconds, so no COUNT(*), which scans millions of rows.
    """
    newest, last = conn.execute(sa.select(sa.func.max(papers.c.modified_at), sa.func.max(papers.c.id))).one()
    return (as_utc(newest).isoformat() if newest else ""), last or 0


def newest_change(conn: Connection) -> datetime | None:
    return as_utc(conn.execute(sa.select(sa.func.max(papers.c.modified_at))).scalar())


def changed_since(conn: Connection, since: datetime | None) -> list[tuple[int, datetime]]:
    """(paper id, modified_at) of papers modified at or after ``since`` (all papers when None), by id."""
    query = sa.select(papers.c.id, papers.c.modified_at).order_by(papers.c.id)
    if since is not None:
        query = query.where(papers.c.modified_at >= since)
    return [(pid, as_utc(when)) for pid, when in conn.execute(query)]


def index_rows(conn: Connection, ids: Sequence[int]) -> list[IndexRow]:
    """The searchable fields of these papers (missing ids are simply absent)."""
    rows: list[IndexRow] = []
    query = sa.select(
        papers.c.id,
        papers.c.arxiv_id,
        papers.c.title,
        papers.c.abstract,
        papers.c.authors,
        papers.c.categories,
        papers.c.primary_category,
        papers.c.submitted_at,
        papers.c.hf_upvotes,
        papers.c.hidden_at,
        organizations.c.name,
        organizations.c.fullname,
        canonical_orgs.c.name.label("canon_name"),
        canonical_orgs.c.fullname.label("canon_fullname"),
        canonical_orgs.c.display_name.label("canon_display"),
    ).select_from(with_organization())
    for chunk in chunks(ids):
        for r in conn.execute(query.where(papers.c.id.in_(chunk))):
            shown = display(r.canon_name, r.canon_fullname, r.canon_display) if r.canon_name else None
            also = tuple(
                dict.fromkeys(n for n in (r.canon_name, shown) if n and n not in (r.name, r.fullname))
            )
            cats = list(r.categories or [])
            if r.primary_category and r.primary_category not in cats:
                cats.insert(0, r.primary_category)
            rows.append(
                IndexRow(
                    id=r.id,
                    arxiv_id=r.arxiv_id,
                    title=r.title or "",
                    abstract=r.abstract or "",
                    authors=[a.get("name", "") for a in r.authors or [] if not a.get("hidden")],
                    categories=cats,
                    org_name=r.name,
                    org_fullname=r.fullname,
                    submitted_at=as_utc(r.submitted_at),
                    upvotes=r.hf_upvotes or 0,
                    hidden=r.hidden_at is not None,
                    org_also=also,
                )
            )
    return rows


def stored_hashes(conn: Connection, model: str, ids: Sequence[int]) -> dict[int, str]:
    """paper id -> text hash of its stored embedding for ``model``."""
    found: dict[int, str] = {}
    query = sa.select(paper_embeddings.c.paper_id, paper_embeddings.c.text_hash).where(
        paper_embeddings.c.model == model
    )
    for chunk in chunks(ids):
        found.update(dict(conn.execute(query.where(paper_embeddings.c.paper_id.in_(chunk))).all()))
    return found


def serialise_embedding_writes(conn: Connection) -> None:
    """One embedding writer at a time on PostgreSQL, until this transaction ends, so ids commit in order.

    The vector index reads embeddings by ascending id; two embedders committing out of order could let it
    step over a row. The wait is short (an insert and a commit). SQLite serialises writers by itself.
    """
    if is_postgres(conn):
        conn.execute(sa.text("SELECT pg_advisory_xact_lock(4004)"))


def save_embeddings(conn: Connection, model: str, dim: int, rows: Sequence[tuple[int, bytes, str]]) -> None:
    """Store (paper id, vector bytes, text hash) rows, replacing older vectors of the same papers.

    Replace means delete + insert so that a re-embedded paper gets a new, higher id and vector indexes see it.
    """
    if not rows:
        return
    ids = [pid for pid, _, _ in rows]
    for chunk in chunks(ids):
        conn.execute(
            sa.delete(paper_embeddings).where(
                paper_embeddings.c.model == model, paper_embeddings.c.paper_id.in_(chunk)
            )
        )
    conn.execute(
        sa.insert(paper_embeddings),
        [{"paper_id": p, "model": model, "dim": dim, "vector": v, "text_hash": h} for p, v, h in rows],
    )


def embeddings_after(
    conn: Connection, model: str, after_id: int, limit: int = 10_000
) -> list[tuple[int, int, bytes]]:
    """(row id, paper id, vector bytes) of ``model`` above ``after_id``, in id order."""
    query = (
        sa.select(paper_embeddings.c.id, paper_embeddings.c.paper_id, paper_embeddings.c.vector)
        .where(paper_embeddings.c.model == model, paper_embeddings.c.id > after_id)
        .order_by(paper_embeddings.c.id)
        .limit(limit)
    )
    return [(i, p, bytes(v)) for i, p, v in conn.execute(query)]


def last_embedding_id(conn: Connection, model: str) -> int:
    query = sa.select(sa.func.max(paper_embeddings.c.id)).where(paper_embeddings.c.model == model)
    return conn.execute(query).scalar() or 0


def embedding_of(conn: Connection, model: str, paper_id: int) -> bytes | None:
    query = sa.select(paper_embeddings.c.vector).where(
        paper_embeddings.c.model == model, paper_embeddings.c.paper_id == paper_id
    )
    value = conn.execute(query).scalar()
    return bytes(value) if value is not None else None


def count_embedded(conn: Connection, model: str) -> int:
    query = sa.select(sa.func.count()).where(paper_embeddings.c.model == model)
    return conn.execute(query).scalar_one()


def get_watermark(conn: Connection, name: str) -> str | None:
    return conn.execute(sa.select(search_watermarks.c.value).where(search_watermarks.c.name == name)).scalar()


def set_watermark(conn: Connection, name: str, value: str) -> None:
    updated = conn.execute(
        sa.update(search_watermarks)
        .where(search_watermarks.c.name == name)
        .values(value=value, updated_at=sa.func.current_timestamp())
    )
    if updated.rowcount == 0:
        conn.execute(sa.insert(search_watermarks).values(name=name, value=value))
