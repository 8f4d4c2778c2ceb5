"""Hugging Face daily papers: the 558 real days, the real broken days, the live API via a local server."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from paperboy.ingest import hf_daily
from paperboy.ingest.http import PoliteClient
from paperboy.ingest.runner import run
from paperboy.models import Batch, Failure
from paperboy.store.checkpoints import load_checkpoints
from paperboy.store.schema import daily_entries, ingest_failures, papers
from tests.conftest import HF_DAILY, load_hf_daily
from tests.upstream import Reply, Upstream

TRANSFORMED = HF_DAILY / "transformed"


def counts(engine: Engine) -> tuple[int, int, int]:
    with engine.connect() as conn:
        return (
            conn.execute(sa.select(sa.func.count()).select_from(papers)).scalar_one(),
            conn.execute(sa.select(sa.func.count()).select_from(daily_entries)).scalar_one(),
            conn.execute(sa.select(sa.func.count(sa.distinct(daily_entries.c.day)))).scalar_one(),
        )


def test_whole_directory_gives_every_paper_once_and_again_is_a_no_op(engine: Engine) -> None:
    load_hf_daily(engine)
    assert counts(engine) == (9577, 9581, 558)
    load_hf_daily(engine)
    assert counts(engine) == (9577, 9581, 558)


def test_broken_days_are_refused_with_the_file_and_the_reason(engine: Engine) -> None:
    source = "hf-dir:transformed"
    report = run(
        engine,
        source,
        hf_daily.read_directory(hf_daily.day_files(TRANSFORMED), source, lambda _: False),
        "broken",
        interactive=False,
    )
    assert report.batches == 0 and len(report.failures) == 22
    repr_day = next(f for f in report.failures if f.label.endswith("2024-12-11.json"))
    assert "entry 0 is a str (a Python repr string" in repr_day.reason
    object_day = next(f for f in report.failures if f.label.endswith("2025-01-10.json"))
    assert "expected a JSON array of entries, got a JSON dict" in object_day.reason
    assert counts(engine) == (0, 0, 0)
    with engine.connect() as conn:
        assert load_checkpoints(conn, source) == {}
        assert conn.execute(sa.select(sa.func.count()).select_from(ingest_failures)).scalar_one() == 22


def test_malformed_json_names_the_file(tmp_path: Path) -> None:
    (tmp_path / "2025-02-03.json").write_text('[{"paper": {"id": "2502.0')
    (tmp_path / "2025-02-04.json").write_bytes((HF_DAILY / "2025-02-04.json").read_bytes())
    items = list(hf_daily.read_directory(hf_daily.day_files(tmp_path), "s", lambda _: False))
    assert isinstance(items[0], Failure) and items[0].label.endswith("2025-02-03.json")
    assert items[0].reason.startswith("malformed JSON")
    assert isinstance(items[1], Batch) and len(items[1].papers) == len(
        json.loads((HF_DAILY / "2025-02-04.json").read_text())
    )


def test_a_bad_entry_rejects_its_day_only(tmp_path: Path) -> None:
    day = json.loads((HF_DAILY / "2025-09-26.json").read_text())
    day[3]["paper"]["id"] = "not-an-id"
    (tmp_path / "2025-09-26.json").write_text(json.dumps(day))
    (item,) = hf_daily.read_directory(hf_daily.day_files(tmp_path), "s", lambda _: False)
    assert isinstance(item, Failure) and "entry 3: not an arXiv id: 'not-an-id'" in item.reason


def fast_client() -> PoliteClient:
    return PoliteClient(user_agent="paperboy-test/1 (+ops@example.org)", retries=3, backoff=0.01)


def test_live_api_days_retry_and_never_record_a_failed_day_as_empty(engine: Engine) -> None:
    good = (HF_DAILY / "2025-09-26.json").read_bytes()
    with Upstream() as hub:
        query = {"limit": 100, "p": 0}
        hub.add(
            "/api/daily_papers",
            {"date": "2025-09-26", **query},
            Reply(503),
            Reply(429, headers={"Retry-After": "0"}),
            Reply(200, good),
        )
        hub.add("/api/daily_papers", {"date": "2025-09-27", **query}, Reply(200, b"[]"))
        hub.add("/api/daily_papers", {"date": "2025-09-28", **query}, Reply(500))
        days = [date(2025, 9, 26), date(2025, 9, 27), date(2025, 9, 28)]
        with fast_client() as client:
            report = run(
                engine,
                "hf-api",
                hf_daily.fetch_days(client, hub.url, days, "hf-api", lambda _: False),
                "api",
                interactive=False,
            )
        user_agents = {r.headers.get("User-Agent") for r in hub.requests}
    assert report.batches == 2 and len(report.failures) == 1
    assert "2025-09-28" in report.failures[0].label and "HTTP 500" in report.failures[0].reason
    assert counts(engine)[0] == len(json.loads(good))
    with engine.connect() as conn:
        done = load_checkpoints(conn, "hf-api")
    assert done == {"2025-09-26": json.dumps({"papers": 26}), "2025-09-27": json.dumps({"papers": 0})}
    assert user_agents == {"paperboy-test/1 (+ops@example.org)"}


def test_live_api_entry_whose_paper_is_not_an_object_fails_its_day_only() -> None:
    """Paging compares paper ids across pages; a string where the paper object belongs used to crash that."""
    page = [{"paper": "2401.00001"}, {"paper": {"id": ["2401.00002"], "title": "T"}}]
    with Upstream() as hub:
        hub.add(
            "/api/daily_papers",
            {"date": "2025-09-26", "limit": 100, "p": 0},
            Reply(200, json.dumps(page).encode()),
        )
        hub.add("/api/daily_papers", {"date": "2025-09-27", "limit": 100, "p": 0}, Reply(200, b"[]"))
        days = [date(2025, 9, 26), date(2025, 9, 27)]
        with fast_client() as client:
            items = list(hf_daily.fetch_days(client, hub.url, days, "hf-api", lambda _: False))
    assert [type(i).__name__ for i in items] == ["Failure", "Batch"]
    assert "entry 0 has no 'paper' object" in items[0].reason
