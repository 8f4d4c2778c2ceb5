"""Run a batch-producing generator in a child process, so parsing and database writes use two cores.

The queue between the processes holds at most ``depth`` batches, which keeps memory bounded however large
the input is. The child notices when its parent is gone (killed mid-ingest) and stops instead of lingering.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import queue
from collections.abc import Callable, Iterator
from typing import Any

_DONE = "__done__"


def _produce(factory: Callable[..., Iterator[Any]], args: tuple, out: mp.Queue, parent: int) -> None:
    def put(item: object) -> bool:
        while True:
            try:
                out.put(item, timeout=1.0)
                return True
            except queue.Full:
                if os.getppid() != parent:
                    return False

    try:
        for item in factory(*args):
            if not put(item):
                return
    except BaseException as exc:  # noqa: BLE001 - handed to the parent, which re-raises it
        put(("__error__", f"{type(exc).__name__}: {exc}"))
        return
    put(_DONE)


def in_background(factory: Callable[..., Iterator[Any]], *args: object, depth: int = 2) -> Iterator[Any]:
    """Yield what ``factory(*args)`` yields, computed in a child process."""
    context = mp.get_context("fork" if hasattr(os, "fork") else "spawn")
    out: mp.Queue = context.Queue(maxsize=depth)
    child = context.Process(target=_produce, args=(factory, args, out, os.getpid()), daemon=True)
    child.start()
    try:
        while True:
            try:
                item = out.get(timeout=5.0)
            except queue.Empty:
                if not child.is_alive():
                    raise RuntimeError(f"background producer died (exit code {child.exitcode})") from None
                continue
            if isinstance(item, str) and item == _DONE:
                return
            if isinstance(item, tuple) and len(item) == 2 and item[0] == "__error__":
                raise RuntimeError(f"background producer failed: {item[1]}")
            yield item
    finally:
        if child.is_alive():
            child.terminate()
        child.join(timeout=5)
