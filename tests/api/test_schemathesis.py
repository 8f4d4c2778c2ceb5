"""Schemathesis over every operation in ``/api/openapi.json``, anonymous and with an API token, on a site
seeded with real Hugging Face days (SQLite and PostgreSQL): no answer is a 5xx, and every answer (status,
content type, body) is one the schema documents. Bounded to a fixed number of examples per operation, drawn
from a fixed seed, so it runs the same in ``make test`` every time; arXiv is a local replay that knows no
paper, so submissions end in a documented 4xx instead of the network.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_schema_conformance,
    status_code_conformance,
)

from tests.conftest import SHARED_DATA, make_postgres_database
from tests.sites import make_site
from tests.upstream import Reply, Upstream

DAYS = [date(2026, 8, 21) - timedelta(days=n) for n in range(3)]  # 3 real days, 40-odd papers
NOTHING = SHARED_DATA / "arxiv_api_atom" / "arxiv.py_fixtures"
EXAMPLES = 10  # per operation, mode and backend; each is sent twice (anonymous and with a token)
CONFORMANCE = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# Input the schema forbids must be refused: a 2xx means the schema promises limits the code does not keep.
CHECKS = {
    GenerationMode.POSITIVE: CONFORMANCE,
    GenerationMode.NEGATIVE: [*CONFORMANCE, negative_data_rejection],
}


@dataclass
class FuzzSite:
    app: object
    token: str


def _database(kind: str, folder: Path) -> tuple[str, object]:
    if kind == "sqlite":
        return f"sqlite:///{folder / 'fuzz.db'}", None
    return make_postgres_database()


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def fuzz_site(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[FuzzSite]:
    folder = tmp_path_factory.mktemp(f"fuzz-{request.param}")
    url, drop = _database(request.param, folder)
    empty_feed = next(NOTHING.glob("id_0808.05394_s0_m100_*.json")).read_text()
    with Upstream() as arxiv:
        arxiv.fallback = Reply(
            200, json.loads(empty_feed)["body"].encode(), {"Content-Type": "application/atom+xml"}
        )
        site = make_site(
            url,
            folder,
            hf_days=DAYS,
            arxiv_api_url=arxiv.url + "/api/query",
            arxiv_min_interval=0,
            http_backoff=0.01,
        )
        with site:
            site.add_user("fuzzer")
            yield FuzzSite(site.app, site.token("fuzzer"))
    site.engine.dispose()
    if drop is not None:
        drop()


def _operations(site: FuzzSite) -> list:  # type: ignore[type-arg]
    schema = schemathesis.openapi.from_asgi("/api/openapi.json", site.app)
    return [result.ok() for result in schema.get_all_operations()]


def _fuzz(operation, token: str, mode: GenerationMode) -> None:  # type: ignore[no-untyped-def]
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES,
        deadline=None,
        derandomize=True,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case) -> None:  # type: ignore[no-untyped-def]
        for headers in ({}, {"Authorization": f"Bearer {token}"}):
            case.validate_response(case.call(headers=headers), checks=CHECKS[mode])

    run()


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE], ids=["valid", "invalid"])
def test_every_operation_answers_as_documented(fuzz_site: FuzzSite, mode: GenerationMode) -> None:
    failures = {}
    operations = _operations(fuzz_site)
    assert len(operations) >= 10
    for operation in operations:
        if mode is GenerationMode.NEGATIVE and not (len(operation.query) or len(operation.body)):
            continue  # a free-form path string alone: no input is invalid, nothing to send
        try:
            _fuzz(operation, fuzz_site.token, mode)
        except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - every operation is tried, all reported
            failures[operation.label] = str(exc)[:2000]
    assert not failures, "\n\n".join(f"{label}:\n{text}" for label, text in failures.items())
