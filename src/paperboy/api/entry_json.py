"""Search answers' papers as JSON bytes, each kept until the data version moves.

A search answer is up to 120 papers in Hugging Face's daily-entry shape; building and encoding that shape
(about eleven author objects a paper) cost more than the search itself. The bytes of each paper's entry
depend only on the paper, so they are encoded once per data version (``paperboy.memo``) and joined.
"""

from __future__ import annotations

import json
from collections.abc import Sequence

from fastapi import Request
from fastapi.responses import Response

from paperboy.api import serialize
from paperboy.memo import VersionedMemo
from paperboy.models import PaperView

ENTRIES_CACHED = 5000  # ~3.5 KB each


def _encode(view: PaperView) -> bytes:
    """As Starlette's ``JSONResponse`` encodes a body, so cached and fresh answers are byte-identical."""
    body = serialize.search_entry(view).wire()
    return json.dumps(body, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")


def entries_memo(request: Request) -> VersionedMemo[int, bytes]:
    """The app's memo, made on first use beside its data-version watch (no watch: nothing is kept)."""
    memo = getattr(request.app.state, "search_entries", None)
    if memo is None:
        watch = getattr(request.app.state, "data_version", None)
        token = (lambda: watch.token) if watch is not None else (lambda: None)
        memo = request.app.state.search_entries = VersionedMemo(token, ENTRIES_CACHED)
    return memo


def entries_response(memo: VersionedMemo[int, bytes], views: Sequence[PaperView]) -> Response:
    """A JSON list of ``views`` in order, each paper encoded at most once per data version."""
    by_id = {view.paper_id: view for view in views}
    encoded = memo.get_many(by_id, lambda ids: {pid: _encode(by_id[pid]) for pid in ids})
    body = b"[" + b",".join(encoded[view.paper_id] for view in views) + b"]"
    return Response(body, media_type="application/json")
