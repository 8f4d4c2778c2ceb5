"""The author index follows every write of papers.authors, on SQLite and PostgreSQL."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from paperboy.models import Author, Paper
from paperboy.store.authors import author_papers, count_author_papers, reindex_all_authors
from paperboy.store.papers_write import upsert_papers
from paperboy.store.schema import paper_authors, papers


def rows(engine: Engine) -> list[tuple[str, int, str]]:
    with engine.connect() as conn:
        query = (
            sa.select(papers.c.arxiv_id, paper_authors.c.position, paper_authors.c.name)
            .join(papers, papers.c.id == paper_authors.c.paper_id)
            .order_by(papers.c.arxiv_id, paper_authors.c.position)
        )
        return [tuple(r) for r in conn.execute(query)]


def write(engine: Engine, *records: Paper) -> None:
    with engine.begin() as conn:
        upsert_papers(conn, list(records))


def test_the_index_follows_merged_author_lists(engine: Engine) -> None:
    write(
        engine,
        Paper(
            "2501.00001", "One", version=1, authors=[Author("Ann"), Author("Bob", hidden=True), Author("")]
        ),
        Paper("2501.00002", "Two", version=1, authors=[Author("Ann"), Author("Ann")]),
        Paper("2501.00003", "Three", authors=[Author("x" * 301), Author("Cy")]),
    )
    assert rows(engine) == [
        ("2501.00001", 0, "Ann"),  # hidden and empty names are not indexed; positions keep their place
        ("2501.00002", 0, "Ann"),
        ("2501.00002", 1, "Ann"),
        ("2501.00003", 1, "Cy"),  # a 301-character "name" is a parsing accident, left out
    ]
    # A newer version replaces the list; a record without authors (or an older version) leaves it alone.
    write(engine, Paper("2501.00001", "One", version=2, authors=[Author("Dee"), Author("Ann")]))
    write(engine, Paper("2501.00001", "One", version=1, authors=[Author("Old")]))
    write(engine, Paper("2501.00002", "Two"))
    assert rows(engine)[:2] == [("2501.00001", 0, "Dee"), ("2501.00001", 1, "Ann")]
    with engine.begin() as conn:
        assert count_author_papers(conn, "Ann") == 2 and count_author_papers(conn, "Old") == 0
        before = rows(engine)
        reindex_all_authors(conn)
    assert rows(engine) == before


def test_author_pages_skip_hidden_papers_and_sort_newest_first(engine: Engine) -> None:
    from datetime import UTC, datetime

    write(
        engine,
        *(
            Paper(
                f"2501.0000{i}",
                f"P{i}",
                authors=[Author("Ann")],
                submitted_at=datetime(2025, 1, i, tzinfo=UTC),
            )
            for i in range(1, 5)
        ),
    )
    with engine.begin() as conn:
        conn.execute(
            sa.update(papers).where(papers.c.arxiv_id == "2501.00002").values(hidden_at=sa.func.now())
        )
        assert [v.paper.arxiv_id for v in author_papers(conn, "Ann")] == [
            "2501.00004",
            "2501.00003",
            "2501.00001",
        ]
        assert [v.paper.arxiv_id for v in author_papers(conn, "Ann", limit=1, offset=1)] == ["2501.00003"]
        assert count_author_papers(conn, "Ann") == 3
