"""The site secret: configured, or generated once and kept in a file beside the data.

The secret signs sessions' CSRF tokens, emailed links and digest links, so a value anyone can read (a default
in the source) would let anyone forge them. When ``PAPERBOY_SECRET_KEY`` is not set, the first process to
start writes a random secret to the secret file (readable by its owner only) and every later process, the
server, the worker and the CLI alike, reads the same file. The file appears whole or not at all: it is
written under a temporary name and linked into place, so two processes starting together agree on one value.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

from sqlalchemy.engine import make_url

# The value older releases used when none was configured: published, so refused everywhere.
KNOWN_DEVELOPMENT_SECRET = "paperboy-development-secret-change-me"
SECRET_BYTES = 48


def default_secret_path(database_url: str) -> Path:
    """Beside a SQLite file (``paperboy.db.secret``), else ``paperboy.secret`` in the working folder."""
    try:
        url = make_url(database_url)
    except Exception:  # noqa: BLE001 - an unreadable URL fails later with its own message
        return Path("paperboy.secret")
    if url.get_backend_name() == "sqlite" and url.database and url.database != ":memory:":
        return Path(url.database + ".secret")
    return Path("paperboy.secret")


def load_or_create(path: Path) -> str:
    """The secret stored at ``path``, created with a random value if the file does not exist yet."""
    try:
        return _read(path)
    except FileNotFoundError:
        pass
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w") as out:
            out.write(secrets.token_urlsafe(SECRET_BYTES) + "\n")
        with contextlib.suppress(FileExistsError):  # another process was first: use its value
            os.link(temporary, path)
    finally:
        temporary.unlink(missing_ok=True)
    return _read(path)


def _read(path: Path) -> str:
    value = path.read_text().strip()
    if len(value) < 32:
        raise ValueError(f"the secret file {path} holds less than 32 characters; delete it to make a new one")
    return value
