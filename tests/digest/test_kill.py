"""The delivery promise under fire: an SMTP server that refuses 30 % of attempts with 4xx and 1 % with 5xx,
and a sender process killed (SIGKILL) three times, each time just as the server accepted a message (the moment
a crash can cause a duplicate). In the end every subscriber holds exactly the digests the rules require: one
per period, at most one duplicate per crash, none missing, hard-bounced addresses suppressed. SQLite and
PostgreSQL.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.engine import Engine

from paperboy.digest.outbox import queue
from paperboy.store.schema import digest_outbox, mail_suppressions, subscriptions
from tests.digest.conftest import FRIDAY_MORNING, add_subscribers, digest_settings
from tests.digest.smtp_server import Handler, SmtpServer

SUBSCRIBERS = 60
PERIODS = ("2025-09-24", "2025-09-25", "2025-09-26")
KILL_AFTER = (25, 75, 125)  # accepted messages


def _env(engine: Engine, server: SmtpServer) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PAPERBOY_")}
    env.update(
        PAPERBOY_DATABASE_URL=engine.url.render_as_string(hide_password=False),
        PAPERBOY_BASE_URL="https://papers.example.org",
        PAPERBOY_MAIL_BACKEND="smtp",
        PAPERBOY_SMTP_HOST="127.0.0.1",
        PAPERBOY_SMTP_PORT=str(server.port),
        PAPERBOY_SMTP_TLS="starttls" if server.cert else "none",
        PAPERBOY_DIGEST_RATE="500",
        PAPERBOY_DIGEST_BATCH="5",
        PAPERBOY_DIGEST_LEASE_SECONDS="1.5",
        PAPERBOY_DIGEST_RETRY_SECONDS="0.02",
        PAPERBOY_DIGEST_RETRY_MAX_SECONDS="0.2",
    )
    if server.cert:
        env["PAPERBOY_SMTP_CA_FILE"] = str(server.cert)
    return env


def test_killed_three_times_under_4xx_and_5xx(papers_engine: Engine, certificate, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    add_subscribers(papers_engine, SUBSCRIBERS)
    settings = digest_settings(papers_engine, None, digest_max_papers=5)
    for period in PERIODS:
        assert queue(papers_engine, settings, FRIDAY_MORNING, period=period).queued == SUBSCRIBERS

    handler = Handler(temp_rate=0.30, perm_rate=0.01, seed=5)
    state = {"pid": 0, "kills": 0}
    accept = handler.handle_DATA

    async def handle_data(server, session, envelope):  # type: ignore[no-untyped-def]
        answer = await accept(server, session, envelope)
        kills = state["kills"]
        if (
            answer.startswith("250")
            and kills < len(KILL_AFTER)
            and len(handler.received) >= KILL_AFTER[kills]
        ):
            state["kills"] += 1
            os.kill(state["pid"], signal.SIGKILL)  # before the client hears "250"
        return answer

    handler.handle_DATA = handle_data  # type: ignore[method-assign]
    log = tmp_path / "sender.log"
    with SmtpServer(handler, certificate) as server, log.open("ab") as out:
        command = [sys.executable, "-m", "paperboy", "digest", "send", "--wait", "--no-queue"]
        deadline = time.monotonic() + 120
        starts = 0
        while True:
            proc = subprocess.Popen(command, env=_env(papers_engine, server), stdout=out, stderr=out)
            starts += 1
            state["pid"] = proc.pid
            try:
                code = proc.wait(timeout=max(1.0, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                proc.kill()
                raise AssertionError(f"sender did not finish: {log.read_text()[-3000:]}") from None
            if code == -signal.SIGKILL:
                continue
            assert code == 0, log.read_text()[-3000:]
            break
    assert state["kills"] == 3 and starts == 4
    assert handler.temp_failures > 20 and handler.bounced  # the failures really happened

    with papers_engine.connect() as conn:
        rows = conn.execute(
            sa.select(
                digest_outbox.c.id, digest_outbox.c.email, digest_outbox.c.period, digest_outbox.c.status
            )
        ).all()
        suppressed = {e for (e,) in conn.execute(sa.select(mail_suppressions.c.email))}
        bounced_subs = {
            e
            for (e,) in conn.execute(
                sa.select(subscriptions.c.email).where(subscriptions.c.status == "bounced")
            )
        }
    assert len(rows) == SUBSCRIBERS * len(PERIODS)  # one row per (subscriber, period), by constraint
    copies = Counter(r.message_id for r in handler.received)
    extra = 0
    for row in rows:
        got = sum(n for mid, n in copies.items() if mid.startswith(f"<digest-{row.id}-{row.period}@"))
        assert row.status in ("sent", "bounced", "suppressed"), row
        if row.status == "sent":
            assert got >= 1, f"missing digest: {row}"
            extra += got - 1
        else:
            assert row.email in handler.bounced, row  # only hard-bounced addresses go without
            extra += got  # delivered before a crash, then refused when re-sent
    print(f"{len(handler.received)} accepted, {handler.temp_failures} 4xx, {extra} extra")
    assert extra <= state["kills"], f"{extra} duplicates for {state['kills']} crashes"
    # Every address that answered 5xx is suppressed, and nothing reached it afterwards.
    attempted_bounces = {r.email for r in rows if r.status == "bounced"}
    assert attempted_bounces and attempted_bounces <= suppressed and attempted_bounces <= bounced_subs
    for email in attempted_bounces:
        statuses = [r.status for r in sorted(rows, key=lambda r: r.period) if r.email == email]
        assert "bounced" in statuses and statuses[statuses.index("bounced") + 1 :].count("sent") == 0
