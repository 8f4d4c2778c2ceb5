"""Per-process values read from the database that stay right until the data version moves.

A search answer is 20–50 papers, and under load the same papers come back for query after query: loading
each one's row (authors, organization, counts) and turning it into JSON was most of a search's cost once the
query model got fast. A ``VersionedMemo`` keeps such per-paper results for as long as the token it was given
(``DataVersionWatch.token``: the database's data version plus this process's own writes) stays the same, and
drops everything at once when it moves. Without a token (no watch running, as in the CLI) it loads every time.

Values must be immutable (bytes, frozen records): one object is handed to many threads.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterable
from typing import Generic, TypeVar

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
Token = Callable[[], Hashable | None]


class VersionedMemo(Generic[K, V]):
    def __init__(self, token: Token, capacity: int) -> None:
        self._token_of = token
        self.capacity = capacity
        self._token: Hashable | None = None
        self._items: OrderedDict[K, V] = OrderedDict()
        self._lock = threading.Lock()

    def get_many(self, keys: Iterable[K], load: Callable[[list[K]], dict[K, V]]) -> dict[K, V]:
        """The values for ``keys``; the missing ones come from ``load`` (which may leave some out)."""
        keys = list(keys)
        token = self._token_of() if self.capacity > 0 else None
        if token is None:
            return load(keys)
        found: dict[K, V] = {}
        with self._lock:
            if token != self._token:
                self._items.clear()
                self._token = token
            for key in keys:
                value = self._items.get(key)
                if value is not None:
                    found[key] = value
                    self._items.move_to_end(key)
        missing = [key for key in keys if key not in found]
        if not missing:
            return found
        # Loaded outside the lock: the token was read first, so what is loaded is at least that new.
        loaded = load(missing)
        with self._lock:
            if self._token == token:
                self._items.update(loaded)
                while len(self._items) > self.capacity:
                    self._items.popitem(last=False)
        found.update(loaded)
        return found

    def clear(self) -> None:
        with self._lock:
            self._items.clear()
