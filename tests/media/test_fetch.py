"""Pictures are copied once from a real local HTTP server serving real picture bytes, stored, and served from
our own origin; pages and the API then name our copy, and initials stand in for anything missing, failed or
refused.

Each test runs on SQLite and PostgreSQL. The upstream is ``tests.upstream.Upstream`` on 127.0.0.1 (the only
host ``PAPERBOY_IMAGE_HOSTS`` allows here); no test reaches the network.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from fastapi.testclient import TestClient
from sqlalchemy.engine import Engine

from paperboy.media.fetch import fetch_images
from paperboy.models import Author, DailyEntry, Organization, Paper, Submitter
from paperboy.store import images as store
from paperboy.store.data_version import current
from paperboy.store.papers_write import upsert_entries, upsert_papers
from paperboy.store.schema import images
from tests.media.pictures import claims_to_be, dimensions, picture
from tests.sites import Site, make_site
from tests.upstream import Reply, Upstream

DAY = date(2026, 8, 21)
PNG = {"Content-Type": "image/png"}


@pytest.fixture
def upstream() -> Iterator[Upstream]:
    with Upstream() as server:
        yield server


@pytest.fixture
def site(engine: Engine, tmp_path: Path, upstream: Upstream) -> Iterator[Site]:
    with make_site(
        engine,
        tmp_path,
        image_hosts="127.0.0.1",
        image_min_interval=0,
        http_retries=1,
        http_backoff=0.01,
        image_max_bytes=300_000,
        search_model="none",
        data_version_poll_seconds=0.05,
    ) as built:
        yield built


def feature(site: Site, papers: list[Paper], submitter: Submitter | None = None) -> None:
    """Papers on DAY's feed, as Hugging Face imports them (with who submitted each)."""
    at = datetime(2026, 8, 21, 8, tzinfo=UTC)
    with site.engine.begin() as conn:
        upsert_papers(conn, papers)
        upsert_entries(conn, [DailyEntry(DAY, p.arxiv_id, "huggingface", submitter, at) for p in papers])


def paper(n: int, thumbnail: str | None, org: Organization | None = None) -> Paper:
    return Paper(
        arxiv_id=f"2608.{10000 + n}",
        title=f"A paper about pictures, number {n}",
        abstract="We copy pictures once and serve them from our own origin.",
        authors=[Author("Ada Lovelace"), Author("Grace Hopper")],
        submitted_at=datetime(2026, 8, 20, tzinfo=UTC),
        organization=org,
        thumbnail=thumbnail,
    )


def rows(site: Site) -> dict[str, sa.Row]:
    with site.engine.connect() as conn:
        return {r.url: r for r in conn.execute(sa.select(images))}


def page(site: Site, path: str, upstream: Upstream) -> str:
    """A page as a reader gets it; it must never name the upstream server."""
    site.app.state.media.refresh()  # a served site's data-version watch does this when pictures are stored
    response = site.client().get(path)
    assert response.status_code == 200, response.text[:300]
    assert upstream.url not in response.text and "127.0.0.1:" not in response.text
    return response.text


def test_pictures_are_copied_once_and_served_from_our_origin(site: Site, upstream: Upstream) -> None:
    upstream.add("/thumbs/one.png", {}, Reply(200, picture(1200, 630), PNG))
    upstream.add(
        "/avatars/lab.jpg", {}, Reply(200, picture(400, 400, "JPEG"), {"Content-Type": "image/jpeg"})
    )
    upstream.add("/avatars/ada.png", {}, Reply(200, picture(200, 200), PNG))
    lab = Organization("lab", "Picture Lab", f"{upstream.url}/avatars/lab.jpg")
    feature(
        site,
        [paper(1, f"{upstream.url}/thumbs/one.png", lab)],
        Submitter("ada", "Ada L.", f"{upstream.url}/avatars/ada.png"),
    )
    with site.engine.connect() as conn:
        before = current(conn)

    report = fetch_images(site.engine, site.settings, limit=10)
    assert (report.stored, report.failed, report.refused) == (3, 0, 0)
    assert len(upstream.requests) == 3
    stored = rows(site)
    thumb = stored[f"{upstream.url}/thumbs/one.png"]
    assert (thumb.status, thumb.kind, thumb.width, thumb.height) == ("stored", "thumbnail", 640, 336)
    assert stored[f"{upstream.url}/avatars/lab.jpg"].kind == "avatar"
    with site.engine.connect() as conn:
        assert current(conn) > before, "a stored picture changes pages: their cached copies must go"

    # Nothing is fetched twice.
    assert fetch_images(site.engine, site.settings, limit=10).tried == 0
    assert len(upstream.requests) == 3

    html = page(site, "/", upstream)
    for row in stored.values():
        assert f"/media/{row.name}" in html
    client = site.client()
    served = client.get(f"/media/{thumb.name}")
    assert served.status_code == 200 and served.headers["content-type"] == "image/webp"
    assert (
        "immutable" in served.headers["cache-control"]
        and "max-age=31536000" in served.headers["cache-control"]
    )
    assert dimensions(served.content) == (640, 336, "WEBP")
    again = client.get(f"/media/{thumb.name}", headers={"If-None-Match": served.headers["etag"]})
    assert again.status_code == 304 and again.content == b""

    # The API keeps Hugging Face's field names and absolute URLs, naming our copy.
    entry = client.get("/api/daily_papers", params={"date": DAY.isoformat()}).json()[0]
    assert entry["thumbnail"] == f"{site.settings.base_url}/media/{thumb.name}"
    assert entry["paper"]["organization"]["avatar"].startswith(f"{site.settings.base_url}/media/")
    assert entry["submittedBy"]["avatarUrl"].startswith(f"{site.settings.base_url}/media/")


def test_a_missing_picture_shows_initials_and_is_tried_again_later(site: Site, upstream: Upstream) -> None:
    gone = f"{upstream.url}/avatars/gone.png"  # the upstream answers 404 (nothing routed)
    feature(
        site, [paper(2, f"{upstream.url}/thumbs/gone.png", Organization("deepmind", "Google DeepMind", gone))]
    )

    report = fetch_images(site.engine, site.settings, limit=10)
    assert (report.stored, report.failed) == (0, 2)
    row = rows(site)[gone]
    assert row.status == "failed" and "404" in row.error and row.attempts == 1
    assert row.retry_at is not None

    html = page(site, "/", upstream)
    assert 'src="/media/initials/' in html and "/GD.svg" in html
    initials = re.search(r'src="(/media/initials/\d/GD\.svg)"', html)
    assert initials is not None
    svg = site.client().get(initials.group(1))
    assert svg.status_code == 200 and svg.headers["content-type"].startswith("image/svg+xml")
    assert b">GD</text>" in svg.content and "immutable" in svg.headers["cache-control"]
    assert "thumb-placeholder" in page(site, "/", upstream)  # the grid's tile stands in for the thumbnail

    # Not again before its retry is due, unless asked; then, once the picture is back, it is stored.
    assert fetch_images(site.engine, site.settings, limit=10).tried == 0
    upstream.add("/avatars/gone.png", {}, Reply(200, picture(120, 120), PNG))
    retried = fetch_images(site.engine, site.settings, limit=10, retry_failed=True)
    assert (retried.stored, retried.failed) == (1, 1)
    assert rows(site)[gone].attempts == 2
    assert re.search(r'src="/media/[0-9a-f]{32}\.webp"', page(site, "/", upstream))
    with site.engine.begin() as conn:
        conn.execute(images.update().values(retry_at=datetime.now(UTC) - timedelta(minutes=1)))
    assert fetch_images(site.engine, site.settings, limit=10).tried == 1, "a due retry comes back by itself"


def test_hostile_upstream_answers_are_refused_and_nothing_breaks(site: Site, upstream: Upstream) -> None:
    big = picture(1600, 1600, "BMP")  # about 7.7 MB: over the 300 kB limit
    cases = {
        "bomb.png": Reply(200, claims_to_be(100_000, 100_000), PNG),
        "html.png": Reply(
            200, b"<!doctype html><p>Sign in to see this picture</p>", {"Content-Type": "text/html"}
        ),
        "huge.png": Reply(200, big, PNG),
        "endless.png": Reply(200, big, PNG, with_length=False),  # no Content-Length: cut off while reading
        "elsewhere.png": Reply(
            302, b"", {"Location": upstream.url.replace("127.0.0.1", "localhost") + "/x.png"}
        ),
        "broken.png": Reply(500, b"upstream broke"),
    }
    for name, reply in cases.items():
        upstream.add(f"/thumbs/{name}", {}, reply)
    papers = [paper(n, f"{upstream.url}/thumbs/{name}") for n, name in enumerate(cases)]
    papers += [
        paper(90, f"{upstream.url}/avatars/logo.svg"),  # never fetched: SVG is not copied
        paper(91, "http://localhost:9/thumbs/other-host.png"),  # never fetched: not an allowed host
        paper(92, "javascript:alert(1)"),
    ]
    feature(site, papers)

    report = fetch_images(site.engine, site.settings, limit=20)
    assert report.stored == 0 and report.tried == len(papers)
    found = rows(site)
    why = {url.rsplit("/", 1)[-1]: (row.status, row.error) for url, row in found.items()}
    assert why["bomb.png"][0] == "refused" and "pixel limit" in why["bomb.png"][1]
    assert why["html.png"][0] == "refused" and "not a PNG" in why["html.png"][1]
    assert why["huge.png"] == ("refused", "7,680,054 bytes is over the 300,000 byte limit")
    assert why["endless.png"] == ("refused", "the body is over the 300,000 byte limit")
    assert (
        why["elsewhere.png"][0] == "refused"
        and "'localhost' is not an allowed host" in why["elsewhere.png"][1]
    )
    assert why["broken.png"][0] == "failed" and "HTTP 500" in why["broken.png"][1]
    assert why["logo.svg"][0] == "refused" and why["other-host.png"][0] == "refused"
    assert why["javascript:alert(1)"] == ("refused", "not an http(s) URL")
    asked = sorted(r.path for r in upstream.requests)
    assert "/avatars/logo.svg" not in asked and "/x.png" not in asked
    assert asked.count("/thumbs/broken.png") == 2, "a 500 is retried (PAPERBOY_HTTP_RETRIES=1), then left"

    html = page(site, "/", upstream)
    assert html.count("thumb-placeholder") == len(papers) and "/media/" not in html.replace(
        "/media/initials/", ""
    )
    assert fetch_images(site.engine, site.settings, limit=20).tried == 0, (
        "refused pictures are never asked again"
    )


def test_a_run_is_bounded_and_the_next_one_carries_on(site: Site, upstream: Upstream) -> None:
    for n in range(5):
        upstream.add(f"/thumbs/{n}.png", {}, Reply(200, picture(300 + n, 200), PNG))
    feature(site, [paper(n, f"{upstream.url}/thumbs/{n}.png") for n in range(5)])
    assert fetch_images(site.engine, site.settings, limit=2).stored == 2
    with site.engine.connect() as conn:
        assert store.counts(conn) == {
            "stored": 2,
            "failed": 0,
            "refused": 0,
            "untried": 3,
            "stored_bytes": sum(len(r.data) for r in rows(site).values()),
        }
    assert fetch_images(site.engine, site.settings, limit=10).stored == 3
    assert len(upstream.requests) == 5
    with site.engine.connect() as conn:
        assert store.counts(conn)["untried"] == 0


def test_a_served_site_shows_a_new_copy_at_once_though_its_pages_are_cached(
    site: Site, upstream: Upstream
) -> None:
    """Storing a picture moves the data version; the server's watch reloads its picture index before it lets a
    page be cached under the new version, so no cached page keeps showing initials for a stored avatar."""
    upstream.add("/avatars/lab.png", {}, Reply(200, picture(300, 300), PNG))
    feature(site, [paper(7, None, Organization("lab", "Picture Lab", f"{upstream.url}/avatars/lab.png"))])
    with TestClient(site.app) as client:  # with its lifespan: the data-version watch and the page cache run
        first = client.get("/")
        assert client.get("/").headers["etag"] == first.headers["etag"], "the page is served from the cache"
        assert "/media/initials/" in first.text and ".webp" not in first.text
        assert fetch_images(site.engine, site.settings, limit=5).stored == 1
        deadline = time.monotonic() + 10
        while ".webp" not in (now := client.get("/")).text:
            assert time.monotonic() < deadline, "the stored copy never reached the page"
            time.sleep(0.05)
        (name,) = re.findall(r'src="/media/([0-9a-f]{32}\.webp)"', now.text)
        assert client.get(f"/media/{name}").status_code == 200


def test_unknown_media_names_are_404(site: Site) -> None:
    client = site.client()
    for path in (
        "/media/" + "0" * 32 + ".webp",
        "/media/../paperboy.db",
        "/media/initials/9/GD.svg",
        "/media/initials/1/ABC.svg",
        "/media/initials/1/%3Cscript%3E.svg",
    ):
        assert client.get(path).status_code == 404, path
