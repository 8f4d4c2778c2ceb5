"""Each process's view of the data version, refreshed in the background so requests never query for it.

Writes anywhere (this process, the CLI, the worker, another host) move the version in the database; a
daemon thread reads it every ``PAPERBOY_DATA_VERSION_POLL_SECONDS``. So an anonymous reader sees another
process's change within that period, and this process's own writes at once (the cache is dropped after
every write request it answers).

Listeners (``listen``) run in the watch's thread when the version moves, before the new number is published:
what they load (the in-memory picture index, ``media.index``) is current before a page is cached under it.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from sqlalchemy.engine import Engine

from paperboy.store.data_version import current

log = logging.getLogger(__name__)


class DataVersionWatch:
    def __init__(self, engine: Engine, poll_seconds: float) -> None:
        self.engine = engine
        self.poll_seconds = poll_seconds
        self.version: int | None = None
        self.changed_at = time.time()  # wall clock, for Last-Modified
        self.local_writes = 0  # this process's write requests: they change data before the next poll sees it
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._listeners: list[Callable[[], object]] = []

    def listen(self, listener: Callable[[], object]) -> None:
        """Call ``listener()`` whenever the version moves (and on the first read), before publishing it."""
        self._listeners.append(listener)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive() and self.version is not None

    @property
    def token(self) -> tuple[int, int] | None:
        """What per-process memos are keyed by (``paperboy.memo``); None while the version is unknown."""
        return (self.version, self.local_writes) if self.running and self.version is not None else None

    def note_write(self) -> None:
        """This process just answered a write: whatever it remembered may be stale now."""
        self.local_writes += 1

    def read_now(self) -> int:
        with self.engine.connect() as conn:
            version = current(conn)
        if version != self.version:
            for listener in self._listeners:
                try:
                    listener()
                except Exception:  # noqa: BLE001 - a listener's failure must not stop the watch
                    log.warning("data version listener %r failed", listener, exc_info=True)
            self.version, self.changed_at = version, time.time()
        return version

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="paperboy-data-version", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        self._stop.set()

    def _loop(self) -> None:
        while True:
            try:
                self.read_now()
            except Exception:  # noqa: BLE001 - a database blip must not stop the watch; caching pauses
                log.warning("could not read the data version", exc_info=True)
                self.version = None
            if self._stop.wait(self.poll_seconds):
                return
