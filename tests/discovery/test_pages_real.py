"""Organization and author pages on the real data: exactly the papers the saved day files give them."""

from __future__ import annotations

from urllib.parse import quote

import pytest

from tests.discovery.conftest import card_ids, doc, latest_records


def org_ids(name: str) -> set[str]:
    return {i for i, r in latest_records().items() if (r.get("organization") or {}).get("name") == name}


def author_ids(name: str) -> set[str]:
    return {
        i
        for i, r in latest_records().items()
        if any(a["name"] == name and not a.get("hidden") for a in r.get("authors") or [])
    }


def every_page(client, url: str) -> tuple[list[str], list]:  # type: ignore[no-untyped-def]
    """All card ids over all pages, and the pages themselves."""
    ids, pages = [], []
    for p in range(50):
        response = client.get(url, params={"p": p})
        if response.status_code == 404:
            break
        page = doc(response)
        ids += card_ids(page)
        pages.append(page)
    return ids, pages


def published(pages: list) -> list[str]:
    return [
        t
        for page in pages
        for t in page.xpath("//article//p[@class='meta']//time[not(ancestor::a)]/@datetime")
    ]


@pytest.mark.parametrize("name", ["google", "nvidia", "Qwen"])
def test_an_organization_lists_its_papers_newest_first(client, name: str) -> None:  # type: ignore[no-untyped-def]
    expected = org_ids(name)
    assert expected, f"no {name} papers in the saved files"
    ids, pages = every_page(client, f"/organizations/{name}")
    assert len(ids) == len(set(ids)) and set(ids) == expected
    dates = published(pages)
    assert dates == sorted(dates, reverse=True) and len(dates) == len(ids)
    head = pages[0]
    record = next(r["organization"] for i, r in latest_records().items() if i in expected)
    assert head.xpath("string(//h1)") == (record.get("fullname") or name)
    assert f"{len(expected)} paper" in head.xpath("string(//p[@class='count-line'])")
    assert head.xpath("//link[@type='application/rss+xml']/@href")[0] == f"/organizations/{name}/feed.rss"


def test_a_prolific_author_pages_through_every_paper(client) -> None:  # type: ignore[no-untyped-def]
    name = "Ziwei Liu"
    expected = author_ids(name)
    assert len(expected) > 100
    ids, pages = every_page(client, "/authors/" + quote(name))
    assert len(pages) == 3 and len(ids) == len(set(ids)) and set(ids) == expected
    dates = published(pages)
    assert dates == sorted(dates, reverse=True)
    assert pages[0].xpath("string(//h1)") == name
    assert not pages[0].xpath("//p[@class='claimed-by']")  # nobody has claimed this name


def test_names_in_another_case_redirect_and_unknown_ones_are_404(client) -> None:  # type: ignore[no-untyped-def]
    moved = client.get("/authors/ziwei%20liu", params={"p": 1}, follow_redirects=False)
    assert moved.status_code == 308 and moved.headers["location"] == "/authors/Ziwei%20Liu?p=1"
    assert client.get("/authors/Ziwei").status_code == 404  # part of a name is not a name
    assert client.get("/organizations/no-such-lab").status_code == 404
    assert client.get("/authors/Ziwei%20Liu", params={"p": 3}).status_code == 404


def test_cards_and_paper_pages_link_names(client) -> None:  # type: ignore[no-untyped-def]
    record = latest_records()["2608.19880"]
    page = doc(client.get("/papers/2608.19880"))
    links = page.xpath("//ul[@id='authors']/li/a[@class='author-link']")
    assert [a.text for a in links] == [a["name"] for a in record["authors"] if not a.get("hidden")]
    assert links[0].get("href") == "/authors/" + quote(record["authors"][0]["name"], safe="")
    org = record["organization"]["name"]
    assert page.xpath("//p[@class='org-line']/a/@href") == [f"/organizations/{org}"]
    card = doc(client.get("/papers/date/2026-08-21")).xpath("//article[contains(@class, 'card')]")[0]
    hrefs = card.xpath(".//*[contains(@class, 'card-authors')]//a/@href")
    assert len(hrefs) == 3 and all(h.startswith("/authors/") for h in hrefs)
    assert card.xpath(".//span[contains(@class, 'org')]/a/@href") == [f"/organizations/{org}"]
    # Every author link on the page leads to a page that lists this paper.
    for href in hrefs[:3]:
        assert "2608.19880" in card_ids(doc(client.get(href)))


def test_author_names_with_accents_or_quotes(client) -> None:  # type: ignore[no-untyped-def]
    """Real names like 'Alexandre Défossez' and 'Linxi "Jim" Fan' round-trip through their links."""
    names = {
        a["name"] for r in latest_records().values() for a in r.get("authors") or [] if not a.get("hidden")
    }
    odd = sorted(n for n in names if '"' in n)[:3] + sorted(n for n in names if "é" in n)[:3]
    assert len(odd) == 6
    for name in odd:
        page = doc(client.get("/authors/" + quote(name, safe="")))
        assert page.xpath("string(//h1)") == name
        assert card_ids(page) and set(card_ids(page)) == author_ids(name)
