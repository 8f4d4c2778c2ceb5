"""One outbox row as a mail: both parts, RFC 8058 one-click unsubscribe headers, a stable Message-ID."""

from __future__ import annotations

from email.message import EmailMessage
from urllib.parse import urlsplit

from paperboy import mailer
from paperboy.config import Settings
from paperboy.digest import render, tokens
from paperboy.models import PaperView
from paperboy.store.outbox import OutboxRow
from paperboy.store.subscriptions import Subscription


def message_id(settings: Settings, row_id: int, period: str) -> str:
    """The same for every attempt at one row, so a receiver can drop the duplicate a crash may cause."""
    host = urlsplit(settings.base_url).hostname or "paperboy.local"
    return f"<digest-{row_id}-{period}@{host}>"


def links(settings: Settings, sub: Subscription, view_token: str | None) -> render.Links:
    """``view_token``: the random token of this digest's "view in browser" link (its hash is stored)."""
    base = settings.base_url.rstrip("/")
    return render.Links(
        base=base,
        unsubscribe=f"{base}/unsubscribe/{tokens.unsubscribe_token(settings.secret_key, sub.token)}",
        view=f"{base}/digest/{view_token}" if view_token else None,
        manage=f"{base}/subscriptions" if sub.personal else None,
    )


def items(
    settings: Settings, picks: list[dict], views: dict[int, PaperView], cache: dict[int, dict] | None = None
) -> list[dict]:
    """Display fields of each pick with its reason; ``cache`` shares a paper's fields across many digests."""
    base = settings.base_url.rstrip("/")
    found = []
    for p in picks:
        pid = p["paper_id"]
        if pid not in views:
            continue
        fields = cache.get(pid) if cache is not None else None
        if fields is None:
            fields = render.paper_fields(views[pid], base)
            if cache is not None:
                cache[pid] = fields
        found.append({**fields, "reason": p["reason"]})
    return found


def compose(
    settings: Settings,
    row: OutboxRow,
    sub: Subscription,
    views: dict[int, PaperView],
    cache: dict[int, dict] | None = None,
    view_token: str | None = None,
) -> EmailMessage:
    shown = items(settings, row.picks, views, cache)
    where = links(settings, sub, view_token)
    html, text = render.render(settings.site_name, row.period, shown, where, sub.personal, sub.frequency)
    headers = {
        "List-Unsubscribe": f"<{where.unsubscribe}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
        "List-Id": f"{settings.site_name} digest <digest.{urlsplit(settings.base_url).hostname or 'local'}>",
        "Auto-Submitted": "auto-generated",
    }
    subject = render.subject(settings.site_name, row.period, len(shown), sub.personal)
    return mailer.build_message(
        settings,
        row.email,
        subject,
        text,
        html,
        headers=headers,
        message_id=message_id(settings, row.id, row.period),
    )
