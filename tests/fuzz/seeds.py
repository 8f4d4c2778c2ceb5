"""Real samples the structure-aware fuzzers start from, cut small so one mutation round stays cheap.

Each sample is read once from ``../shared/data`` or ``tests/fixtures`` and trimmed to a few records:
mutating a 3-record feed finds the same parser paths as mutating a 400-record one, a hundred times faster.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path

from lxml import etree

from tests.conftest_data import ARXIV_API, ARXIV_API_DECODED, ARXIV_OAI, ARXIV_SNAPSHOT, FIXTURES, SHARED_DATA

HF_DAILY = SHARED_DATA / "hf_daily"
HF_EXCERPT = SHARED_DATA / "hf_daily_excerpt"
KEEP_RECORDS = 3
ATOM_NS = "{http://www.w3.org/2005/Atom}"
OAI_NS = "{http://www.openarchives.org/OAI/2.0/}"


def _trim(data: bytes, record_path: str, keep: int = KEEP_RECORDS) -> bytes:
    """The document with only its first ``keep`` records (``record_path`` is an ElementPath)."""
    root = etree.fromstring(data, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    for extra in root.findall(record_path)[keep:]:
        extra.getparent().remove(extra)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


@cache
def atom_feeds() -> tuple[bytes, ...]:
    """arXiv API responses, 2016 and 2026 formats, including the recorded error feed."""
    paths = sorted(ARXIV_API_DECODED.glob("*.xml")) + sorted(ARXIV_API.glob("legacy2016_*.xml"))
    return tuple(_trim(path.read_bytes(), f"{ATOM_NS}entry") for path in paths)


@cache
def oai_pages() -> tuple[bytes, ...]:
    """OAI-PMH ListRecords / GetRecord pages in both metadata formats, plus the protocol error pages."""
    paths = [*sorted(ARXIV_OAI.glob("*.xml")), *sorted(FIXTURES.glob("oai_*.xml"))]
    return tuple(_trim(path.read_bytes(), f"{OAI_NS}ListRecords/{OAI_NS}record") for path in paths)


@cache
def listing_feeds() -> tuple[bytes, ...]:
    """arXiv listing feeds in the RSS 2.0 and the Atom flavour."""
    rss = _trim((FIXTURES / "arxiv_rss_cs_LG.xml").read_bytes(), "channel/item")
    atom = _trim((FIXTURES / "arxiv_atom_listing_cs_CL.xml").read_bytes(), f"{ATOM_NS}entry")
    return rss, atom


@cache
def snapshot_objects() -> tuple[dict, ...]:
    """The first lines of the real arXiv metadata snapshot, decoded."""
    lines = ARXIV_SNAPSHOT.read_bytes().splitlines()[:40]
    return tuple(json.loads(line) for line in lines if line.strip())


@cache
def hf_entries() -> tuple[dict, ...]:
    """Entries of real Hugging Face day files: the excerpt (with a hidden author) and a few whole days."""
    entries: list[dict] = []
    for path in sorted(HF_EXCERPT.glob("*.json")):
        entries.extend(json.loads(path.read_text(encoding="utf-8")))
    for name in ("2024-10-25.json", "2025-09-26.json", "2026-08-21.json"):
        path = HF_DAILY / name
        if path.exists():
            entries.extend(json.loads(path.read_text(encoding="utf-8"))[:6])
    return tuple(entries)


def fresh(obj: object) -> object:
    """A deep copy, so a mutation never leaks into the cached seed."""
    return copy.deepcopy(obj)


def shared_data_present() -> bool:
    return HF_DAILY.is_dir() and ARXIV_SNAPSHOT.exists() and Path(ARXIV_OAI).is_dir()
