"""Bad parameters are the caller's fault: 400 or 422 with a message naming the parameter, never a 500."""

from __future__ import annotations

from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

BAD_DAILY = [
    ({"limit": "0"}, 422, "limit"),
    ({"limit": "101"}, 422, "limit"),
    ({"limit": "abc"}, 422, "limit"),
    ({"p": "-1"}, 422, "p"),
    ({"p": "1e3"}, 422, "p"),
    ({"p": "100001"}, 422, "p"),
    ({"sort": "bogus"}, 422, "sort"),
    ({"date": "2025-13-01"}, 400, "date"),
    ({"date": "yesterday"}, 400, "date"),
    ({"date": ""}, 400, "date"),
    ({"week": "2025-W54"}, 400, "week"),
    ({"week": "2025-09"}, 400, "week"),
    ({"month": "2025-13"}, 400, "month"),
    ({"month": "0000-01"}, 400, "month"),
    ({"month": "9999-12"}, 400, "month"),
    ({"date": "2025-09-26", "week": "2025-W39"}, 400, "at most one"),
    ({"week": "2025-W39", "month": "2025-09"}, 400, "at most one"),
    ({"submitter": ""}, 422, "submitter"),
    ({"submitter": "a\x00b"}, 400, "submitter"),
]


@pytest.mark.parametrize(("params", "status", "named"), BAD_DAILY)
def test_bad_daily_params(client, params: dict, status: int, named: str) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/api/daily_papers", params=params)
    assert response.status_code == status
    assert named in response.json()["error"]


@pytest.mark.parametrize(
    ("params", "named"),
    [({"limit": "0"}, "limit"), ({"limit": "x"}, "limit"), ({"q": "x" * 10_001}, "q"), ({"q": "a\x00"}, "q")],
)
def test_bad_search_params(client, params: dict, named: str) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/api/papers/search", params=params)
    assert response.status_code in (400, 422)
    assert named in response.json()["error"]


def test_search_input_is_text_not_patterns(client) -> None:  # type: ignore[no-untyped-def]
    for q in ["%", "_", "\\", "100%", "a_b", "' OR 1=1 --"]:
        assert client.get("/api/papers/search", params={"q": q}).status_code == 200


_text = st.one_of(
    st.none(),
    st.text(max_size=12),
    st.sampled_from(
        [
            "2025-09-26",
            "2025-W39",
            "2025-09",
            "9999-12-31",
            "0001-01-01",
            "9999-W52",
            "2020-W53",
            "9999-12",
            "0000-01",
        ]
    ),
)
_number = st.one_of(st.none(), st.integers(-5, 10**20).map(str), st.text(max_size=5))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    date=_text,
    week=_text,
    month=_text,
    submitter=_text,
    sort=st.one_of(st.none(), st.sampled_from(["publishedAt", "trending", ""]), st.text(max_size=8)),
    p=_number,
    limit=_number,
)
def test_daily_papers_never_fails(client, **params: str | None) -> None:  # type: ignore[no-untyped-def]
    response = client.get("/api/daily_papers", params={k: v for k, v in params.items() if v is not None})
    assert response.status_code < 500, response.text
    if response.status_code != 200:
        assert response.json()["error"]


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(q=st.one_of(st.none(), st.text(max_size=40)), limit=_number)
def test_search_never_fails(client, q: str | None, limit: str | None) -> None:  # type: ignore[no-untyped-def]
    params = {k: v for k, v in {"q": q, "limit": limit}.items() if v is not None}
    response = client.get("/api/papers/search", params=params)
    assert response.status_code < 500, response.text


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(paper_id=st.text(min_size=1, max_size=30))
def test_any_paper_id_is_answered(client, paper_id: str) -> None:  # type: ignore[no-untyped-def]
    quoted = quote(paper_id, safe="")
    for path in (f"/api/papers/{quoted}", f"/papers/{quoted}.md"):
        response = client.get(path)
        assert response.status_code < 500, (path, response.text)


def test_openapi_documents_every_endpoint_and_parameter(client) -> None:  # type: ignore[no-untyped-def]
    schema = client.get("/api/openapi.json").json()
    paths = schema["paths"]
    daily = paths["/api/daily_papers"]["get"]
    assert {p["name"] for p in daily["parameters"]} == {
        "date",
        "week",
        "month",
        "submitter",
        "sort",
        "p",
        "limit",
    }
    assert all(p.get("description") for p in daily["parameters"])
    assert daily["description"] and "DailyPaperOut" in str(daily["responses"]["200"])
    search = paths["/api/papers/search"]["get"]
    assert {"q", "limit"} <= {p["name"] for p in search["parameters"]}  # plus our mode, sort, filters
    info = paths["/api/papers/{paper_id}"]["get"]
    assert {"200", "404"} <= set(info["responses"]) and "400" not in info["responses"]  # a bad id is a 404
    markdown = paths["/papers/{paper_id}.md"]["get"]
    assert "text/markdown" in markdown["responses"]["200"]["content"]
    assert list(markdown["responses"]["404"]["content"]) == ["application/json"]
    components = schema["components"]["schemas"]
    assert {"_id", "name", "hidden"} <= set(components["AuthorOut"]["properties"])
    assert {"submittedOnDailyAt", "githubStars", "ai_keywords"} <= set(components["PaperOut"]["properties"])
