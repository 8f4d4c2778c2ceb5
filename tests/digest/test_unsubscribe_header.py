"""The one-click unsubscribe headers leave as raw ``<https://…>``, never as RFC 2047 encoded words.

Mail providers (Gmail, Yahoo) offer their unsubscribe button only when they can read the URL straight from
the header bytes (RFC 2369, RFC 8058); a parser that decodes encoded words would hide the problem, so these
tests read the bytes the SMTP server and the file backend received.
"""

from __future__ import annotations

import re
from pathlib import Path

from sqlalchemy.engine import Engine

from paperboy.digest.outbox import queue
from paperboy.digest.send import Sender
from tests.digest.conftest import FRIDAY_MORNING, add_subscribers, digest_settings
from tests.digest.smtp_server import SmtpServer

# A header line is "Name: value" ending at CRLF (SMTP) or LF (file); a folded continuation starts with space.
RAW_UNSUBSCRIBE = re.compile(
    rb"^List-Unsubscribe: <(https://papers\.example\.org/unsubscribe/[^>\s]+)>\r?$", re.M
)
RAW_ONE_CLICK = re.compile(rb"^List-Unsubscribe-Post: List-Unsubscribe=One-Click\r?$", re.M)


def _header_block(raw: bytes) -> bytes:
    return re.split(rb"\r?\n\r?\n", raw, maxsplit=1)[0]


def _check(raw: bytes) -> str:
    headers = _header_block(raw)
    assert b"=?utf-8?" not in headers.split(b"List-Unsubscribe", 1)[1].split(b"\n", 1)[0]
    found = RAW_UNSUBSCRIBE.search(headers)
    assert found, headers.decode(errors="replace")
    assert RAW_ONE_CLICK.search(headers), headers.decode(errors="replace")
    return found.group(1).decode()


def test_smtp_digest_carries_the_raw_unsubscribe_url(papers_engine: Engine, smtp: SmtpServer) -> None:
    add_subscribers(papers_engine, 2)
    settings = digest_settings(papers_engine, smtp)
    queue(papers_engine, settings, FRIDAY_MORNING)
    assert Sender(papers_engine, settings).run().sent == 2
    urls = {_check(received.raw) for received in smtp.handler.received}
    assert len(urls) == 2, "each subscriber has their own unsubscribe link"
    for url in urls:
        assert len(f"List-Unsubscribe: <{url}>") > 78, "long enough that default folding would encode it"
    text = smtp.handler.received[0].parsed().get_body(("plain",)).get_content()
    assert any(url in text for url in urls)


def test_file_backend_digest_carries_the_raw_unsubscribe_url(papers_engine: Engine, tmp_path: Path) -> None:
    add_subscribers(papers_engine, 1)
    settings = digest_settings(papers_engine, mail_backend="file", mail_dir=tmp_path / "mail")
    queue(papers_engine, settings, FRIDAY_MORNING)
    assert Sender(papers_engine, settings).run().sent == 1
    (written,) = (tmp_path / "mail").glob("*.eml")
    _check(written.read_bytes())
