"""A real SMTP server (aiosmtpd) on 127.0.0.1 with STARTTLS, recording what it accepts and failing on demand.

Failures are drawn per attempt: ``temp_rate`` of them get a 4xx (at RCPT or at the end of DATA, so both
client paths are exercised), ``perm_rate`` a 5xx at RCPT; a mailbox that once answered 5xx stays gone, as a
real non-existent mailbox does.
"""

from __future__ import annotations

import random
import shutil
import ssl
import subprocess
import threading
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from tests.conftest import free_port


@dataclass
class Received:
    rcpt: str
    message_id: str
    subject: str
    raw: bytes

    def parsed(self) -> EmailMessage:
        return message_from_bytes(self.raw, policy=policy.default)  # type: ignore[return-value]


@dataclass
class Handler:
    temp_rate: float = 0.0
    perm_rate: float = 0.0
    seed: int = 1
    received: list[Received] = field(default_factory=list)
    bounced: set[str] = field(default_factory=set)
    attempts: int = 0
    temp_failures: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # type: ignore[no-untyped-def]
        with self.lock:
            self.attempts += 1
            address = address.lower()
            if address in self.bounced:
                return "550 5.1.1 mailbox unavailable"
            draw = self.rng.random()
            if draw < self.perm_rate:
                self.bounced.add(address)
                return "550 5.1.1 mailbox unavailable"
            if draw < self.perm_rate + self.temp_rate / 2:
                self.temp_failures += 1
                return "451 4.3.0 try again later"
            envelope.fail_data = self.rng.random() < self.temp_rate / 2
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        if getattr(envelope, "fail_data", False):
            with self.lock:
                self.temp_failures += 1
            return "452 4.3.1 insufficient storage, try later"
        parsed = message_from_bytes(envelope.content, policy=policy.default)
        with self.lock:
            for rcpt in envelope.rcpt_tos:
                self.received.append(
                    Received(rcpt, str(parsed["Message-ID"]), str(parsed["Subject"]), envelope.content)
                )
        return "250 Message accepted"

    def for_rcpt(self, address: str) -> list[Received]:
        with self.lock:
            return [r for r in self.received if r.rcpt == address.lower()]


def make_certificate(directory: Path) -> tuple[Path, Path] | None:
    """A self-signed certificate for 127.0.0.1 (openssl CLI); None when openssl is missing."""
    if shutil.which("openssl") is None:
        return None
    cert, key = directory / "cert.pem", directory / "key.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
         "-days", "2", "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return cert, key


class Login:
    """aiosmtpd authenticator accepting one user name and password (AUTH PLAIN or LOGIN), counting tries."""

    def __init__(self, user: str, password: str) -> None:
        self.user, self.password = user, password
        self.accepted = self.refused = 0

    def __call__(self, server, session, envelope, mechanism, auth_data) -> AuthResult:  # type: ignore[no-untyped-def]
        ok = (
            isinstance(auth_data, LoginPassword)
            and auth_data.login.decode() == self.user
            and auth_data.password.decode() == self.password
        )
        if ok:
            self.accepted += 1
        else:
            self.refused += 1
        return AuthResult(success=ok, handled=False)  # not handled: aiosmtpd answers 235 or 535 itself


class SmtpServer:
    """STARTTLS when given a certificate (or implicit TLS, port-465 style, with ``implicit_tls``), and AUTH
    required when given a ``login``."""

    def __init__(
        self,
        handler: Handler,
        certificate: tuple[Path, Path] | None,
        implicit_tls: bool = False,
        login: Login | None = None,
    ) -> None:
        self.handler = handler
        self.port = free_port()
        self.cert = certificate[0] if certificate else None
        self.implicit_tls = implicit_tls
        self.login = login
        kwargs: dict = {}
        if certificate:
            context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
            context.load_cert_chain(str(certificate[0]), str(certificate[1]))
            kwargs = (
                {"ssl_context": context}
                if implicit_tls
                else {"tls_context": context, "require_starttls": True}
            )
        if login is not None:
            # aiosmtpd counts only STARTTLS as TLS for AUTH; with implicit TLS every byte is encrypted anyway.
            kwargs |= {"authenticator": login, "auth_required": True, "auth_require_tls": not implicit_tls}
        self.controller = Controller(handler, hostname="127.0.0.1", port=self.port, **kwargs)

    def settings(self) -> dict:
        """Settings overrides that point paperboy's SMTP backend here."""
        tls = ("ssl" if self.implicit_tls else "starttls") if self.cert else "none"
        return {
            "mail_backend": "smtp",
            "smtp_host": "127.0.0.1",
            "smtp_port": self.port,
            "smtp_tls": tls,
            "smtp_ca_file": self.cert,
            "smtp_user": self.login.user if self.login else "",
            "smtp_password": self.login.password if self.login else "",
        }

    def __enter__(self) -> SmtpServer:
        self.controller.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.controller.stop()
