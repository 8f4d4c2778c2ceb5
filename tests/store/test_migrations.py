"""Migrations carry a populated database forward on both backends, and the result matches schema.py."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from paperboy.org_names import key
from paperboy.store import papers_write
from paperboy.store.engine import create_engine
from paperboy.store.migrate import current_revision, head_revision, upgrade
from paperboy.store.schema import metadata, organization_aliases, organizations, paper_authors, papers, users
from tests.conftest import HF_DAILY, load_hf_daily
from tests.store.legacy import legacy_handles


# SQLite cannot reflect expression indexes (lower(name)), so the drift check skips them there, saying so.
@pytest.mark.filterwarnings("ignore:.*expression-based index")
def test_upgrade_from_the_first_schema_keeps_every_row(db_url: str, tmp_path, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    engine = create_engine(db_url)
    upgrade(engine, "0001")
    # The author index arrives in 0005 and organization aliases in 0010; both back-fill from the rows loaded
    # here, which go in as the importer of the first schema wrote them.
    monkeypatch.setattr(papers_write, "index_authors", lambda conn, arxiv_ids: None)
    monkeypatch.setattr(papers_write, "upsert_handles", legacy_handles)
    monkeypatch.setattr(papers_write, "promote_busiest", lambda conn, ids: None)
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
        handles = conn.execute(sa.select(organizations.c.name)).scalars().all()
        keys = set(conn.execute(sa.select(organization_aliases.c.key)).scalars())
        assert handles and {key(h) for h in handles} <= keys  # every stored handle is a name of something
        drift = compare_metadata(MigrationContext.configure(conn), metadata)
    assert not [d for d in drift if d[0] != "remove_index"], drift
    engine.dispose()
