"""Where the real upstream recordings live, for tests that parse them (read in place, never copied).

``../shared/data`` sits beside the clone locally and in CI (see ``/work/shared/data/README.md``). Kept out of
``conftest.py`` so parser tests can import these paths without pulling in database fixtures.
"""

from __future__ import annotations

import json
from pathlib import Path

SHARED_DATA = (Path(__file__).resolve().parents[1] / ".." / "shared" / "data").resolve()
FIXTURES = Path(__file__).resolve().parent / "fixtures"
HF_DAILY = SHARED_DATA / "hf_daily"

ARXIV_API = SHARED_DATA / "arxiv_api_atom" / "arxiv.py_fixtures"
ARXIV_API_DECODED = ARXIV_API / "decoded"
ARXIV_OAI = SHARED_DATA / "arxiv_oai_pmh"
ARXIV_SNAPSHOT = SHARED_DATA / "arxiv_snapshot" / "wanng-ide_sample.jsonl"


def recorded_body(name: str) -> tuple[str, int, bytes]:
    """A recorded arXiv API exchange (``{url, status_code, body}``) as (url, status, body bytes)."""
    record = json.loads((ARXIV_API / name).read_text(encoding="utf-8"))
    return record["url"], record["status_code"], record["body"].encode("utf-8")


def fixture_bytes(name: str) -> bytes:
    """A hand-made fixture from ``tests/fixtures``."""
    return (FIXTURES / name).read_bytes()
