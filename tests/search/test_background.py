"""The index writer embeds new papers in the background, and they become searchable by meaning."""

from __future__ import annotations

import time
from pathlib import Path

from paperboy.config import Settings
from paperboy.search.searcher import search
from paperboy.search.service import SearchService
from paperboy.store.engine import create_engine
from paperboy.store.migrate import upgrade
from tests.search.conftest import DAYS, add_papers, arxiv_paper, load_days, require_semantic


def test_new_papers_are_embedded_in_the_background(tmp_path: Path) -> None:
    require_semantic()
    url = f"sqlite:///{tmp_path / 'bg.db'}"
    engine = create_engine(url)
    upgrade(engine)
    load_days(engine, tmp_path, DAYS[:1])
    settings = Settings(
        database_url=url,
        search_index_dir=tmp_path / "index",
        search_embed_background=True,
        search_refresh_seconds=0.2,
    )
    service = SearchService(engine, settings)
    try:
        deadline = time.monotonic() + 180
        while not service.semantic_ready and time.monotonic() < deadline:
            time.sleep(0.5)
        assert service.semantic_ready and service.lock.held
        add_papers(
            engine,
            [
                arxiv_paper(
                    "2601.00042",
                    "Honeybee waggle dance decoding",
                    "Bees tell hive mates where flowers are by dancing; we read the dance from video.",
                )
            ],
        )
        target = None
        while target is None and time.monotonic() < deadline:
            page = search(service, "how insects communicate the location of food", mode="semantic", limit=3)
            target = next((h for h in page.hits if h.view.paper.arxiv_id == "2601.00042"), None)
            time.sleep(0.3)
        assert target is not None and page.mode == "semantic"
    finally:
        service.close()
        engine.dispose()
