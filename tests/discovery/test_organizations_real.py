"""Organizations and people on the real data (all 558 saved Hugging Face days): one page per organization
whatever the handle, the /organizations index with honest counts, and every other spelling redirected."""

from __future__ import annotations

from collections import Counter
from urllib.parse import quote

import pytest

from tests.discovery.conftest import card_ids, days, doc, latest_records


def handle_of(record: dict) -> str | None:
    return (record.get("organization") or {}).get("name")


def ids_of(*handles: str) -> set[str]:
    return {i for i, r in latest_records().items() if handle_of(r) in handles}


def index_entries(client, **params) -> list[tuple[str, str, int]]:  # type: ignore[no-untyped-def]
    """(address, name shown, papers) of every entry over every page of /organizations."""
    found = []
    for p in range(100):
        response = client.get("/organizations", params={**params, "p": p})
        if response.status_code == 404:
            break
        for card in doc(response).xpath("//li[@class='org-card']"):
            link = card.xpath(".//a[@class='org-card-name']")[0]
            count = card.xpath("string(.//span[@class='org-card-count']/strong)")
            found.append((link.get("href"), link.text_content().strip(), int(count)))
    return found


def test_the_index_counts_every_paper_once_under_one_organization(client) -> None:  # type: ignore[no-untyped-def]
    handles = Counter(handle_of(r) for r in latest_records().values() if handle_of(r))
    entries = index_entries(client)
    first = doc(client.get("/organizations"))
    assert first.xpath("string(//h1)") == "Organizations"
    assert f"{len(entries)} organizations" in first.xpath("string(//p[@class='count-line'])")
    # 785 handles on Hugging Face, fewer organizations here; every paper with a handle counted exactly once.
    assert len(handles) == 785 and len(entries) == 724
    assert sum(n for _, _, n in entries) == sum(handles.values())
    assert len({href for href, _, _ in entries}) == len(entries)
    assert [n for _, _, n in entries] == sorted((n for _, _, n in entries), reverse=True)
    shown = {href: (name, n) for href, name, n in entries}
    assert shown["/organizations/GoogleDeepMind"] == (
        "Google DeepMind",
        len(ids_of("deepmind", "GoogleDeepMind")),
    )
    assert shown["/organizations/ByteDance"][1] == len(
        ids_of("ByteDance", "ByteDance-Seed", "bytedance-research")
    )
    zju = ids_of("zju", "ZhejiangUniversity", "zju-community", "ZhejiangDun")
    assert shown["/organizations/zju"] == ("Zhejiang University", len(zju))
    assert (
        shown["/organizations/ustc"][0] == "University of Science and Technology of China"
    )  # was lower case
    for handle in ("deepmind", "ByteDance-Seed", "Tencent-Hunyuan", "ZhejiangUniversity"):
        assert f"/organizations/{handle}" not in shown


def test_the_index_finds_an_organization_by_any_name_and_orders_by_name(client) -> None:  # type: ignore[no-untyped-def]
    for text in ("deepmind", "Google DeepMind", "GOOGLEDEEPMIND"):
        assert [e[0] for e in index_entries(client, q=text)] == ["/organizations/GoogleDeepMind"], text
    zhejiang = index_entries(client, q="zhejiang")
    assert zhejiang[0][:2] == ("/organizations/zju", "Zhejiang University")
    page = doc(client.get("/organizations", params={"q": "zhejiang"}))
    assert page.xpath("//input[@id='org-q']/@value") == ["zhejiang"]
    assert "4 handles" in page.xpath("string(//li[@class='org-card'][1])")
    assert index_entries(client, q="no organization is called this") == []
    assert "No organization found" in client.get("/organizations", params={"q": "zzzzzz"}).text
    by_name = [name.lower() for _, name, _ in index_entries(client, sort="name")]
    assert len(by_name) == 724 and by_name[:3] == sorted(by_name)[:3]
    assert client.get("/organizations", params={"p": 13}).status_code == 404  # 724 / 60 → 13 pages
    assert client.get("/organizations", params={"sort": "size"}).status_code == 400


def test_one_page_gathers_every_handle(client) -> None:  # type: ignore[no-untyped-def]
    expected = ids_of("deepmind", "GoogleDeepMind")
    page = doc(client.get("/organizations/GoogleDeepMind"))
    assert page.xpath("string(//h1)") == "Google DeepMind"
    assert set(card_ids(page)) == expected and len(expected) == 23
    assert "deepmind" in page.xpath("string(//p[@class='also-known'])")
    assert (
        page.xpath("//link[@type='application/rss+xml']/@href")[0] == "/organizations/GoogleDeepMind/feed.rss"
    )
    # Cards of a deepmind paper show and link the canonical organization.
    paper = next(i for i in expected if handle_of(latest_records()[i]) == "deepmind")
    paper_page = doc(client.get(f"/papers/{paper}"))
    assert paper_page.xpath("//p[@class='org-line']/a/@href") == ["/organizations/GoogleDeepMind"]
    assert paper_page.xpath("string(//p[@class='org-line']/a)") == "Google DeepMind"
    # The JSON API keeps the handle Hugging Face gave the paper.
    assert client.get(f"/api/papers/{paper}").json()["organization"]["name"] == "deepmind"


@pytest.mark.parametrize(
    ("path", "target"),
    [
        ("/organizations/Google", "/organizations/google"),
        ("/organizations/GOOGLE?p=1", "/organizations/google?p=1"),
        ("/organizations/deepmind", "/organizations/GoogleDeepMind"),
        ("/organizations/google-deepmind", "/organizations/GoogleDeepMind"),
        ("/organizations/Google%20DeepMind", "/organizations/GoogleDeepMind"),
        ("/organizations/Zhejiang%20University", "/organizations/zju"),
        ("/organizations/Tencent-Hunyuan", "/organizations/tencent"),
        ("/organizations/deepmind/feed.rss", "/organizations/GoogleDeepMind/feed.rss"),
        ("/authors/ziwei%20liu", "/authors/Ziwei%20Liu"),
        ("/authors/ZIWEI%20LIU/feed.atom", "/authors/Ziwei%20Liu/feed.atom"),
        ("/users/AKHALIQ", "/users/akhaliq"),
    ],
)
def test_other_spellings_redirect_permanently(client, path: str, target: str) -> None:  # type: ignore[no-untyped-def]
    response = client.get(path, follow_redirects=False)
    assert response.status_code == 308
    assert response.headers["location"] == target
    assert response.headers["cache-control"] == "public, max-age=3600"
    assert client.get(target).status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/organizations/no-such-lab",
        "/organizations/no-such-lab/feed.rss",
        "/organizations/deepmind/feed.json",
        "/authors/nobody%20at%20all",
        "/users/nobody-at-all",
        "/users/akhaliq?p=99",
        "/users/akhaliq?tab=upvotes",  # an imported Hugging Face user has submissions only
    ],
)
def test_unknown_names_are_404(client, path: str) -> None:  # type: ignore[no-untyped-def]
    assert client.get(path, follow_redirects=False).status_code == 404


def submitted(username: str) -> set[str]:
    """Papers the saved days say ``username`` submitted."""
    found = set()
    for entries in days().values():
        for entry in entries:
            raw = entry.get("submittedBy") or entry["paper"].get("submittedOnDailyBy") or {}
            if (raw.get("name") or raw.get("user")) == username:
                found.add(entry["paper"]["id"])
    return found


def test_a_hugging_face_submitter_has_a_page_of_their_submissions(client) -> None:  # type: ignore[no-untyped-def]
    expected = submitted("akhaliq")
    assert len(expected) > 100
    ids, p = [], 0
    while (response := client.get("/users/akhaliq", params={"p": p})).status_code == 200:
        page = doc(response)
        ids += card_ids(page)
        p += 1
    assert len(ids) == len(set(ids)) and set(ids) == expected
    first = doc(client.get("/users/akhaliq"))
    assert first.xpath("string(//h1)") == "AK"
    assert "Hugging Face user" in first.xpath("string(//header[contains(@class, 'user-head')])")
    assert f"{len(expected)} papers submitted" in " ".join(
        first.xpath("string(//ul[@class='user-stats'])").split()
    )
    assert not first.xpath("//nav[contains(@class, 'user-tabs')]")  # nothing else to list
    # Cards elsewhere link "submitted by" here.
    day = next(d for d, entries in days().items() for e in entries if e["paper"]["id"] in expected)
    links = doc(client.get(f"/papers/date/{day}")).xpath("//*[contains(@class, 'submitter')]//a/@href")
    assert "/users/akhaliq" in links
    paper = sorted(expected)[0]
    assert doc(client.get(f"/papers/{paper}")).xpath("//dd[@class='submitted-by']/a/@href") == [
        "/users/akhaliq"
    ]


def test_author_pages_link_back_with_the_stored_spelling(client) -> None:  # type: ignore[no-untyped-def]
    page = doc(client.get("/authors/" + quote("ziwei liu"), follow_redirects=True))
    assert page.xpath("string(//h1)") == "Ziwei Liu"
