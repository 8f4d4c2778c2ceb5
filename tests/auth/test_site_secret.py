"""The site secret is never a published value: generated once per data folder, shared by every process."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from itsdangerous import URLSafeSerializer
from pydantic import ValidationError

from paperboy.auth.site_secret import KNOWN_DEVELOPMENT_SECRET
from paperboy.config import Settings
from paperboy.digest import tokens
from paperboy.server import create_app

PRINT_SECRET = "from paperboy.config import Settings; print(Settings().secret_key)"


@pytest.fixture
def no_configured_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("PAPERBOY_SECRET_KEY", raising=False)


def test_a_random_secret_is_made_on_first_run_and_kept(no_configured_secret: None, tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'site' / 'paperboy.db'}"
    first = Settings(database_url=url)
    kept = tmp_path / "site" / "paperboy.db.secret"
    assert kept.exists() and stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert len(first.secret_key) >= 48 and first.secret_key != KNOWN_DEVELOPMENT_SECRET
    assert Settings(database_url=url).secret_key == first.secret_key, "a restart keeps the secret"
    other = Settings(database_url=f"sqlite:///{tmp_path / 'other' / 'paperboy.db'}")
    assert other.secret_key != first.secret_key, "two sites never share a generated secret"
    chosen = Settings(database_url=url, secret_file=tmp_path / "conf" / "secret")
    assert chosen.secret_key not in (first.secret_key, other.secret_key)
    assert (tmp_path / "conf" / "secret").read_text().strip() == chosen.secret_key


def test_processes_starting_together_agree_on_one_secret(no_configured_secret: None, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAPERBOY_")}
    env["PAPERBOY_DATABASE_URL"] = f"sqlite:///{tmp_path / 'paperboy.db'}"
    processes = [
        subprocess.Popen([sys.executable, "-c", PRINT_SECRET], env=env, stdout=subprocess.PIPE, text=True)
        for _ in range(6)
    ]
    secrets = {p.communicate(timeout=60)[0].strip() for p in processes}
    assert len(secrets) == 1 and secrets != {""}
    assert (tmp_path / "paperboy.db.secret").read_text().strip() == secrets.pop()


def test_the_published_development_secret_is_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'paperboy.db'}"
    for environment in ("development", "production"):
        with pytest.raises(ValidationError, match="published development secret"):
            Settings(database_url=url, secret_key=KNOWN_DEVELOPMENT_SECRET, environment=environment)


def test_links_signed_with_the_old_default_are_refused(no_configured_secret: None, engine) -> None:  # type: ignore[no-untyped-def]
    settings = Settings(database_url=str(engine.url), secret_file=None)
    client = TestClient(create_app(settings, engine=engine))
    signed_view = URLSafeSerializer(KNOWN_DEVELOPMENT_SECRET, salt="x").dumps(1)  # any old-style token
    assert client.get(f"/digest/{signed_view}").status_code == 404
    forged_unsubscribe = tokens.unsubscribe_token(KNOWN_DEVELOPMENT_SECRET, "anything")
    assert client.get(f"/unsubscribe/{forged_unsubscribe}").status_code == 400
