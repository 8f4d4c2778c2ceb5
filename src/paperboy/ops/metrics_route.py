"""``GET /metrics``: the Prometheus exposition of this process (or of all workers) plus the database gauges.

Access: with ``PAPERBOY_METRICS_TOKEN`` set, a scrape must send ``Authorization: Bearer <token>``; without it,
only clients on this machine (loopback) may scrape. Behind a reverse proxy the client address is the one the
proxy forwards (uvicorn's ``proxy_headers``), so readers coming through the proxy are refused either way.
The endpoint skips the admission gate, so a saturated server can still be watched.
"""

from __future__ import annotations

import hmac
import time
from collections.abc import Iterator
from ipaddress import ip_address

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse, Response
from prometheus_client import REGISTRY, CollectorRegistry, generate_latest, multiprocess
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from prometheus_client.registry import Collector

from paperboy.ops import metrics
from paperboy.ops import multiprocess as mp
from paperboy.ops.gauges import DatabaseGauges

router = APIRouter(include_in_schema=False)


class ProcessMetrics(Collector):
    """The counters and gauges the process(es) recorded, and the search index age derived from them."""

    def collect(self) -> Iterator[Metric]:
        source = multiprocess.MultiProcessCollector(None) if mp.enabled() else REGISTRY
        refreshed: list[float] = []
        for family in source.collect():
            if family.name == metrics.SEARCH_REFRESHED_NAME:
                refreshed += [sample.value for sample in family.samples if sample.value > 0]
            yield family
        if refreshed:
            yield GaugeMetricFamily(
                metrics.SEARCH_AGE,
                "Seconds since the search indexes were last brought up to date (the stalest worker).",
                max(0.0, time.time() - min(refreshed)),
            )


def _loopback(request: Request) -> bool:
    try:
        return request.client is not None and ip_address(request.client.host).is_loopback
    except ValueError:
        return False


def _refusal(request: Request) -> Response | None:
    token: str = request.app.state.settings.metrics_token
    if token:
        sent = request.headers.get("authorization", "")
        if hmac.compare_digest(sent.encode(), f"Bearer {token}".encode()):
            return None
        return PlainTextResponse(
            "A bearer token is required (PAPERBOY_METRICS_TOKEN).",
            401,
            headers={"WWW-Authenticate": "Bearer", "Cache-Control": "no-store"},
        )
    if _loopback(request):
        return None
    return PlainTextResponse(
        "Metrics are only served to this machine; set PAPERBOY_METRICS_TOKEN to scrape from elsewhere.",
        403,
        headers={"Cache-Control": "no-store"},
    )


def database_gauges(request: Request) -> DatabaseGauges:
    state = request.app.state
    gauges = getattr(state, "database_gauges", None)
    if gauges is None:
        from paperboy.search import embed

        try:
            model = embed.model_name(state.settings.search_model)
        except ValueError:
            model = None
        gauges = state.database_gauges = DatabaseGauges(state.engine, model)
    return gauges


@router.get("/metrics")
def scrape(request: Request) -> Response:
    """A plain ``def``: the database gauges are read on a thread, never on the event loop."""
    refusal = _refusal(request)
    if refusal is not None:
        return refusal
    registry = CollectorRegistry(auto_describe=False)
    registry.register(ProcessMetrics())
    registry.register(database_gauges(request))
    return Response(
        generate_latest(registry), media_type=CONTENT_TYPE_LATEST, headers={"Cache-Control": "no-store"}
    )
