"""Authors and organizations as pages: their papers, newest first, and the author index behind them.

Organizations here are canonical ones (``store.organizations``): a page lists the papers of all its handles.

``paper_authors`` is derived from ``papers.authors``: ``index_authors`` rewrites the rows of the papers a
batch touched (called by ``papers_write.upsert_papers``, so every ingest path keeps it in step) and
``reindex_all_authors`` rebuilds it whole. An author page is then an index lookup; scanning every paper's
JSON took 50 ms at 9.6 k papers and 925 ms at 310 k on SQLite (see ``README.md``, Authors).
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from paperboy.models import PaperView
from paperboy.org_names import display
from paperboy.store.dialect import (
    json_array_elements,
    json_flag_unset,
    json_text,
    one_of,
    value_lists,
)
from paperboy.store.organizations import group_of, in_group
from paperboy.store.papers import VISIBLE, select_views, view_of
from paperboy.store.schema import organizations, paper_authors, papers

MAX_NAME = 300  # longer "names" are parsing accidents (a whole collaboration list); they are not indexed


def _author_rows(conn: Connection, where: sa.ColumnElement) -> sa.Select:
    """(paper id, position, name) for the visible, sensibly sized author names of the matching papers."""
    elements, position, element = json_array_elements(conn, papers.c.authors)
    name = json_text(conn, element, "name")
    return (
        sa.select(papers.c.id, position, name)
        .select_from(papers)
        .join(elements, sa.true())
        .where(
            where,
            sa.func.length(name).between(1, MAX_NAME),  # also false for NULL: one JSON look-up fewer
            json_flag_unset(conn, element, "hidden"),
        )
    )


def _insert(conn: Connection, where: sa.ColumnElement) -> None:
    columns = [paper_authors.c.paper_id, paper_authors.c.position, paper_authors.c.name]
    conn.execute(sa.insert(paper_authors).from_select(columns, _author_rows(conn, where)))


def index_authors(conn: Connection, arxiv_ids: Iterable[str]) -> None:
    """Rewrite the author rows of these papers from their stored (merged) author lists."""
    for values in value_lists(conn, sorted(set(arxiv_ids)), 1000):
        chosen = one_of(conn, papers.c.arxiv_id, values)
        ids = sa.select(papers.c.id).where(chosen)
        conn.execute(sa.delete(paper_authors).where(paper_authors.c.paper_id.in_(ids.scalar_subquery())))
        _insert(conn, chosen)


def reindex_all_authors(conn: Connection) -> None:
    """Rebuild the whole index (the migration that adds it back-fills this way)."""
    conn.execute(sa.delete(paper_authors))
    _insert(conn, sa.true())


def _newest_first(query: sa.Select) -> sa.Select:
    return query.order_by(papers.c.submitted_at.desc().nulls_last(), papers.c.id.desc())


def _page(conn: Connection, where: sa.ColumnElement, limit: int, offset: int) -> list[PaperView]:
    query = select_views().where(VISIBLE, where)
    return [view_of(row) for row in conn.execute(_newest_first(query).limit(limit).offset(offset))]


def _count(conn: Connection, where: sa.ColumnElement) -> int:
    return conn.execute(sa.select(sa.func.count()).select_from(papers).where(VISIBLE, where)).scalar_one()


def _by_author(name: str) -> sa.ColumnElement:
    return papers.c.id.in_(sa.select(paper_authors.c.paper_id).where(paper_authors.c.name == name))


def author_papers(conn: Connection, name: str, limit: int = 50, offset: int = 0) -> list[PaperView]:
    """Papers listing exactly this (visible) author name, newest first."""
    return _page(conn, _by_author(name), limit, offset)


def count_author_papers(conn: Connection, name: str) -> int:
    return _count(conn, _by_author(name))


def author_spelling(conn: Connection, name: str) -> str | None:
    """The stored spelling of an author name given in another case ("ziwei liu" → "Ziwei Liu"): the one on
    most papers, or None. Served by the ``lower(name)`` index, so an unknown name costs one probe."""
    query = (
        sa.select(paper_authors.c.name)
        .where(sa.func.lower(paper_authors.c.name) == name.lower())
        .group_by(paper_authors.c.name)
        .order_by(sa.func.count().desc(), paper_authors.c.name)
        .limit(1)
    )
    return conn.execute(query).scalar()


def organization_papers(
    conn: Connection, canonical_id: int, limit: int = 50, offset: int = 0
) -> list[PaperView]:
    """Papers of every handle of the organization, newest first."""
    return _page(conn, in_group(canonical_id), limit, offset)


def count_organization_papers(conn: Connection, canonical_id: int) -> int:
    return _count(conn, in_group(canonical_id))


def organizations_starting(conn: Connection, text: str, limit: int) -> list[tuple[str, str | None]]:
    """Organizations with a handle or name starting with ``text`` (any case), for suggestions: one entry
    per canonical organization (handle, display name), whichever of its names matched."""
    pattern = text.lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
    matching = sa.select(group_of).where(
        sa.or_(
            sa.func.lower(organizations.c.name).like(pattern, escape="\\"),
            sa.func.lower(organizations.c.fullname).like(pattern, escape="\\"),
            sa.func.lower(organizations.c.display_name).like(pattern, escape="\\"),
        )
    )
    query = (
        sa.select(organizations.c.name, organizations.c.fullname, organizations.c.display_name)
        .where(organizations.c.id.in_(matching.scalar_subquery()))
        .order_by(sa.func.lower(organizations.c.name))
        .limit(limit)
    )
    return [(name, display(name, fullname, chosen)) for name, fullname, chosen in conn.execute(query)]
