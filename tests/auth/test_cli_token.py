"""``paperboy users token``: an operator mints a personal API token that a script can use at once."""

from __future__ import annotations

import os
import subprocess
import sys
from datetime import UTC, datetime

from fastapi.testclient import TestClient

from paperboy.auth import service
from paperboy.config import Settings
from paperboy.models import Paper
from paperboy.server import create_app
from paperboy.store.papers_write import upsert_papers

PAPER = "2608.19880"


def _cli(db_url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PAPERBOY_DATABASE_URL": db_url}
    return subprocess.run(
        [sys.executable, "-m", "paperboy", "users", "token", *args], env=env, capture_output=True, text=True
    )


def test_users_token_prints_a_working_api_token(engine) -> None:  # type: ignore[no-untyped-def]
    db_url = engine.url.render_as_string(hide_password=False)
    service.create_user(engine, "ada", "ada@example.org", "correct horse battery", admin=False)
    with engine.begin() as conn:
        upsert_papers(conn, [Paper(arxiv_id=PAPER, title="A paper", submitted_at=datetime.now(UTC))])
    made = _cli(db_url, "ada", "--name", "nightly export")
    assert made.returncode == 0, made.stderr
    token = made.stdout.strip()
    assert token.startswith("pbt_") and made.stdout == token + "\n", "only the token, for $(…) capture"
    second = _cli(db_url, "ada").stdout.strip()
    assert second.startswith("pbt_") and second != token

    client = TestClient(create_app(Settings(database_url=db_url), engine=engine))
    voted = client.post(f"/api/papers/{PAPER}/vote", headers={"Authorization": f"Bearer {token}"})
    assert voted.status_code == 200 and voted.json()["localUpvotes"] == 1
    settings_page = client.get("/settings", headers={"Authorization": f"Bearer {second}"})
    assert "nightly export" in settings_page.text and "command line" in settings_page.text
    assert (
        client.post(f"/api/papers/{PAPER}/vote", headers={"Authorization": "Bearer pbt_x"}).status_code == 401
    )

    missing = _cli(db_url, "nobody")
    assert missing.returncode != 0 and "no account named 'nobody'" in missing.stderr and missing.stdout == ""
    assert _cli(db_url, "ada", "--name", "   ").returncode != 0
