"""``PAPERBOY_LOG_FORMAT=json`` on a real server: every line a JSON object a log shipper can index, and the
request id that a proxy sent (or the server made) in the answer and in the request's log line."""

from __future__ import annotations

import json
import time

import httpx
import pytest

from tests.ops.conftest import StartServer
from tests.server.conftest import LoadedDatabase

pytestmark = pytest.mark.timeout(120)


def access_lines(lines: list[dict], request_id: str) -> list[dict]:
    return [
        line for line in lines if line.get("request_id") == request_id and line["logger"] == "paperboy.access"
    ]


def read_json_lines(text: str) -> list[dict]:
    lines = [line for line in text.splitlines() if line.strip()]
    parsed = []
    for line in lines:
        try:
            parsed.append(json.loads(line))
        except json.JSONDecodeError:
            pytest.fail(f"not a JSON line: {line!r}")
    return parsed


@pytest.mark.parametrize("loaded_database", ["sqlite"], indirect=True)
def test_json_lines_carry_the_request_id(loaded_database: LoadedDatabase, serve: StartServer) -> None:
    server = serve(loaded_database.url, PAPERBOY_LOG_FORMAT="json")
    paper = loaded_database.papers[0]
    with httpx.Client(base_url=server.url, timeout=15, trust_env=False) as client:
        from_proxy = client.get(f"/papers/{paper.arxiv_id}", headers={"X-Request-ID": "proxy-id-42"})
        made_here = client.get("/api/daily_papers?limit=3")
        hostile = client.get("/", headers={"X-Request-ID": "a b\tc" + "x" * 200})
    assert from_proxy.status_code == 200 and from_proxy.headers["x-request-id"] == "proxy-id-42"
    generated = made_here.headers["x-request-id"]
    assert len(generated) == 32 and generated != "proxy-id-42"
    assert hostile.headers["x-request-id"] != hostile.request.headers["x-request-id"]  # replaced, not echoed

    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and not access_lines(
        read_json_lines(server.log.read_text()), generated
    ):
        time.sleep(0.1)
    lines = read_json_lines(server.log.read_text())  # every line, start-up included, is JSON
    assert all({"time", "level", "logger", "message"} <= set(line) for line in lines)
    assert any(line["logger"].startswith("uvicorn") for line in lines), "uvicorn's own lines are JSON too"
    [proxied] = access_lines(lines, "proxy-id-42")
    assert proxied["method"] == "GET" and proxied["path"] == f"/papers/{paper.arxiv_id}"
    assert proxied["status"] == 200 and proxied["level"] == "INFO"
    assert 0 < proxied["duration_ms"] < 15_000
    [api] = access_lines(lines, generated)
    assert api["path"] == "/api/daily_papers?limit=3" and api["status"] == 200
    assert not any(line.get("logger") == "uvicorn.access" for line in lines), "one access line per request"


@pytest.mark.parametrize("loaded_database", ["sqlite"], indirect=True)
def test_access_log_off_means_no_request_lines(loaded_database: LoadedDatabase, serve: StartServer) -> None:
    server = serve(loaded_database.url, PAPERBOY_LOG_FORMAT="json", PAPERBOY_ACCESS_LOG="false")
    with httpx.Client(base_url=server.url, timeout=15, trust_env=False) as client:
        answer = client.get("/api/daily_papers?limit=3")
    assert answer.status_code == 200 and answer.headers["x-request-id"]
    time.sleep(0.5)
    lines = read_json_lines(server.log.read_text())
    assert lines and not [line for line in lines if line["logger"] in ("paperboy.access", "uvicorn.access")]
