"""A real paperboy database of the 9,577 hf_daily papers, with MiniLM vectors, behind a real SearchService.

Built once under bench/out/service-db/ (SQLite, the ingest pipeline the server uses) and reused; the vectors
come from the quality harness's embedding cache (same packaged model, same title + abstract text), so only
papers the cache lacks are embedded. Every search the benches make then goes through
``paperboy.search.searcher.search``, the function behind ``/search`` and ``/api/papers/search``.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

import numpy as np
import sqlalchemy as sa
from sqlalchemy.engine import Engine

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from bench.search.corpus import HF_DAILY  # noqa: E402
from bench.search.rankers import OUT, minilm_ranker  # noqa: E402

from paperboy.config import Settings  # noqa: E402
from paperboy.ingest import hf_daily  # noqa: E402
from paperboy.ingest.runner import run  # noqa: E402
from paperboy.models import Batch, Failure  # noqa: E402
from paperboy.search.embed import to_bytes  # noqa: E402
from paperboy.search.embedding_job import text_hash  # noqa: E402
from paperboy.search.service import SearchService  # noqa: E402
from paperboy.search.text import paper_text  # noqa: E402
from paperboy.store import embeddings as store  # noqa: E402
from paperboy.store.engine import create_engine  # noqa: E402
from paperboy.store.ingest_sink import checkpoints  # noqa: E402
from paperboy.store.migrate import upgrade  # noqa: E402
from paperboy.store.schema import papers  # noqa: E402

FOLDER = OUT / "service-db"


def _load(engine: Engine, only: set[str] | None = None) -> None:
    source = f"hf-dir:{HF_DAILY}"
    done = checkpoints(engine, source)
    files = hf_daily.day_files(HF_DAILY)
    items = hf_daily.read_directory(files, source, done.__contains__)
    if only is not None:
        items = (_keep(item, only) for item in items)
    run(engine, source, items, "bench", interactive=False)


def _keep(item: Batch | Failure, only: set[str]) -> Batch | Failure:
    if isinstance(item, Batch):
        item.papers = [p for p in item.papers if p.arxiv_id in only]
        item.entries = [e for e in item.entries if e.arxiv_id in only]
    return item


def _embed(engine: Engine, model: str) -> None:
    with engine.connect() as conn:
        if (
            store.count_embedded(conn, model)
            >= conn.execute(sa.select(sa.func.count()).select_from(papers)).scalar()
        ):
            return
        rows = conn.execute(sa.select(papers.c.id, papers.c.title, papers.c.abstract)).all()
    texts = [paper_text(title, abstract or "") for _pid, title, abstract in rows]
    matrix = minilm_ranker().cache.get(texts).astype(np.float32)
    with engine.begin() as conn:
        store.save_embeddings(
            conn,
            model,
            matrix.shape[1],
            [
                (pid, to_bytes(vec), text_hash(t))
                for (pid, _, _), vec, t in zip(rows, matrix, texts, strict=True)
            ],
        )


def service(folder: Path = FOLDER, semantic: bool = True, only: set[str] | None = None) -> SearchService:
    """The bench database (built on first use) and a search service over it, indexes up to date;
    ``semantic=False`` leaves vectors out (keyword figures while the corpus is still being embedded);
    ``only`` builds a fresh database of just these arXiv ids (a sub-corpus: the papers embedded so far)."""
    if only is not None and folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True, exist_ok=True)
    url = f"sqlite:///{folder / 'paperboy.db'}"
    engine = create_engine(url)
    upgrade(engine)
    _load(engine, only)
    settings = Settings(
        database_url=url,
        search_index_dir=folder / "index",
        search_embed_background=False,
        search_model="minilm" if semantic else "none",
    )
    svc = SearchService(engine, settings)
    if svc.model is not None:
        _embed(engine, svc.model)
    svc.refresh(force=True, wait=True)
    return svc
