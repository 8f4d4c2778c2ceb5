"""Indexes as derived data: new papers without restart, healing after a crash, one writer and many readers."""

from __future__ import annotations

import json
import time
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from paperboy.models import Organization
from paperboy.search.searcher import search
from paperboy.store import organization_edits
from paperboy.store.schema import papers
from tests.search.conftest import add_papers, arxiv_paper, service_for


def ids(page) -> list[str]:  # type: ignore[no-untyped-def]
    return [hit.view.paper.arxiv_id for hit in page.hits]


NEW = arxiv_paper("2601.00009", "Zebrafish locomotion under microgravity", "Zebrafish swim in orbit.")


def test_a_new_paper_is_found_without_restart(corpus: Engine, tmp_path: Path) -> None:
    service = service_for(corpus, tmp_path / "index", search_refresh_seconds=1e-6)
    try:
        assert ids(search(service, "zebrafish")) == []
        add_papers(corpus, [NEW])
        assert ids(search(service, "zebrafish")) == ["2601.00009"]
        add_papers(
            corpus, [arxiv_paper("2601.00009", "Zebrafish in orbit, revised", "New abstract.", version=2)]
        )
        assert ids(search(service, "revised zebrafish"))[0] == "2601.00009"
    finally:
        service.close()


def test_hiding_and_restoring_a_paper_apply_at_once(corpus: Engine, tmp_path: Path) -> None:
    service = service_for(corpus, tmp_path / "index")
    try:
        assert ids(search(service, '"surface codes"')) == ["2503.00001"]
        with corpus.begin() as conn:
            conn.execute(
                sa.update(papers).where(papers.c.arxiv_id == "2503.00001").values(hidden_at=sa.func.now())
            )
        assert ids(search(service, '"surface codes"')) == []  # filtered when loading, before any re-index
        with corpus.begin() as conn:
            conn.execute(sa.update(papers).where(papers.c.arxiv_id == "2503.00001").values(hidden_at=None))
        assert ids(search(service, '"surface codes"')) == ["2503.00001"]
    finally:
        service.close()


def test_a_crash_between_commit_and_index_update_heals_on_start(corpus: Engine, tmp_path: Path) -> None:
    index = tmp_path / "index"
    first = service_for(corpus, index)
    search(first, "anything")  # builds the index
    first.keyword.close_writer()  # the process dies: the OS drops its tantivy and flock locks
    first.lock.release()
    # Papers committed while no process updated the index, and a watermark that never got written:
    add_papers(corpus, [NEW])
    state = next(index.glob("keyword-v*.json"))
    saved = json.loads(state.read_text())
    state.write_text(json.dumps({**saved, "watermark": None, "marker": ["", 0]}))
    second = service_for(corpus, index)
    try:
        assert ids(search(second, "zebrafish")) == ["2601.00009"]
        assert search(second, "surface codes quantum", mode="keyword").total >= 1
    finally:
        second.close()


def test_one_writer_and_a_reader_share_an_index_directory(corpus: Engine, tmp_path: Path) -> None:
    index = tmp_path / "index"
    writer = service_for(corpus, index, search_refresh_seconds=1e-6)
    reader = service_for(corpus, index, search_refresh_seconds=1e-6)
    try:
        search(writer, "warm up")
        assert writer.lock.held
        search(reader, "warm up")
        assert not reader.lock.held
        add_papers(corpus, [NEW])
        search(writer, "zebrafish")  # the writer indexes it...
        assert ids(search(reader, "zebrafish")) == ["2601.00009"]  # ...and the reader reloads
        writer.close()  # the writer goes away: the reader takes over writing
        add_papers(corpus, [arxiv_paper("2601.00010", "Axolotl regeneration", "Limbs grow back.")])
        assert ids(search(reader, "axolotl")) == ["2601.00010"]
        assert reader.lock.held
    finally:
        writer.close()
        reader.close()


def test_reindex_rebuilds_from_the_database(corpus: Engine, tmp_path: Path) -> None:
    service = service_for(corpus, tmp_path / "index")
    try:
        before = search(service, "model", mode="keyword").total
        service.keyword.clear()
        assert service.keyword.num_docs() == 0
        assert service.keyword_sync.rebuild() > 0
        assert search(service, "model", mode="keyword").total == before
    finally:
        service.close()


def test_an_index_of_a_restored_database_is_rebuilt(corpus: Engine, tmp_path: Path) -> None:
    service = service_for(corpus, tmp_path / "index", search_refresh_seconds=1e-6)
    try:
        search(service, "warm up")
        before = service.keyword.num_docs()
        with corpus.begin() as conn:  # the newest papers vanish, as after restoring an older backup
            newest = conn.execute(sa.select(sa.func.max(papers.c.id))).scalar_one()
            conn.execute(sa.delete(papers).where(papers.c.id == newest))
        search(service, "again")
        assert service.keyword.num_docs() == before - 1
    finally:
        service.close()


def test_an_organizations_other_names_find_its_papers_after_a_merge(corpus: Engine, tmp_path: Path) -> None:
    """Papers are indexed under their canonical organization too; a moderator's merge re-indexes them."""
    service = service_for(corpus, tmp_path / "index", search_refresh_seconds=1e-6)
    try:
        add_papers(
            corpus,
            [
                arxiv_paper(
                    "2601.00010",
                    "Tiny lab, second handle",
                    "Zebrafish.",
                    organization=Organization("tiny-lab-2", None),
                )
            ],
        )
        assert ids(search(service, "org:tinylab zebrafish")) == []
        time.sleep(1.1)  # SQLite stamps modified_at to the second: a moderator acts later than the import
        with corpus.begin() as conn:
            organization_edits.merge(conn, "tiny-lab-2", "tinylab")
        assert ids(search(service, "org:tinylab zebrafish")) == ["2601.00010"]
        assert set(ids(search(service, 'org:"Tiny Lab"'))) == {"2503.00002", "2601.00010"}
        time.sleep(1.1)
        with corpus.begin() as conn:
            organization_edits.split(conn, "tiny-lab-2")
        assert ids(search(service, "org:tinylab zebrafish")) == []
    finally:
        service.close()
