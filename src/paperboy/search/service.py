"""The search service of one process: its indexes, when they refresh, and the background embedder.

One ``SearchService`` per app (``app.state.search``). A server warms it up at start-up (``warm_up``: indexes,
vectors, the query model) in a background thread and keeps it fresh from a second one (``start``): every
``PAPERBOY_SEARCH_REFRESH_SECONDS`` the writer indexes what changed and readers reload, and the writer embeds
new papers when ``PAPERBOY_SEARCH_EMBED_BACKGROUND`` is on. A request never waits for any of it: no lock is
taken blocking on a request's path, so a burst of searches cannot queue behind a refresh that itself waits
for a database connection. Without the background thread (the CLI, tests) a request that finds the indexes
stale refreshes them itself, if no other thread is doing so already.
Everything semantic is optional: without the model or without vectors, every mode answers from keywords.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import threading
import time
from pathlib import Path

import numpy as np
from sqlalchemy.engine import Engine, make_url

from paperboy.config import Settings
from paperboy.memo import VersionedMemo
from paperboy.models import PaperView
from paperboy.ops.metrics import search_refreshed
from paperboy.search import embed
from paperboy.search.embedding_job import EmbedJob
from paperboy.search.keyword import SCHEMA_VERSION, KeywordIndex
from paperboy.search.sync import KeywordSync, WriterLock, catch_up, load_vectors
from paperboy.search.vectors import VectorIndex
from paperboy.store import embeddings as store
from paperboy.store.papers import views_by_id

log = logging.getLogger(__name__)
SNAPSHOT_EVERY = 600.0  # seconds between vector snapshots written by the writer
QUERY_VECTORS_CACHED = 4096  # recent query embeddings kept (1.5 KB each): pages, sorts and repeats are free


def index_dir(settings: Settings) -> Path:
    """PAPERBOY_SEARCH_INDEX_DIR, else beside a SQLite file (``paperboy.db.search``), else
    ``./search-index/<hash of the database URL>``: an index must never be shared by two databases."""
    if settings.search_index_dir is not None:
        return Path(settings.search_index_dir)
    url = make_url(settings.database_url)
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        return Path(url.database + ".search")
    where = url.set(password=None).render_as_string(hide_password=False)
    return Path("search-index") / hashlib.sha1(where.encode()).hexdigest()[:16]


class SearchService:
    def __init__(self, engine: Engine, settings: Settings, background: bool | None = None) -> None:
        self.engine = engine
        self.settings = settings
        self.dir = index_dir(settings)
        self.lock = WriterLock(self.dir / "writer.lock")
        self.keyword = KeywordIndex(self.dir / f"keyword-v{SCHEMA_VERSION}")
        self.keyword_sync = KeywordSync(engine, self.keyword, self.dir / f"keyword-v{SCHEMA_VERSION}.json")
        self.model = embed.model_name(settings.search_model)
        self.vectors: VectorIndex | None = None
        self._embedder: embed.Embedder | None = None
        self._embedder_failed: str | None = None
        self._refresh_lock = threading.Lock()
        self._model_lock = threading.Lock()
        self._ready = threading.Event()
        self._last_refresh = 0.0
        self._last_snapshot = time.monotonic()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._query_vector = functools.lru_cache(maxsize=QUERY_VECTORS_CACHED)(self._embed_text)
        self._views: VersionedMemo[int, PaperView] = VersionedMemo(lambda: None, 0)
        if settings.search_embed_background if background is None else background:
            self.start()

    def remember_views(self, memo: VersionedMemo[int, PaperView]) -> None:
        """Keep result papers in ``memo`` (the server's, kept until its data version moves): under load the
        same papers answer query after query, and loading each with its authors was most of a search."""
        self._views = memo

    def paper_views(self, ids: list[int]) -> dict[int, PaperView]:
        """Visible papers by id (hidden and unknown ids are absent). Shared objects: never modify them."""

        def load(missing: list[int]) -> dict[int, PaperView]:
            with self.engine.connect() as conn:
                return views_by_id(conn, missing, include_hidden=False)

        return self._views.get_many(ids, load)

    # -- lifecycle ---------------------------------------------------------------------------------------

    @property
    def ready(self) -> bool:
        """The indexes have been brought up to date at least once in this process."""
        return self._ready.is_set()

    def warm_up(self) -> None:
        """What a first search or paper page would otherwise wait for: run once, off the request path."""
        self.refresh(force=True, wait=True)
        if self.semantic_ready:
            self.embed_query("warm up the query model")

    def start(self) -> None:
        """Background refresh (and embedding, in the writer, when enabled) every refresh period."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="paperboy-search", daemon=True)
            self._thread.start()

    def close(self, timeout: float = 30.0) -> None:
        """Stop the background thread; the index writer closes only once nothing else can be using it."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=timeout)
            if self._thread.is_alive():
                return  # mid-embedding at shutdown: the process exit releases the writer's lock
        if self.lock.held:
            self.keyword.close_writer()
            self.lock.release()

    def _loop(self) -> None:
        job: EmbedJob | None = None
        neighbours_due = True  # at start, then only after papers were embedded: the look-up scans them all
        while not self._stop.is_set():
            try:
                self.refresh(force=True, wait=True)
                if self.settings.search_embed_background and self.lock.held and self.semantic_possible:
                    if job is None:
                        job = EmbedJob(self.engine, self._load_model(threads=1))
                    report = job.run(limit=self.settings.search_embed_batch, stop=self._stop)
                    if report.embedded:
                        log.info("embedded %d papers in %.1f s", report.embedded, report.seconds)
                        self.refresh(force=True, wait=True)
                        neighbours_due = True
                        continue
                    if neighbours_due:
                        if self._store_neighbours():
                            continue
                        neighbours_due = False
            except embed.ModelUnavailable as exc:
                log.warning("background embedding off: %s", exc)
                self._embedder_failed = str(exc)
            except Exception:  # noqa: BLE001 - a bad pass must not kill the thread; the next one retries
                log.exception("search index refresh failed")
            self._stop.wait(self.settings.search_refresh_seconds)

    def _store_neighbours(self) -> int:
        """Similar-paper lists for papers embedded since the last pass (the writer's job, like embedding)."""
        from paperboy.search.similar_papers import refresh_pass  # it builds on this module

        return refresh_pass(self, self.settings.search_embed_batch, stop=self._stop)

    # -- freshness ---------------------------------------------------------------------------------------

    def refresh(self, force: bool = False, wait: bool = False) -> None:
        """Bring the indexes up to date with the database (see module docstring for who does what).

        Only background threads pass ``wait``; a request either refreshes at once or answers from the
        indexes it has, never queueing behind another thread.
        """
        if not force and (
            self._thread is not None
            or time.monotonic() - self._last_refresh < self.settings.search_refresh_seconds
        ):
            return
        if not self._refresh_lock.acquire(blocking=wait):
            return  # another thread is refreshing; answer from the current indexes
        try:
            if self.lock.try_acquire():
                self.keyword_sync.sync()
            else:
                self.keyword.reload()
            self._refresh_vectors()
            self._last_refresh = time.monotonic()
            search_refreshed()
            self._ready.set()
        finally:
            self._refresh_lock.release()

    def _refresh_vectors(self) -> None:
        if not self.semantic_possible:
            return
        if self.vectors is None:
            with self.engine.connect() as conn:
                if store.count_embedded(conn, self.model) == 0:
                    return
                first = store.embeddings_after(conn, self.model, 0, 1)
            dim = len(first[0][2]) // 4
            self.vectors = load_vectors(
                self.engine, self.model, dim, self._snapshot_path(), **self._options()
            )
        else:
            catch_up(self.engine, self.vectors, self.model)
        # Early as well when nothing published holds this index yet (the other workers are each building
        # their own copy until there is one to map) or its delta has grown (``VectorIndex.snapshot_due``).
        due = time.monotonic() - self._last_snapshot > SNAPSHOT_EVERY or self.vectors.snapshot_due
        if self.lock.held and due:
            self.vectors.save(self._snapshot_path(), self.model)
            self._last_snapshot = time.monotonic()

    def rebuild_vectors(self) -> VectorIndex | None:
        """Build the vector index again from every stored embedding and publish it (``paperboy reindex``,
        which holds the writer lock); None when nothing is embedded with this model yet."""
        path = self._snapshot_path()
        for suffix in (".json", ".faiss", ".npy"):
            path.with_name(path.name + suffix).unlink(missing_ok=True)
        self._refresh_vectors()
        if self.vectors is None or self.model is None:
            return None
        self.vectors = load_vectors(self.engine, self.model, self.vectors.dim, None)
        self.vectors.save(path, self.model)
        return self.vectors

    def _snapshot_path(self) -> Path:
        return self.dir / f"vectors-{(self.model or 'none').replace('/', '_').replace(':', '_')}"

    def _options(self) -> dict[str, int]:
        return {"ivf_threshold": self.settings.search_ivf_threshold, "nprobe": self.settings.search_nprobe}

    # -- semantic ----------------------------------------------------------------------------------------

    @property
    def semantic_possible(self) -> bool:
        return (
            self.model is not None
            and self._embedder_failed is None
            and embed.available(self.settings.search_model)
        )

    @property
    def semantic_ready(self) -> bool:
        """Vectors exist for the configured model and the model can embed queries."""
        return self.vectors is not None and len(self.vectors) > 0 and self.semantic_possible

    def embed_query(self, text: str) -> np.ndarray | None:
        """The query's vector, or None when semantic search is unavailable (the caller falls back).

        Recent queries are remembered: the next page, another sort or the API call behind a search box
        repeat a query, and the embedding is the costliest part of a search. Spacing does not change the
        vector, so it does not split the cache.
        """
        if not self.semantic_ready:
            return None
        embedder = self._embedder or self._load_embedder()
        if embedder is None:
            return None
        return self._query_vector(" ".join(text.split()))

    def _embed_text(self, text: str) -> np.ndarray:
        assert self._embedder is not None
        vector = self._embedder.encode([text])[0]
        vector.setflags(write=False)  # shared by every request that repeats the query
        return vector

    def _load_model(self, threads: int | None) -> embed.Embedder:
        return embed.load(self.settings.search_model, threads, self.settings.search_runtime)

    def _load_embedder(self) -> embed.Embedder | None:
        """Load the query model once; while one thread loads it, other requests answer by keywords."""
        if not self._model_lock.acquire(blocking=False):
            return None
        try:
            if self._embedder is None:
                self._embedder = self._load_model(threads=1)
            return self._embedder
        except embed.ModelUnavailable as exc:
            log.warning("semantic search off: %s", exc)
            self._embedder_failed = str(exc)
            return None
        finally:
            self._model_lock.release()

    def paper_vector(self, paper_id: int) -> np.ndarray | None:
        if self.model is None:
            return None
        with self.engine.connect() as conn:
            blob = store.embedding_of(conn, self.model, paper_id)
        return embed.from_bytes(blob) if blob else None
