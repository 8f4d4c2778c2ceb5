"""Search answers' papers as JSON bytes, each kept until the data version moves.

A search answer is up to 120 papers in Hugging Face's daily-entry shape; building and encoding that shape
(about eleven author objects a paper) cost more than the search itself. The bytes of each paper's entry
depend only on the paper, so they are encoded once per data version (``paperboy.memo``) and joined; a paper
whose bytes are kept is not even loaded.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence

from fastapi.responses import Response

from paperboy.api import serialize
from paperboy.memo import VersionedMemo
from paperboy.models import PaperView

ViewLoader = Callable[[list[int]], dict[int, PaperView]]


def _encode(view: PaperView) -> bytes:
    """As Starlette's ``JSONResponse`` encodes a body, so cached and fresh answers are byte-identical."""
    body = serialize.search_entry(view).wire()
    return json.dumps(body, ensure_ascii=False, allow_nan=False, separators=(",", ":")).encode("utf-8")


def entries_response(memo: VersionedMemo[int, bytes], ids: Sequence[int], load: ViewLoader) -> Response:
    """A JSON list of the papers ``ids`` in order, each loaded (``load``, which leaves out hidden and unknown
    papers) and encoded at most once per data version."""
    encoded = memo.get_many(ids, lambda missing: {pid: _encode(view) for pid, view in load(missing).items()})
    body = b"[" + b",".join(encoded[pid] for pid in ids if pid in encoded) + b"]"
    return Response(body, media_type="application/json")
