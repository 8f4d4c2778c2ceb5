"""``paperboy digest …``: queue what is due, send the outbox, inspect it."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import typer
from sqlalchemy.engine import Engine

from paperboy.cli.engine import open_engine
from paperboy.config import Settings, get_settings

digest_app = typer.Typer(
    help="Digests: queue what is due, send the outbox, inspect it.", no_args_is_help=True
)


def _now(at: str | None) -> datetime:
    from paperboy.digest.send import utcnow

    if not at:
        return utcnow()
    try:
        value = datetime.fromisoformat(at)
    except ValueError:
        raise typer.BadParameter("--at must be an ISO date-time, e.g. 2025-09-26T08:00:00+00:00") from None
    return value if value.tzinfo else value.astimezone()


def _recommender(engine: Engine, settings: Settings):  # type: ignore[no-untyped-def]
    from paperboy.digest.personal import recommender_factory

    return recommender_factory(engine, settings)


@digest_app.command("queue")
def queue_cmd(
    period: Annotated[
        str | None,
        typer.Option(help="Force a period (YYYY-MM-DD or YYYY-Www) for every active subscription."),
    ] = None,
    at: Annotated[str | None, typer.Option(help="Pretend it is this time (ISO date-time).")] = None,
) -> None:
    """Add an outbox row for every subscription whose digest is due (safe to run again)."""
    from paperboy.digest.outbox import queue

    settings, engine = get_settings(), open_engine()
    report = queue(engine, settings, _now(at), period, _recommender(engine, settings))
    typer.echo(report.summary())


@digest_app.command("send")
def send_cmd(
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="Show what would go out now; queue and send nothing.")
    ] = False,
    wait: Annotated[
        bool, typer.Option(help="Keep going through retry back-offs until no digest is left unfinished.")
    ] = False,
    queue_first: Annotated[bool, typer.Option("--queue/--no-queue", help="Queue due digests first.")] = True,
    at: Annotated[str | None, typer.Option(help="Pretend it is this time (ISO date-time).")] = None,
) -> None:
    """Queue due digests, then send the outbox over the mail backend (PAPERBOY_MAIL_BACKEND)."""
    settings, engine, now = get_settings(), open_engine(), _now(at)
    if dry_run:
        _dry_run(engine, settings, now)
        return
    from paperboy.digest.outbox import queue
    from paperboy.digest.send import Sender

    if queue_first:
        typer.echo(queue(engine, settings, now, None, _recommender(engine, settings)).summary())
    report = Sender(engine, settings).run(wait=wait)
    typer.echo(report.summary())


def _dry_run(engine: Engine, settings: Settings, now: datetime) -> None:
    from paperboy.digest.outbox import due, plan
    from paperboy.store import outbox
    from paperboy.store.papers import views_by_id

    pairs = due(engine, now)
    total = 0
    for chunk in plan(engine, settings, now, pairs, _recommender(engine, settings)):
        with engine.connect() as conn:
            views = views_by_id(conn, [p.paper_id for item in chunk for p in item.picks], include_hidden=True)
        for item in chunk:
            if not item.picks:
                typer.echo(f"{item.sub.email} [{item.period}]: nothing new, no mail")
                continue
            total += 1
            typer.echo(f"{item.sub.email} [{item.period}] {len(item.picks)} papers:")
            for pick in item.picks:
                title = views[pick.paper_id].paper.title if pick.paper_id in views else pick.paper_id
                typer.echo(f"  - {title}\n      why: {pick.reason}")
    with engine.connect() as conn:
        waiting = outbox.counts(conn)
    typer.echo(
        f"{total} digests would be queued now; outbox: "
        + (", ".join(f"{n} {status}" for status, n in sorted(waiting.items())) or "empty")
    )


@digest_app.command("status")
def status_cmd(period: Annotated[str | None, typer.Option(help="Only this period.")] = None) -> None:
    """Outbox rows by status (pending, sent, bounced, …)."""
    from paperboy.store import outbox

    with open_engine().connect() as conn:
        found = outbox.counts(conn, period)
    for name, count in sorted(found.items()):
        typer.echo(f"{name:>11}: {count}")
