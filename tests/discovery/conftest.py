"""Discovery test helpers: the saved Hugging Face day files as expected answers, and small writable sites.

The shared ``client`` serves a read-only SQLite file holding all 558 real days; tests that write (claims,
hostile names) build their own small site on SQLite and PostgreSQL through the ``engine`` fixture.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, date, datetime
from functools import cache
from pathlib import Path

import lxml.etree
import lxml.html
import pytest
from sqlalchemy.engine import Engine

from paperboy.models import Author, Organization, Paper
from tests.conftest import HF_DAILY
from tests.sites import Site, make_site

ATOM = "{http://www.w3.org/2005/Atom}"
DAY = date(2026, 8, 21)  # the day a small site features the papers a test adds


@cache
def days() -> dict[str, list[dict]]:
    """Every saved day file, oldest first (the order the test database was loaded in)."""
    return {p.stem: json.loads(p.read_text()) for p in sorted(HF_DAILY.glob("????-??-??.json"))}


@cache
def latest_records() -> dict[str, dict]:
    """Each paper's record from the last day that featured it: later files overwrite authors and org."""
    found: dict[str, dict] = {}
    for entries in days().values():
        for entry in entries:
            paper = entry["paper"]
            previous = found.get(paper["id"], {})
            merged = dict(paper)
            if not paper.get("organization") and previous.get("organization"):
                merged["organization"] = previous["organization"]  # org keeps the latest non-empty value
            found[paper["id"]] = merged
    return found


def between(start: date, end: date) -> list[dict]:
    """Entries of the saved days from start to end inclusive."""
    return [
        e for day, entries in days().items() if start.isoformat() <= day <= end.isoformat() for e in entries
    ]


def doc(response) -> lxml.html.HtmlElement:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.text[:300]
    return lxml.html.fromstring(response.text)


def titles(page: lxml.html.HtmlElement) -> list[str]:
    return [a.text_content().strip() for a in page.xpath("//*[contains(@class, 'card-title')]/a")]


def card_ids(page: lxml.html.HtmlElement) -> list[str]:
    return [
        a.get("href").removeprefix("/papers/") for a in page.xpath("//*[contains(@class, 'card-title')]/a")
    ]


def feed_ids(body: bytes) -> list[str]:
    """Paper ids of an RSS or Atom document, in document order, read with lxml (no entities, no network)."""
    root = lxml.etree.fromstring(body, lxml.etree.XMLParser(resolve_entities=False, no_network=True))
    links = root.xpath("//item/link/text()") or [
        e.get("href") for e in root.iter(f"{ATOM}entry") for e in e.iter(f"{ATOM}link")
    ]
    return [link.split("/papers/", 1)[1] for link in links]


def sample_paper(
    arxiv_id: str, title: str, authors: list[str], org: Organization | None = None, **kw
) -> Paper:  # type: ignore[no-untyped-def]
    return Paper(
        arxiv_id=arxiv_id,
        title=title,
        abstract=kw.pop("abstract", f"Abstract of {title}."),
        authors=[Author(name) for name in authors],
        organization=org,
        submitted_at=kw.pop("submitted_at", datetime(2026, 8, 20, tzinfo=UTC)),
        **kw,
    )


@pytest.fixture
def site(engine: Engine, tmp_path: Path) -> Iterator[Site]:
    """A small writable site: papers given by the test, accounts made in the store, signed-in clients."""
    with make_site(engine, tmp_path) as built:
        yield built
