"""Migrations carry a populated database forward on both backends, and the result matches schema.py."""

from __future__ import annotations

import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from paperboy.store import papers_write
from paperboy.store.engine import create_engine
from paperboy.store.migrate import current_revision, head_revision, upgrade
from paperboy.store.schema import metadata, paper_authors, papers, users
from tests.conftest import HF_DAILY, load_hf_daily


def test_upgrade_from_the_first_schema_keeps_every_row(db_url: str, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    engine = create_engine(db_url)
    upgrade(engine, "0001")
    # The author index arrives in 0005, which back-fills it from the rows loaded here.
    monkeypatch.setattr(papers_write, "index_authors", lambda conn, arxiv_ids: None)
    directory = tmp_path / "days"
    directory.mkdir()
    for day in ("2025-09-26.json", "2026-08-21.json"):
        (directory / day).write_bytes((HF_DAILY / day).read_bytes())
    load_hf_daily(engine, directory)
    with engine.connect() as conn:
        before = conn.execute(sa.select(sa.func.count()).select_from(papers)).scalar_one()
        people = conn.execute(sa.select(sa.func.count()).select_from(users)).scalar_one()
    upgrade(engine)
    assert current_revision(engine) == head_revision()
    with engine.connect() as conn:
        assert conn.execute(sa.select(sa.func.count()).select_from(papers)).scalar_one() == before > 0
        assert conn.execute(sa.select(sa.func.count()).select_from(users)).scalar_one() == people
        assert conn.execute(sa.select(users.c.is_moderator)).scalars().all() == [False] * people
        assert conn.execute(sa.select(sa.func.count()).select_from(paper_authors)).scalar_one() > before
        drift = compare_metadata(MigrationContext.configure(conn), metadata)
    assert not [d for d in drift if d[0] != "remove_index"], drift
    engine.dispose()
