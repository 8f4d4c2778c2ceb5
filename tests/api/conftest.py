"""Fixtures for the API tests: the saved Hugging Face day files as the expected answers, and a client.

The HTML pages are written in parallel; until ``paperboy.web.pages`` exists an empty router stands in for it
so the API can be tested on its own. Once the real module is importable this stand-in is never installed.
"""

from __future__ import annotations

import importlib.util
import json
import sys
import types
from collections.abc import Iterator
from functools import cache
from pathlib import Path

import pytest
from fastapi import APIRouter
from huggingface_hub import HfApi

from tests.conftest import HF_DAILY


def _stand_in_for_pages() -> None:
    if importlib.util.find_spec("paperboy.web.pages") is not None:
        return
    module = types.ModuleType("paperboy.web.pages")
    module.router = APIRouter()  # type: ignore[attr-defined]
    sys.modules["paperboy.web.pages"] = module


_stand_in_for_pages()


def collapse(text: str) -> str:
    return " ".join(text.split())


@cache
def day_file(day: str) -> list[dict]:
    """The entries Hugging Face served for ``day`` (YYYY-MM-DD), as saved."""
    return json.loads((HF_DAILY / f"{day}.json").read_text())


@cache
def all_days() -> dict[str, list[dict]]:
    return {path.stem: day_file(path.stem) for path in sorted(HF_DAILY.glob("????-??-??.json"))}


@cache
def max_upvotes() -> dict[str, int]:
    """The store keeps the highest count seen for the 4 papers featured on two days."""
    best: dict[str, int] = {}
    for entries in all_days().values():
        for entry in entries:
            paper = entry["paper"]
            best[paper["id"]] = max(best.get(paper["id"], 0), paper.get("upvotes") or 0)
    return best


@cache
def max_comments() -> dict[str, int]:
    best: dict[str, int] = {}
    for entries in all_days().values():
        for entry in entries:
            arxiv_id = entry["paper"]["id"]
            best[arxiv_id] = max(best.get(arxiv_id, 0), entry.get("numComments") or 0)
    return best


@cache
def latest_entry(arxiv_id: str) -> dict:
    """The most recent saved entry of a paper (later days carry the fresher metadata)."""
    found = [e for entries in all_days().values() for e in entries if e["paper"]["id"] == arxiv_id]
    return found[-1]


@pytest.fixture(scope="session")
def hf(live_server) -> HfApi:  # type: ignore[no-untyped-def]
    """The official client pointed at our live server, with no token so nothing is sent to huggingface.co."""
    return HfApi(endpoint=live_server.url, token=False)


@pytest.fixture(scope="session")
def hf_daily_dir() -> Iterator[Path]:
    yield HF_DAILY
