"""Hostile input gets a clear 4xx and loses nothing: search dates past the index's calendar, bodies that are
not JSON, lone surrogates, ids past 32 bits, libraries that are not libraries. SQLite and PostgreSQL.
"""

from __future__ import annotations

import http.client
import json

import sqlalchemy as sa

from paperboy.store.schema import comments
from tests.community.conftest import POPULAR
from tests.conftest import LiveServer, wait_ready
from tests.sites import Client, Site


def _comment_count(site: Site) -> int:
    with site.engine.connect() as conn:
        return conn.execute(sa.select(sa.func.count()).select_from(comments)).scalar_one()


def _ids(response) -> list[str]:  # type: ignore[no-untyped-def]
    assert response.status_code == 200, response.text[:300]
    return [entry["paper"]["id"] for entry in response.json()]


def test_search_dates_outside_the_index_calendar_are_clamped(site: Site) -> None:
    with Client(site.app) as anon:
        wait_ready(anon)
        _search_dates(anon)


def _search_dates(anon: Client) -> None:
    def ids(**params: str) -> list[str]:
        return _ids(anon.get("/api/papers/search", params={"q": "harnessed agents", **params}))

    assert ids() == [POPULAR]  # published 2026-08-20
    assert ids(date_from="0001-01-01", date_to="9999-12-31") == [POPULAR]  # the widest bounds hold it
    assert ids(date_from="2026-08-20", date_to="9999-12-31") == [POPULAR]
    assert ids(date_from="0001-01-01", date_to="2026-08-19") == []
    assert ids(date_from="9999-12-31") == [] and ids(date_to="0001-01-01") == []
    page = anon.get("/search", params={"q": "harnessed agents", "from": "0001-01-01", "to": "9999-12-31"})
    assert page.status_code == 200 and "EnvHarness" in page.text
    backwards = anon.get(
        "/api/papers/search", params={"q": "x", "date_from": "9999-12-31", "date_to": "0001-01-01"}
    )
    assert backwards.status_code == 400 and "date_from is after date_to" in backwards.json()["error"]
    unreadable = anon.get("/api/papers/search", params={"q": "x", "date_from": "10000-01-01"})
    assert unreadable.status_code == 422 and "date_from" in unreadable.json()["error"]


def test_a_keep_alive_connection_survives_hostile_requests(site: Site) -> None:
    """Each answer leaves the connection open: the next request on it is answered, not reset."""
    hostile = [
        "/api/papers/search?q=x&date_from=0001-01-01",
        "/search?q=x&to=9999-12-31",
        "/papers/date/9999-12-31",
        "/api/daily_papers?week=9999-W52",
        f"/api/papers/{POPULAR}",
    ]
    with LiveServer(site.app) as server:
        conn = http.client.HTTPConnection("127.0.0.1", server.port, timeout=10)
        try:
            for path in hostile:
                conn.request("GET", path)
                response = conn.getresponse()
                response.read()
                assert response.status < 500, path
                assert response.getheader("connection") != "close", path
            conn.request(
                "POST",
                f"/api/papers/{POPULAR}/comments",
                body=b"\xff\xfe{",
                headers={"Content-Type": "text/plain"},
            )
            response = conn.getresponse()
            assert response.status == 422 and "application/json" in json.loads(response.read())["error"]
            conn.request("GET", "/healthz")
            assert conn.getresponse().status == 200
        finally:
            conn.close()


def test_a_body_that_is_not_json_is_a_422_naming_the_content_type(site: Site) -> None:
    token = {"Authorization": f"Bearer {site.token('alice')}"}
    script = site.client()
    before = _comment_count(site)
    for path in (f"/api/papers/{POPULAR}/comments", "/api/papers/submit"):
        for body, kind in (
            (b'{"body":"x","paper":"x"}', "text/plain"),
            (b"\xff\xfe\x00{", "text/plain"),
            (b"{", "application/json"),
        ):
            response = script.post(path, content=body, headers={**token, "Content-Type": kind})
            assert response.status_code == 422, (path, body, response.text[:300])
            error = response.json()["error"]
            assert "body" in error
            if kind == "text/plain":
                assert "Content-Type: application/json" in error and "text/plain" in error
            assert all(set(problem) == {"loc", "msg", "type"} for problem in response.json()["detail"])
    assert _comment_count(site) == before


SURROGATE = b'{"body": "before \\ud800 after"}'


def test_a_lone_surrogate_in_json_is_refused(site: Site) -> None:
    token = {"Authorization": f"Bearer {site.token('alice')}", "Content-Type": "application/json"}
    script = site.client()
    before = _comment_count(site)
    comment = script.post(f"/api/papers/{POPULAR}/comments", content=SURROGATE, headers=token)
    assert comment.status_code == 422 and "valid Unicode" in comment.json()["error"]
    submit = script.post("/api/papers/submit", content=b'{"paper": "\\udfff2509.21268"}', headers=token)
    assert submit.status_code == 422 and "valid Unicode" in submit.json()["error"]
    fine = script.post(
        f"/api/papers/{POPULAR}/comments", content=b'{"body": "\\ud83d\\ude00 paired"}', headers=token
    )
    assert fine.status_code == 201 and fine.json()["body"] == "\U0001f600 paired"  # a real pair is welcome
    assert _comment_count(site) == before + 1


def test_a_lone_surrogate_in_a_form_or_a_query_string_is_refused_or_replaced(site: Site) -> None:
    alice = site.client("alice")
    before = _comment_count(site)
    # UTF-7 (a charset a multipart form may declare) can spell a lone surrogate: +2AA- is U+D800.
    parts = [("body", "+2AA-"), ("csrf_token", alice.csrf)]
    body = "".join(f'--b\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n' for k, v in parts)
    refused = alice.post(
        f"/papers/{POPULAR}/comments",
        content=(body + "--b--\r\n").encode(),
        headers={"Content-Type": "multipart/form-data; boundary=b; charset=utf-7"},
        follow_redirects=False,
    )
    assert refused.status_code == 400 and "not valid Unicode" in refused.text
    assert _comment_count(site) == before
    # Percent-encoded surrogates in a URL or an urlencoded form decode to U+FFFD, which is plain text.
    for path in (
        "/search?q=%ED%A0%80",
        "/api/papers/search?q=%ED%A0%80",
        "/api/daily_papers?submitter=%ED%A0%80",
    ):
        assert alice.get(path).status_code == 200, path
    posted = alice.post(
        f"/papers/{POPULAR}/comments",
        content=f"body=%ED%A0%80+after&csrf_token={alice.csrf}".encode(),
        headers={"Content-Type": "application/x-www-form-urlencoded"},
        follow_redirects=False,
    )
    assert posted.status_code == 303 and _comment_count(site) == before + 1


HUGE = "9223372036854775808"


HUGE_ID_PATHS = [
    f"/settings/tokens/{HUGE}/delete",
    f"/comments/{HUGE}/delete",
    f"/comments/{HUGE}/edit",
    f"/comments/{HUGE}/hide",
    f"/moderation/claims/{HUGE}",
    "/settings/tokens/2147483648/delete",  # one past PostgreSQL's integer
    "/settings/tokens/0/delete",
    "/settings/tokens/-1/delete",
]


def test_ids_past_the_column_are_400_pages(site: Site) -> None:
    mona = site.client("mona")
    for path in HUGE_ID_PATHS:
        response = mona.form(path, {"body": "x", "hidden": "1", "decision": "approve"})
        assert response.status_code == 400, (path, response.text[:300])
        assert "text/html" in response.headers["content-type"], path


def test_huge_ids_in_json_bodies_are_422(site: Site) -> None:
    token = {"Authorization": f"Bearer {site.token('alice')}"}
    response = site.client().post(
        f"/api/papers/{POPULAR}/comments", json={"body": "hi", "parentId": int(HUGE)}, headers=token
    )
    assert response.status_code == 422 and "parentId" in response.json()["error"]


def test_every_integer_in_the_api_schema_is_bounded(site: Site) -> None:
    schema = site.client().get("/api/openapi.json").json()
    unbounded = []

    def walk(node: object, where: str) -> None:
        if isinstance(node, dict):
            bounded = "maximum" in node and ("minimum" in node or "exclusiveMinimum" in node)
            if node.get("type") == "integer" and not bounded:
                unbounded.append(where)
            for value in node.values():
                walk(value, where)
        elif isinstance(node, list):
            for value in node:
                walk(value, where)

    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            for parameter in operation.get("parameters", []):
                walk(parameter["schema"], f"{method} {path} {parameter['name']} parameter")
    for name, model in schema["components"]["schemas"].items():
        if name.endswith("In"):
            walk(model, f"{name} body")
    assert unbounded == []


def _import(client: Client, text: str):  # type: ignore[no-untyped-def]
    return client.form("/library/import", {"library": text})


def test_library_import_refuses_json_that_is_no_library(site: Site) -> None:
    alice = site.client("alice")
    deep = _import(alice, "[" * 10_000)
    assert deep.status_code == 400 and "nested too deeply" in deep.text
    null = _import(alice, '{"items": null}')
    assert null.status_code == 400 and "must be a list of entries" in null.text
    nested = _import(
        alice, '[{"URL": ' + "[" * 900 + "]" * 900 + ', "id": "arXiv:2608.19880", "title": [1]}]'
    )
    assert nested.status_code == 200 and "Imported 1 new paper(s) from csl-json" in nested.text
    assert "Imported 0 new paper(s) from csl-json" in _import(alice, '{"items": [{"id": "2608.19880"}]}').text


NUL_PATHS = [
    "/authors/%00/feed.rss",
    "/organizations/%00/feed.atom",
    "/authors/a%00b",
    "/organizations/%00",
    "/papers/2608.19880%00",
    "/api/papers/2608.19880%00",
    "/api/papers/%00/similar",
    "/unsubscribe/%00",
    "/digest/%00",
]


def test_a_nul_in_any_path_is_a_404(site: Site) -> None:
    anon = site.client()
    for path in NUL_PATHS:
        response = anon.get(path)
        assert response.status_code == 404, (path, response.text[:300])
        assert "NUL" in (response.json()["error"] if path.startswith("/api/") else response.text), path
