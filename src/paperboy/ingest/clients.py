"""Polite clients configured from settings: one per run, shared by every request of that run."""

from __future__ import annotations

from collections.abc import Callable
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


def allowed_image_host(settings: Settings) -> Callable[[str], bool]:
    """``PAPERBOY_IMAGE_HOSTS``: a listed host and its subdomains (``huggingface.co`` covers its CDNs)."""
    hosts = [h.strip().lower().lstrip(".") for h in settings.image_hosts.split(",") if h.strip()]

    def allowed(host: str) -> bool:
        host = host.lower().rstrip(".")
        return any(host == h or host.endswith("." + h) for h in hosts)

    return allowed


def make_image_client(settings: Settings) -> PoliteClient:
    """For pictures: ``image_min_interval`` per host, few retries (a missing picture is shown as initials
    meanwhile, and is tried again on a later run), and only hosts of ``PAPERBOY_IMAGE_HOSTS``."""
    return PoliteClient(
        user_agent=settings.user_agent,
        default_interval=settings.image_min_interval,
        timeout=min(settings.http_timeout, 20.0),
        retries=min(settings.http_retries, 2),
        backoff=settings.http_backoff,
        max_connections=1,
        allow_host=allowed_image_host(settings),
    )
