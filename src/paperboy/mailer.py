"""Outgoing mail: console and file backends for local runs, SMTP with TLS in production.

Messages are built with the standard library's ``EmailMessage``; callers give both a text and an HTML part
when they have one. A send failure raises ``MailError`` with the SMTP code so callers can retry (4xx) or give
up on an address (5xx).
"""

from __future__ import annotations

import logging
import smtplib
import ssl
import uuid
from email.message import EmailMessage
from email.policy import EmailPolicy
from email.utils import formatdate, make_msgid
from pathlib import Path

from paperboy.config import Settings

log = logging.getLogger("paperboy.mail")


# RFC 2369 / RFC 8058: providers offer one-click unsubscribe only when these carry the raw ``<https://…>``.
RAW_HEADERS = frozenset({"list-unsubscribe", "list-unsubscribe-post"})
MAX_RAW_LINE = 998  # RFC 5322's hard limit on a line


class MailPolicy(EmailPolicy):
    """The default policy, except that the List-Unsubscribe headers are written as given, on one line.

    The default folds any header longer than 78 characters, and a URL without spaces can only be folded
    into RFC 2047 encoded words (``=?utf-8?q?=3Chttps…?=``), which mail providers do not read as a
    List-Unsubscribe URL. Values that are not plain ASCII or would pass the hard line limit fold as usual.
    """

    def _raw(self, name: str, value: str) -> str | None:
        text = str(value)
        line = f"{name}: {text}"
        if name.lower() in RAW_HEADERS and text.isascii() and len(line) <= MAX_RAW_LINE:
            return line + self.linesep
        return None

    def fold(self, name: str, value: str) -> str:
        return self._raw(name, value) or super().fold(name, value)

    def fold_binary(self, name: str, value: str) -> bytes:
        raw = self._raw(name, value)
        return raw.encode("ascii") if raw is not None else super().fold_binary(name, value)


MAIL_POLICY = MailPolicy()


class MailError(Exception):
    def __init__(self, message: str, code: int | None = None) -> None:
        super().__init__(message)
        self.code = code

    @property
    def permanent(self) -> bool:
        return self.code is not None and 500 <= self.code < 600


def build_message(
    settings: Settings,
    to: str,
    subject: str,
    text: str,
    html: str | None = None,
    headers: dict[str, str] | None = None,
    message_id: str | None = None,
) -> EmailMessage:
    message = EmailMessage(policy=MAIL_POLICY)
    message["From"] = settings.mail_from
    message["To"] = to
    message["Subject"] = subject
    message["Date"] = formatdate(localtime=False)
    message["Message-ID"] = message_id or make_msgid(domain="paperboy.local")
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(text)
    if html is not None:
        # base64 is encoded in C; the default quoted-printable encoder is pure Python and costs several ms
        # for a 30 KB newsletter, which matters when sending thousands of digests.
        message.add_alternative(
            html.encode("utf-8"), maintype="text", subtype="html", cte="base64", params={"charset": "utf-8"}
        )
    return message


def send(settings: Settings, message: EmailMessage) -> None:
    backend = settings.mail_backend
    if backend == "console":
        log.info(
            "mail to %s: %s\n%s",
            message["To"],
            message["Subject"],
            message.get_body(("plain",)).get_content(),
        )
    elif backend == "file":
        settings.mail_dir.mkdir(parents=True, exist_ok=True)
        # Written under another name, then renamed: a reader never sees half a message.
        name = uuid.uuid4().hex
        partial = settings.mail_dir / f".{name}.partial"
        partial.write_bytes(bytes(message))
        partial.replace(settings.mail_dir / f"{name}.eml")
    else:
        _send_smtp(settings, message)


def _send_smtp(settings: Settings, message: EmailMessage) -> None:
    with SmtpSession(settings) as session:
        session.send(message)


def tls_context(settings: Settings) -> ssl.SSLContext:
    """Certificate checks always on; ``PAPERBOY_SMTP_CA_FILE`` trusts a private CA (or a test server's)."""
    ca_file = getattr(settings, "smtp_ca_file", None)
    return ssl.create_default_context(cafile=str(ca_file) if ca_file else None)


class SmtpSession:
    """One SMTP connection reused for many messages (digests go out in bulk), reopened when it drops.

    A refused message (4xx/5xx) leaves the connection usable: smtplib sends RSET before raising. Every
    failure becomes ``MailError`` carrying the SMTP code, so callers decide between retry and suppression.
    """

    def __init__(self, settings: Settings, timeout: float = 30) -> None:
        self.settings = settings
        self.timeout = timeout
        self.client: smtplib.SMTP | None = None

    def __enter__(self) -> SmtpSession:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _connect(self) -> smtplib.SMTP:
        settings = self.settings
        context = tls_context(settings)
        if settings.smtp_tls == "ssl":
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                settings.smtp_host, settings.smtp_port, timeout=self.timeout, context=context
            )
        else:
            client = smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=self.timeout)
        try:
            if settings.smtp_tls == "starttls":
                client.starttls(context=context)
            if settings.smtp_user:
                client.login(settings.smtp_user, settings.smtp_password)
        except BaseException:
            client.close()
            raise
        return client

    def send(self, message: EmailMessage) -> None:
        try:
            if self.client is None:
                self.client = self._connect()
            self.client.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            code = min((c for c, _ in exc.recipients.values()), default=None)
            raise MailError(f"recipient refused: {exc.recipients}", code) from None
        except smtplib.SMTPServerDisconnected as exc:
            self.close()
            raise MailError(f"SMTP server disconnected: {exc}") from None
        except smtplib.SMTPAuthenticationError as exc:
            # Our login was refused: a fault of this site's settings, never of the recipient's address, so
            # no code (a 535 here must not read as a hard bounce that suppresses the reader for good).
            self.close()
            raise MailError(
                f"SMTP login refused ({exc.smtp_code}): check PAPERBOY_SMTP_USER / _PASSWORD"
            ) from None
        except smtplib.SMTPResponseException as exc:
            if exc.smtp_code == 421:  # the server is closing this connection
                self.close()
            raise MailError(f"SMTP {exc.smtp_code}: {exc.smtp_error!r}", exc.smtp_code) from None
        except (OSError, smtplib.SMTPException) as exc:
            self.close()
            raise MailError(f"SMTP failure: {exc}") from None

    def close(self) -> None:
        client, self.client = self.client, None
        if client is None:
            return
        try:
            client.quit()
        except (OSError, smtplib.SMTPException):
            client.close()


def read_mail_dir(directory: Path) -> list[bytes]:
    """Messages written by the file backend, oldest first (for tests and local debugging)."""
    return [p.read_bytes() for p in sorted(directory.glob("*.eml"), key=lambda p: p.stat().st_mtime_ns)]
