"""Vector snapshots shared by the workers of a host: a memory-mapped base from the writer's snapshot, a delta
for newer rows, tombstones for re-embedded papers, generations readers switch to, and fallbacks to the
database. Real faiss and real files, a few thousand vectors."""

from __future__ import annotations

import json
from pathlib import Path

import faiss
import numpy as np
import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from paperboy.search.embedding_job import EmbedJob
from paperboy.search.sync import catch_up, load_vectors
from paperboy.search.vectors import VectorIndex
from paperboy.store.papers import paper_id_of
from paperboy.store.schema import paper_embeddings
from tests.search.conftest import HashEmbedder, add_papers, arxiv_paper

DIM = 32
KINDS = {"flat": 100_000, "ivf": 1_000}  # kind -> ivf_threshold that yields it for a few thousand vectors
EXHAUSTIVE = 4096  # nprobe at least nlist: IVF answers exactly, so answers can be compared with brute force


def unit(n: int, seed: int) -> np.ndarray:
    vectors = np.random.default_rng(seed).normal(size=(n, DIM)).astype(np.float32)
    return vectors / np.linalg.norm(vectors, axis=1, keepdims=True)


def exact(current: dict[int, np.ndarray], query: np.ndarray, k: int) -> list[int]:
    pids = np.array(list(current))
    scores = np.vstack(list(current.values())) @ query
    return pids[np.argsort(-scores, kind="stable")[:k]].tolist()


def assert_answers(
    index: VectorIndex, current: dict[int, np.ndarray], queries: np.ndarray, k: int = 10
) -> None:
    """Every hit is a live paper scored by its current vector (never a stale one), ranked as brute force."""
    for query in queries:
        hits = index.search(query, k)
        assert [pid for pid, _ in hits] == exact(current, query, k)
        for pid, score in hits:
            assert score == pytest.approx(float(current[pid] @ query), abs=1e-5)


def mapped_files() -> str:
    return Path("/proc/self/maps").read_text() if Path("/proc/self/maps").exists() else ""


def written(tmp: Path, threshold: int, size: int = 3000) -> tuple[VectorIndex, dict[int, np.ndarray], Path]:
    """An in-memory index of ``size`` papers (ids not positions) saved as a snapshot."""
    vectors = unit(size, 0)
    pids = 7 + 3 * np.arange(size)
    index = VectorIndex(DIM, ivf_threshold=threshold, nprobe=EXHAUSTIVE, mmap=False)
    index.build(pids, vectors, 100)
    index.save(tmp / "vectors-m", "m")
    return index, dict(zip(pids.tolist(), vectors, strict=True)), tmp / "vectors-m"


@pytest.mark.parametrize("kind", KINDS)
def test_a_mapped_snapshot_answers_the_same_top_k_as_the_index_in_memory(tmp_path: Path, kind: str) -> None:
    threshold = KINDS[kind]
    memory, current, snap = written(tmp_path, threshold)
    mapped = VectorIndex.load(snap, "m", DIM, ivf_threshold=threshold, nprobe=EXHAUSTIVE)
    assert mapped is not None and mapped.mapped and not memory.mapped
    assert mapped.kind == memory.kind == kind and len(mapped) == 3000 and mapped.watermark == 100
    assert f"{snap}@{mapped.generation}.faiss" in mapped_files()  # the vectors are mapped, not copied
    if kind == "ivf":
        assert isinstance(faiss.downcast_InvertedLists(mapped.index.invlists), faiss.OnDiskInvertedLists)
    queries = unit(40, 1)
    for query in queries:
        got, expected = mapped.search(query, 10), memory.search(query, 10)
        assert [p for p, _ in got] == [p for p, _ in expected]
        assert [s for _, s in got] == pytest.approx([s for _, s in expected], abs=1e-6)
        top = expected[0][0]
        assert [p for p, _ in mapped.search(query, 5, exclude=top)] == [p for p, _ in expected[1:6]]
    assert_answers(mapped, current, queries)
    # the default nprobe (IVF is approximate) still finds a paper from its own vector
    approximate = VectorIndex.load(snap, "m", DIM, ivf_threshold=threshold)
    assert approximate is not None and approximate.search(current[7 + 3 * 42], 1)[0][0] == 7 + 3 * 42


@pytest.mark.parametrize("kind", KINDS)
def test_rows_after_the_snapshot_are_found_and_replace_the_papers_old_vectors(
    tmp_path: Path, kind: str
) -> None:
    threshold = KINDS[kind]
    _memory, current, snap = written(tmp_path, threshold)
    reader = VectorIndex.load(snap, "m", DIM, ivf_threshold=threshold, nprobe=EXHAUSTIVE)
    assert reader is not None and reader.mapped
    new_pids = np.arange(100_000, 100_300)
    new = unit(300, 2)
    reader.add(new_pids, new, 101)  # a mapped base takes no additions: they go to the delta
    current.update(zip(new_pids.tolist(), new, strict=True))
    assert reader.mapped and len(reader) == 3300 and reader.watermark == 101
    for i in range(0, 300, 25):
        assert reader.search(new[i], 1) == [(int(new_pids[i]), pytest.approx(1.0, abs=1e-5))]
    moved = [7 + 3 * i for i in range(200)]  # re-embedded: the base positions are tombstoned
    old = [current[pid] for pid in moved]
    again = unit(200, 3)
    reader.add(np.array(moved), again, 102)
    current.update(zip(moved, again, strict=True))
    reader.add(np.array(moved[:20]), unit(20, 4), 103)  # twice: a delta row is replaced too
    current.update(zip(moved[:20], unit(20, 4), strict=True))
    assert reader.dead == 220 and len(reader) == 3300
    for pid, vector in zip(moved, old, strict=True):
        top = reader.search(vector, 1)[0]
        assert top[0] != pid or top[1] < 0.999  # the old vector (cosine 1) is never returned
    assert_answers(reader, current, np.vstack([unit(30, 5), np.array(old[:30])]))
    everything = reader.search(unit(1, 6)[0], 10_000)
    assert sorted(pid for pid, _ in everything) == sorted(current)  # each live paper once, nothing stale


@pytest.mark.parametrize("kind", KINDS)
def test_the_writer_folds_its_delta_into_a_new_generation_and_readers_switch(
    tmp_path: Path, kind: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    threshold = KINDS[kind]
    _memory, current, snap = written(tmp_path, threshold)
    writer = VectorIndex.load(snap, "m", DIM, ivf_threshold=threshold, nprobe=EXHAUSTIVE)
    reader = VectorIndex.load(snap, "m", DIM, ivf_threshold=threshold, nprobe=EXHAUSTIVE)
    assert writer is not None and reader is not None
    first = writer.generation
    writer.save(snap, "m")  # nothing changed: nothing rewritten
    assert writer.generation == first and reader.newer_snapshot() is None
    new_pids, new = np.arange(50_000, 50_400), unit(400, 7)
    moved, again = [7 + 3 * i for i in range(100, 400)], unit(300, 8)
    writer.add(new_pids, new, 101)
    writer.add(np.array(moved), again, 102)
    current.update(zip(new_pids.tolist(), new, strict=True))
    current.update(zip(moved, again, strict=True))
    if kind == "ivf":  # streamed list by list from the mapped base and the delta, not rebuilt in memory
        monkeypatch.setattr(VectorIndex, "_write_rebuilt", lambda *_: pytest.fail("rebuilt"))
    writer.save(snap, "m")
    assert writer.generation != first and writer.mapped and writer.dead == 0 and len(writer.delta_pids) == 0
    assert writer.kind == kind and len(writer) == len(current) and writer.watermark == 102
    files = sorted(p.name for p in tmp_path.iterdir())
    assert files == sorted(
        f"vectors-m{end}" for end in (".json", f"@{writer.generation}.faiss", f"@{writer.generation}.npy")
    )
    queries = unit(30, 9)
    assert_answers(writer, current, queries)
    reader.search(queries[0], 10)  # still answers from the previous generation, deleted but mapped
    in_memory = VectorIndex.load(snap, "m", DIM, mmap=False, ivf_threshold=threshold, nprobe=EXHAUSTIVE)
    assert in_memory is not None and not in_memory.mapped
    assert_answers(in_memory, current, queries)  # faiss reads the streamed file without mapping it too
    fresh = reader.newer_snapshot()
    assert fresh is not None and fresh.generation == writer.generation
    reader.switch_to(fresh)
    assert reader.generation == writer.generation and reader.dead == 0
    assert_answers(reader, current, queries)


def test_an_ivf_that_outgrew_its_training_is_retrained_at_save(tmp_path: Path) -> None:
    index = VectorIndex(DIM, ivf_threshold=1000, nprobe=EXHAUSTIVE, mmap=True)
    index.build(np.arange(1000), unit(1000, 10), 1)
    index.save(tmp_path / "vectors-m", "m")
    nlist = index.index.nlist
    index.add(np.arange(1000, 5000), unit(4000, 11), 2)
    assert len(index.delta_pids) == 4000
    index.save(tmp_path / "vectors-m", "m")
    assert index.kind == "ivf" and len(index) == 5000 and index.index.nlist > nlist
    meta = json.loads((tmp_path / "vectors-m.json").read_text())
    assert meta["trained_on"] == 5000 and meta["count"] == 5000


def test_a_flat_snapshot_switches_to_ivf_past_the_threshold(tmp_path: Path) -> None:
    index = VectorIndex(DIM, ivf_threshold=1000, nprobe=EXHAUSTIVE)
    index.build(np.arange(800), unit(800, 12), 1)
    index.save(tmp_path / "vectors-m", "m")
    assert index.kind == "flat" and index.mapped
    index.add(np.arange(800, 1500), unit(700, 13), 2)  # a mapped base stays flat until the next snapshot
    assert index.kind == "flat" and len(index) == 1500
    index.save(tmp_path / "vectors-m", "m")
    assert index.kind == "ivf" and index.mapped and len(index) == 1500


def test_a_snapshot_from_before_generations_still_loads(tmp_path: Path) -> None:
    vectors = unit(2000, 14)
    pids = np.concatenate([np.arange(1000), np.arange(1000)])  # the first 1000 were re-embedded
    flat = faiss.IndexFlatIP(DIM)
    flat.add(vectors)
    snap = tmp_path / "vectors-m"
    faiss.write_index(flat, f"{snap}.faiss")
    np.save(f"{snap}.npy", np.stack([pids, np.repeat([0, 1], 1000)]))
    Path(f"{snap}.json").write_text(json.dumps({"model": "m", "dim": DIM, "watermark": 5, "kind": "flat"}))
    index = VectorIndex.load(snap, "m", DIM)
    assert index is not None and len(index) == 1000 and index.dead == 1000 and index.mapped
    current = dict(zip(range(1000), vectors[1000:], strict=True))
    assert_answers(index, current, unit(20, 15))
    index.add(np.arange(5), unit(5, 16), 6)
    current.update(zip(range(5), unit(5, 16), strict=True))
    index.save(snap, "m")
    assert not Path(f"{snap}.faiss").exists() and not Path(f"{snap}.npy").exists()
    assert_answers(index, current, unit(20, 17))


def test_pruning_old_generations_leaves_other_models_alone(tmp_path: Path) -> None:
    other = VectorIndex(DIM)
    other.build(np.arange(10), unit(10, 18), 1)
    other.save(tmp_path / "vectors-m.5", "m.5")  # a model whose name extends this one's
    mine = VectorIndex(DIM)
    mine.build(np.arange(10), unit(10, 19), 1)
    mine.save(tmp_path / "vectors-m", "m")
    mine.add(np.arange(3), unit(3, 20), 2)
    mine.save(tmp_path / "vectors-m", "m")
    assert VectorIndex.load(tmp_path / "vectors-m.5", "m.5", DIM) is not None
    assert len(list(tmp_path.glob("vectors-m@*"))) == 2


def count(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(paper_embeddings)).scalar_one()


def test_readers_follow_the_writers_snapshots_through_catch_up(corpus: Engine, tmp_path: Path) -> None:
    model = HashEmbedder()
    EmbedJob(corpus, model).run()
    snap = tmp_path / "vectors-test-hash"
    writer = load_vectors(corpus, model.name, model.dim, snap)  # no snapshot yet: built from the database
    assert not writer.mapped and writer.generation is None and writer.snapshot_due
    writer.save(snap, model.name)
    assert writer.mapped and not writer.snapshot_due
    reader = load_vectors(corpus, model.name, model.dim, snap)
    assert reader.mapped and reader.generation == writer.generation and len(reader) == count(corpus)
    add_papers(corpus, [arxiv_paper("2503.00001", "Gardening", "Tomatoes and basil in pots.", version=2)])
    EmbedJob(corpus, model).run()
    with corpus.connect() as conn:
        pid = paper_id_of(conn, "2503.00001")
    query = model.encode(["tomatoes basil pots gardening"])[0]
    assert catch_up(corpus, reader, model.name) == 1
    assert reader.dead == 1 and len(reader.delta_pids) == 1 and reader.search(query, 1)[0][0] == pid
    assert catch_up(corpus, writer, model.name) == 1
    writer.save(snap, model.name)
    assert catch_up(corpus, reader, model.name) == 0  # switched: the delta row is in the new base
    assert reader.generation == writer.generation and reader.dead == 0 and len(reader.delta_pids) == 0
    assert reader.search(query, 1)[0][0] == pid and len(reader) == count(corpus)


@pytest.mark.parametrize("damage", ["missing", "truncated", "garbage", "meta", "table", "other model"])
def test_a_damaged_or_missing_snapshot_falls_back_to_the_database(
    corpus: Engine, tmp_path: Path, damage: str
) -> None:
    model = HashEmbedder()
    EmbedJob(corpus, model).run()
    snap = tmp_path / "vectors-test-hash"
    load_vectors(corpus, model.name, model.dim, None).save(snap, model.name)
    (data,) = tmp_path.glob("vectors-test-hash@*.faiss")
    (table,) = tmp_path.glob("vectors-test-hash@*.npy")
    if damage == "missing":
        data.unlink()
    elif damage == "truncated":
        data.write_bytes(data.read_bytes()[:-100])
    elif damage == "garbage":
        data.write_bytes(np.random.default_rng(0).bytes(data.stat().st_size))
    elif damage == "meta":
        Path(f"{snap}.json").write_text("{not json")
    elif damage == "table":
        table.unlink()
    else:
        meta = json.loads(Path(f"{snap}.json").read_text())
        Path(f"{snap}.json").write_text(json.dumps(meta | {"model": "another"}))
    assert VectorIndex.load(snap, model.name, model.dim) is None
    index = load_vectors(corpus, model.name, model.dim, snap)
    assert not index.mapped and len(index) == count(corpus)
    with corpus.connect() as conn:
        pid = paper_id_of(conn, "2503.00001")
    assert index.search(model.encode(["surface codes quantum computing decoding"])[0], 1)[0][0] == pid
    assert catch_up(corpus, index, model.name) == 0  # the damaged generation is not retried every refresh
