"""Helpers for the page tests: read the real day files the database was loaded from, and parse pages."""

from __future__ import annotations

import json
from datetime import date, timedelta
from functools import cache

import lxml.html
import pytest
from httpx import Response

from tests.conftest import HF_DAILY


@cache
def day_file(day: str) -> list[dict]:
    return json.loads((HF_DAILY / f"{day}.json").read_text(encoding="utf-8"))


def ids_between(start: date, end: date) -> set[str]:
    """Distinct paper ids featured in the saved files between two days inclusive."""
    found: set[str] = set()
    day = start
    while day <= end:
        path = HF_DAILY / f"{day.isoformat()}.json"
        if path.exists():
            found |= {entry["paper"]["id"] for entry in day_file(day.isoformat())}
        day += timedelta(days=1)
    return found


def page(response: Response, status: int = 200) -> lxml.html.HtmlElement:
    assert response.status_code == status, response.text[:500]
    assert response.headers["content-type"].startswith("text/html")
    return lxml.html.fromstring(response.text)


def cards(doc: lxml.html.HtmlElement) -> list[lxml.html.HtmlElement]:
    return doc.xpath("//article[contains(@class, 'card')]")


def card_titles(doc: lxml.html.HtmlElement) -> list[str]:
    return [a.text_content().strip() for a in doc.xpath("//*[contains(@class, 'card-title')]/a")]


def step_href(doc: lxml.html.HtmlElement, rel: str) -> str | None:
    """The previous / next period link (None when it is shown disabled)."""
    links = doc.xpath(f"//div[@class='period-row']/a[@rel='{rel}']")
    return links[0].get("href") if links else None


@pytest.fixture
def doc_of(client):  # type: ignore[no-untyped-def]
    def fetch(url: str, status: int = 200) -> lxml.html.HtmlElement:
        return page(client.get(url), status)

    return fetch
