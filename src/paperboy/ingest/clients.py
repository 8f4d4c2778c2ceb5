"""Polite clients configured from settings: one per run, shared by every request of that run."""

from __future__ import annotations

from urllib.parse import urlsplit

from paperboy.config import Settings
from paperboy.ingest.http import PoliteClient


def make_client(settings: Settings) -> PoliteClient:
    """arXiv hosts get ``arxiv_min_interval``; Hugging Face gets ``hf_min_interval``."""
    intervals = {
        urlsplit(url).netloc: settings.arxiv_min_interval
        for url in (settings.arxiv_api_url, settings.arxiv_oai_url, settings.arxiv_rss_url)
    }
    intervals[urlsplit(settings.hf_endpoint).netloc] = settings.hf_min_interval
    return PoliteClient(
        user_agent=settings.user_agent,
        min_interval=intervals,
        default_interval=settings.arxiv_min_interval,
        timeout=settings.http_timeout,
        retries=settings.http_retries,
        backoff=settings.http_backoff,
        max_connections=settings.http_max_connections,
    )
