"""Which upstream pictures we hold a copy of, known in memory, and the URLs pages and the API give for them.

Every page shows avatars, so asking the database per picture would cost a query each: instead each process
keeps the map "upstream URL → stored name" (tens of bytes per picture) and reloads it when the data version
moves (storing a picture moves it, migration 0009) and the count of stored pictures changed, before the new
version is published. So a page cached under a version always shows the pictures stored by then.

Without a running watch (a server started without its lifespan, tests) the index looks for itself, at most
once a second, when it is asked.

Templates and the API serializer reach the process's index through ``using`` (a context variable set while
a page renders and for each request), so macros imported without context and pure serializers need no
extra argument.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from sqlalchemy.engine import Engine

from paperboy.media import initials
from paperboy.store import images as store

log = logging.getLogger(__name__)
PREFIX = "/media/"
UNWATCHED_SECONDS = 1.0


class MediaIndex:
    def __init__(
        self, engine: Engine, base_url: str = "", watched: Callable[[], bool] = lambda: False
    ) -> None:
        self.engine = engine
        self.base_url = base_url.rstrip("/")
        self.names: dict[str, str] = {}
        self._watched = watched
        self._signature: tuple[int, object] | None = None
        self._looked_at = float("-inf")
        self._lock = threading.Lock()

    def refresh(self) -> bool:
        """Reload when pictures were stored since the last look; True when it did."""
        with self._lock, self.engine.connect() as conn:
            self._looked_at = time.monotonic()
            found = store.signature(conn)
            if found == self._signature:
                return False
            self.names = store.stored_names(conn)
            self._signature = found
        log.debug("media index: %d stored pictures", len(self.names))
        return True

    def path(self, url: str | None) -> str | None:
        """Our copy's path for an upstream URL, or None when we hold none (yet)."""
        if not url:
            return None
        if not self._watched() and time.monotonic() - self._looked_at > UNWATCHED_SECONDS:
            self.refresh()
        name = self.names.get(url)
        return PREFIX + name if name else None


_current: ContextVar[MediaIndex | None] = ContextVar("paperboy_media_index", default=None)


@contextmanager
def using(index: MediaIndex | None) -> Iterator[None]:
    token = _current.set(index)
    try:
        yield
    finally:
        _current.reset(token)


def bind(index: MediaIndex | None) -> None:
    """For a whole request (an async dependency): its context ends with the request."""
    _current.set(index)


def local_path(url: str | None) -> str | None:
    """``/media/<name>.webp`` when this process knows a stored copy of ``url``; never the upstream URL."""
    index = _current.get()
    return index.path(url) if index is not None else None


def avatar_src(url: str | None, name: str | None) -> str:
    """What an ``<img>`` of a person or organization shows: our copy, else their initials."""
    return local_path(url) or initials.url(name)


def public_url(url: str | None) -> str | None:
    """For the JSON API (Hugging Face's field names, absolute URLs): our copy when we hold one, else the
    upstream URL as Hugging Face gave it, so clients that expect a URL still get one."""
    index = _current.get()
    path = index.path(url) if index is not None else None
    return index.base_url + path if index is not None and path else url
