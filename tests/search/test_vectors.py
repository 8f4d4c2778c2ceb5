"""Embeddings in the database and the faiss index that follows them (a stand-in model: no meaning needed)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from paperboy.search.embedding_job import EmbedJob
from paperboy.search.sync import catch_up, load_vectors
from paperboy.search.vectors import VectorIndex
from paperboy.store.papers import paper_id_of
from paperboy.store.schema import paper_embeddings, papers
from tests.search.conftest import HashEmbedder, add_papers, arxiv_paper


def count(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(paper_embeddings)).scalar_one()


def test_embedding_is_resumable_and_only_redoes_changed_papers(corpus: Engine) -> None:
    with corpus.connect() as conn:
        total = conn.execute(sa.select(sa.func.count()).select_from(papers)).scalar_one()
    job = EmbedJob(corpus, HashEmbedder(), batch_size=4)
    first = job.run(limit=8)  # "interrupted" after a couple of batches
    assert 8 <= first.embedded < total and count(corpus) == first.embedded
    rest = EmbedJob(corpus, HashEmbedder(), batch_size=4).run()  # a new process resumes
    assert count(corpus) == total and first.embedded + rest.embedded == total
    assert EmbedJob(corpus, HashEmbedder()).run().embedded == 0  # nothing left
    add_papers(corpus, [arxiv_paper("2503.00001", "Surface codes, revised", "A new abstract.", version=2)])
    again = EmbedJob(corpus, HashEmbedder()).run()
    assert again.embedded == 1 and count(corpus) == total


def test_vector_index_catches_up_by_watermark_and_replaces_vectors(corpus: Engine, tmp_path: Path) -> None:
    model = HashEmbedder()
    EmbedJob(corpus, model).run()
    index = load_vectors(corpus, model.name, model.dim, None)
    assert len(index) == count(corpus) and index.watermark > 0
    with corpus.connect() as conn:
        pid = paper_id_of(conn, "2503.00001")
    query = model.encode(["surface codes quantum computing decoding"])[0]
    assert index.search(query, 1)[0][0] == pid
    add_papers(corpus, [arxiv_paper("2503.00001", "Gardening", "Tomatoes and basil in pots.", version=2)])
    EmbedJob(corpus, model).run()
    assert catch_up(corpus, index, model.name) == 1
    assert len(index) == count(corpus) and index.dead == 1
    assert index.search(model.encode(["tomatoes basil pots gardening"])[0], 1)[0][0] == pid
    index.save(tmp_path / "snap", model.name)
    loaded = VectorIndex.load(tmp_path / "snap", model.name, model.dim)
    assert loaded is not None and len(loaded) == len(index) and loaded.watermark == index.watermark
    assert VectorIndex.load(tmp_path / "snap", "another-model", model.dim) is None


def test_ivf_and_compaction_keep_answers() -> None:
    rng = np.random.default_rng(1)
    vectors = rng.normal(size=(3000, 16)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    index = VectorIndex(16, ivf_threshold=1000, nprobe=64)
    index.build(np.arange(3000), vectors, 3000)
    assert index.kind == "ivf"
    assert index.search(vectors[42], 1)[0][0] == 42
    index.add(np.arange(100), vectors[:100][::-1].copy(), 3100)  # 100 papers re-embedded: tombstones
    assert index.dead == 100 and len(index) == 3000
    assert index.search(vectors[0], 1)[0][0] == 99
    index.add(np.arange(1000), vectors[:1000][::-1].copy(), 4100)  # a third dead: compacted
    assert index.dead == 0 and len(index) == 3000 and index.kind == "ivf"
    assert index.search(vectors[0], 1)[0][0] == 999
    assert [p for p, _ in index.search(vectors[5], 3, exclude=994)][0] != 994
