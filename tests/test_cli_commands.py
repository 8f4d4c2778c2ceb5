"""What the operator's commands do, not just that they explain themselves: each runs on a real SQLite file
through the ``paperboy`` entry point declared in pyproject.toml (whichever module provides it).

``serve`` is run as its own process by ``tests/server`` (readiness, bursts, SIGTERM); here the rest.
"""

from __future__ import annotations

import importlib
import json
import re
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from importlib.metadata import entry_points
from pathlib import Path

import pytest
import sqlalchemy as sa
from click.testing import Result
from sqlalchemy.engine import Engine
from typer.testing import CliRunner

from paperboy.auth import service as auth_service
from paperboy.config import get_settings
from paperboy.models import Organization, Paper
from paperboy.store import accounts
from paperboy.store.engine import create_engine
from paperboy.store.migrate import upgrade
from paperboy.store.papers_write import upsert_papers
from paperboy.store.schema import daily_entries, ingest_checkpoints, paper_embeddings, papers
from paperboy.worker import announcements
from tests.conftest import HF_DAILY, load_hf_daily
from tests.digest.conftest import add_subscribers, load_week
from tests.media.pictures import picture
from tests.search.conftest import require_semantic
from tests.sites import link_days
from tests.upstream import Reply, Upstream

Invoke = Callable[..., Result]


def paperboy_app():  # type: ignore[no-untyped-def]
    """The Typer app behind the ``paperboy`` console script, found the way the installed script finds it."""
    (script,) = entry_points(group="console_scripts", name="paperboy")
    return importlib.import_module(script.module).app


@pytest.fixture
def db(tmp_path: Path) -> Iterator[Engine]:
    engine = create_engine(f"sqlite:///{tmp_path / 'cli.db'}")
    upgrade(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def cli(db: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Invoke]:
    """``cli("digest", "status", SETTING=value)``: a command run with the environment an operator sets."""
    monkeypatch.setenv("PAPERBOY_DATABASE_URL", str(db.url))
    monkeypatch.setenv("PAPERBOY_SEARCH_INDEX_DIR", str(tmp_path / "index"))
    monkeypatch.setenv("PAPERBOY_SEARCH_EMBED_BACKGROUND", "false")
    app = paperboy_app()

    def invoke(*args: str, **env: object) -> Result:
        for name, value in env.items():
            monkeypatch.setenv(f"PAPERBOY_{name.upper()}", str(value))
        get_settings.cache_clear()
        return CliRunner().invoke(app, list(args))

    yield invoke
    get_settings.cache_clear()


def ok(result: Result) -> str:
    assert result.exit_code == 0, f"{result.output}\n{result.exception!r}"
    return result.output


def test_users_role_grants_and_revokes(cli: Invoke, db: Engine) -> None:
    auth_service.create_user(db, "ada", "ada@example.org", "correct horse battery", admin=False)

    def roles() -> tuple[bool, bool]:
        with db.connect() as conn:
            user = accounts.by_username(conn, "ada")
        assert user is not None
        return user.is_moderator, user.is_admin

    assert "ada: roles updated" in ok(cli("users", "role", "ada", "--moderator"))
    assert roles() == (True, False)
    ok(cli("users", "role", "ada", "--no-moderator", "--admin"))
    assert roles() == (False, True)
    ok(cli("users", "role", "ada", "--no-admin"))
    assert roles() == (False, False)
    unknown = cli("users", "role", "eve", "--admin")
    assert unknown.exit_code != 0 and "eve" in str(unknown.exception)


def test_orgs_list_show_and_edit(cli: Invoke, db: Engine) -> None:
    handles = [
        ("deepmind", "Deepmind"),
        ("GoogleDeepMind", None),
        ("nvidia", "NVIDIA"),
        ("TencentARC", "ARC Lab"),
    ]
    with db.begin() as conn:
        upsert_papers(
            conn,
            [
                Paper(f"2601.0000{n}", f"Paper {n}", organization=Organization(h, f))
                for n, (h, f) in enumerate(handles)
            ],
        )
    listed = ok(cli("orgs", "list"))
    assert re.search(r"^\s+2  GoogleDeepMind\s+Google DeepMind  \(2 handles\)$", listed, re.M), listed
    assert listed.rstrip().endswith("3 organization(s); 3 shown")
    assert "nvidia" not in ok(cli("orgs", "list", "--search", "deep"))
    shown = ok(cli("orgs", "show", "google deepmind"))
    assert "Google DeepMind  /organizations/GoogleDeepMind" in shown and "handle deepmind" in shown
    assert "one organization now, at /organizations/nvidia" in ok(cli("orgs", "merge", "arc lab", "NVIDIA"))
    assert "TencentARC" in ok(cli("orgs", "show", "nvidia"))
    assert "of its own again" in ok(cli("orgs", "split", "TencentARC"))
    assert "display name set to 'Nvidia Corp'" in ok(cli("orgs", "rename", "nvidia", "Nvidia Corp"))
    assert "now names nvidia" in ok(cli("orgs", "alias", "nvidia", "Team Green"))
    assert "no longer names nvidia" in ok(cli("orgs", "unalias", "team green"))
    refused = cli("orgs", "alias", "nvidia", "deepmind")
    assert refused.exit_code != 0 and "already names GoogleDeepMind" in str(refused.exception)
    assert cli("orgs", "show", "no such lab").exit_code != 0


def test_digest_queue_then_status(cli: Invoke, db: Engine, tmp_path: Path) -> None:
    load_week(db, tmp_path)
    add_subscribers(db, 3)
    queued = ok(cli("digest", "queue", "--at", "2025-09-26T09:30:00+00:00"))
    assert "3 digests queued, 0 with nothing new, 0 already queued" in queued
    again = ok(cli("digest", "queue", "--at", "2025-09-26T11:00:00+00:00"))
    assert again.startswith("0 digests queued"), "a period already queued is not queued twice"
    assert re.search(r"^\s*pending: 3$", ok(cli("digest", "status")), re.M)
    assert ok(cli("digest", "status", "--period", "2025-09-25")).strip() == ""


def test_reindex_then_search_from_the_command_line(cli: Invoke, db: Engine, tmp_path: Path) -> None:
    load_hf_daily(db, link_days(tmp_path / "days", ["2026-08-21"]))
    rebuilt = ok(cli("reindex", "--no-vectors", SEARCH_MODEL="none"))
    assert re.search(r"keyword index: 17 papers", rebuilt), rebuilt
    found = ok(cli("search", "awakening static worlds", "--mode", "keyword", "--limit", "3"))
    lines = found.splitlines()
    assert "(keyword," in lines[0] and lines[1].split()[1] == "2608.19880", found
    assert ok(cli("search", "zzyzx quokka", "--mode", "keyword")).startswith("0 papers")
    refused = cli("search", "anything", "--mode", "telepathy")
    assert refused.exit_code != 0


def test_embed_stores_vectors_that_search_by_meaning_uses(cli: Invoke, db: Engine, tmp_path: Path) -> None:
    require_semantic()
    load_hf_daily(db, link_days(tmp_path / "days", ["2026-08-21"]))
    first = ok(cli("embed", "--limit", "5", "--no-similar"))
    assert re.search(r"^5 papers embedded with", first, re.M), first
    ok(cli("embed", "--no-similar"))
    with db.connect() as conn:
        embedded = conn.execute(sa.select(sa.func.count(paper_embeddings.c.paper_id.distinct()))).scalar()
    assert embedded == 17
    again = ok(cli("embed", "--no-similar"))
    assert re.search(r"^0 papers embedded", again, re.M), "a second run redoes nothing"
    found = ok(
        cli("search", "agents learning in generated environments", "--mode", "semantic", "--limit", "5")
    )
    assert "(semantic," in found.splitlines()[0] and "2608.19880" in found


def test_demo_loads_the_saved_days_offline(cli: Invoke, db: Engine, tmp_path: Path) -> None:
    days = ["2026-08-20", "2026-08-21"]
    folder = link_days(tmp_path / "demo-days", days)
    output = ok(cli("demo", "--offline", "--data-dir", str(folder), "--no-serve"))
    assert f"loaded offline from {folder}" in output
    expected = {e["paper"]["id"] for day in days for e in json.loads((HF_DAILY / f"{day}.json").read_text())}
    with db.connect() as conn:
        stored = {a for (a,) in conn.execute(sa.select(papers.c.arxiv_id))}
        featured = {d.isoformat() for (d,) in conn.execute(sa.select(daily_entries.c.day).distinct())}
    assert stored == expected and featured == set(days)


def test_worker_once_ingests_the_announcements_from_hugging_face(cli: Invoke, db: Engine) -> None:
    """The worker's own ingest, over HTTP, from a local server replaying real Hugging Face day files."""
    now = datetime.now(UTC)
    due = announcements(now, 3)
    assert due, "three days always hold an announcement"
    recorded = sorted(HF_DAILY.glob("2026-08-*.json"))
    served: dict[str, set[str]] = {}
    with Upstream() as hf:
        for n, day in enumerate(sorted({d + timedelta(days=k) for d in due for k in (0, 1)})):
            body = recorded[n].read_bytes()
            hf.add("/api/daily_papers", {"date": day.isoformat(), "limit": 100, "p": 0}, Reply(200, body))
            served[day.isoformat()] = {e["paper"]["id"] for e in json.loads(body)}
        output = cli("worker", "--once", WORKER_INGEST="hf", HF_ENDPOINT=hf.url, HF_MIN_INTERVAL=0,
                     WORKER_BACKFILL_DAYS=3, WORKER_METADATA_BACKFILL=0)  # fmt: skip
        asked = {r.query["date"] for r in hf.requests}
    ok(output)
    assert {d.isoformat() for d in due} <= asked
    with db.connect() as conn:
        stored = {a for (a,) in conn.execute(sa.select(papers.c.arxiv_id))}
        done = dict(
            conn.execute(
                sa.select(ingest_checkpoints.c.key, ingest_checkpoints.c.value).where(
                    ingest_checkpoints.c.source == "worker:ingest"
                )
            ).all()
        )
    assert stored == set().union(*(served[day] for day in asked))
    assert sorted(done) == sorted(d.isoformat() for d in due)
    assert all(value.endswith(" papers") for value in done.values()), done


def test_ingest_arxiv_metadata_fills_categories_of_hugging_face_papers(cli: Invoke, db: Engine) -> None:
    """``paperboy ingest arxiv-metadata`` asks the arXiv API (a local server replaying recorded answers)
    about papers Hugging Face gave without categories, and a second run asks nothing again."""
    from tests.search.conftest import add_papers
    from tests.search.test_categories import IDS, hf_paper, recorded

    add_papers(db, [hf_paper(i) for i in IDS])
    with Upstream() as arxiv:
        recorded(arxiv)
        env = {"ARXIV_API_URL": arxiv.url + "/api/query", "ARXIV_MIN_INTERVAL": 0}
        first = ok(cli("ingest", "arxiv-metadata", "--limit", "10", "--per-request", "1", **env))
        assert "3 papers" in first, first
        asked = len(arxiv.requests)
        ok(cli("ingest", "arxiv-metadata", "--per-request", "1", **env))
        assert len(arxiv.requests) == asked
    with db.connect() as conn:
        categories = dict(conn.execute(sa.select(papers.c.arxiv_id, papers.c.primary_category)).all())
    assert categories["astro-ph/0601001"] == "astro-ph" and all(categories.values()), categories


def test_images_fetch_copies_pictures_and_stats_counts_them(cli: Invoke, db: Engine) -> None:
    """``paperboy images fetch`` and the worker's tick copy pictures from a local server; ``stats`` counts."""
    with Upstream() as cdn:
        cdn.add("/one.png", {}, Reply(200, picture(800, 420)))
        cdn.add("/two.png", {}, Reply(200, picture(700, 380, "JPEG")))
        cdn.add("/three.png", {}, Reply(200, picture(64, 64, "GIF")))
        lab = Organization("lab", "Picture Lab", f"{cdn.url}/missing.png")  # 404
        with db.begin() as conn:
            upsert_papers(conn, [Paper("2608.00001", "One", thumbnail=f"{cdn.url}/one.png", organization=lab),
                                 Paper("2608.00002", "Two", thumbnail=f"{cdn.url}/two.png")])  # fmt: skip
        env = {"IMAGE_HOSTS": "127.0.0.1", "IMAGE_MIN_INTERVAL": 0, "HTTP_RETRIES": 0}
        assert (
            ok(cli("images", "fetch", "--limit", "2", **env))
            == "pictures: 1 stored, 1 failed (tried again later), 0 refused\n"
        )
        assert re.search(
            r"pictures: 1 stored \(0\.0 MB\), 1 failed, 0 refused, 1 not tried yet", ok(cli("stats"))
        )
        assert (
            ok(cli("images", "fetch", **env))
            == "pictures: 1 stored, 0 failed (tried again later), 0 refused\n"
        )
        assert ok(cli("images", "fetch", **env)) == "pictures: nothing to fetch\n"
        with db.begin() as conn:
            upsert_papers(conn, [Paper("2608.00003", "Three", thumbnail=f"{cdn.url}/three.png")])
        ok(cli("worker", "--once", WORKER_INGEST="none", WORKER_IMAGES=5, **env))
        assert re.search(r"pictures: 3 stored .*, 1 failed, 0 refused, 0 not tried yet", ok(cli("stats")))
