"""Real ``paperboy serve`` processes with the operator's own settings (workers, log format, tokens)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.server.conftest import ServerProcess, loaded_database  # noqa: F401 - a fixture used here

StartServer = Callable[..., ServerProcess]


class ConfiguredServer(ServerProcess):
    """A ServerProcess with extra ``serve`` arguments and PAPERBOY_* settings."""

    def __init__(self, database_url: str, workdir: Path, args: list[str], env: dict[str, str]) -> None:
        super().__init__(database_url, workdir)
        self.args = args
        self.env.update(PAPERBOY_SEARCH_MODEL="none", **env)  # no query model: start-up in seconds


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[StartServer]:
    """``serve(database_url, *args, **settings)`` starts a server and waits until it is ready."""
    servers: list[ServerProcess] = []

    def start(database_url: str, *args: str, **env: str) -> ServerProcess:
        server = ConfiguredServer(database_url, tmp_path / f"server-{len(servers)}", list(args), env)
        servers.append(server)
        server.start()
        server.wait_ready()
        return server

    yield start
    for server in servers:
        server.kill()
