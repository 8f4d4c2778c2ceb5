"""The command line: every command explains itself, settings are documented, the schema guard holds."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from paperboy.cli import app
from paperboy.config import Settings
from paperboy.errors import SchemaOutdated
from paperboy.server import create_app
from paperboy.store.engine import create_engine

README = (Path(__file__).resolve().parents[1] / "README.md").read_text()
COMMANDS = [
    "init",
    "migrate",
    "serve",
    "demo",
    "stats",
    "ingest hf",
    "ingest arxiv-api",
    "ingest arxiv-oai",
    "ingest arxiv-rss",
    "ingest snapshot",
    "users create",
    "users role",
    "users token",
    "embed",
    "reindex",
    "search",
    "worker",
    "digest send",
    "digest queue",
    "digest status",
    "images fetch",
]


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help_and_is_in_the_readme(command: str) -> None:
    result = CliRunner().invoke(app, [*command.split(), "--help"])
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output and len(result.output) > 200
    assert f"paperboy {command}" in README


@pytest.mark.parametrize("name", sorted(Settings.model_fields))
def test_every_setting_is_documented(name: str) -> None:
    assert f"`PAPERBOY_{name.upper()}`" in README


def test_a_malformed_setting_names_the_variable(tmp_path: Path) -> None:
    env = {**os.environ, "PAPERBOY_PORT": "eighty", "PAPERBOY_DATABASE_URL": f"sqlite:///{tmp_path}/x.db"}
    result = subprocess.run(
        [sys.executable, "-m", "paperboy", "stats"], env=env, capture_output=True, text=True
    )
    assert result.returncode != 0 and "port" in result.stderr.lower()


def test_server_refuses_an_outdated_schema_until_migrated(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    engine = create_engine(url)
    with pytest.raises(SchemaOutdated, match="paperboy migrate"):
        create_app(Settings(database_url=url), engine=engine)
    env = {**os.environ, "PAPERBOY_DATABASE_URL": url}
    check = subprocess.run(
        [sys.executable, "-m", "paperboy", "migrate", "--check"], env=env, capture_output=True, text=True
    )
    assert check.returncode == 1 and "pending" in check.stdout
    subprocess.run([sys.executable, "-m", "paperboy", "migrate"], env=env, check=True, capture_output=True)
    assert create_app(Settings(database_url=url), engine=engine) is not None
    auto = f"sqlite:///{tmp_path / 'auto.db'}"
    assert create_app(Settings(database_url=auto, auto_migrate=True), engine=create_engine(auto)) is not None


def test_ingest_of_broken_files_exits_non_zero_and_names_them(tmp_path: Path) -> None:
    from tests.conftest import HF_DAILY

    env = {**os.environ, "PAPERBOY_DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"}
    subprocess.run([sys.executable, "-m", "paperboy", "init"], env=env, check=True, capture_output=True)
    result = subprocess.run(
        [sys.executable, "-m", "paperboy", "ingest", "hf", "--dir", str(HF_DAILY / "transformed")],
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1
    assert "2024-12-11.json" in result.stderr and "Python repr string" in result.stderr
    stats = subprocess.run(
        [sys.executable, "-m", "paperboy", "stats"], env=env, capture_output=True, text=True
    )
    assert "papers: 0" in stats.stdout and "2025-01-10.json" in stats.stdout
