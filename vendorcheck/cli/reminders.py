"""``vendorcheck reminders run [--dry-run]``: queue the reminders due today and deliver the outbox, as the
running app does every few minutes by itself (for a system timer beside a server that runs no app process,
or to see what would go out)."""

from __future__ import annotations

import click

from vendorcheck import db
from vendorcheck.audit import Actor
from vendorcheck.cli.common import friendly_errors
from vendorcheck.config import load_settings, mail_server
from vendorcheck.enums import MailStatus
from vendorcheck.mail import outbox
from vendorcheck.models import OutboxMessage, utcnow
from vendorcheck.reminders import scheduler, service


@click.group("reminders")
def reminders_group() -> None:
    """Reminders by email (30 / 7 / 1 days before a date, on the day, weekly overdue) and the outbox."""


@reminders_group.command("run")
@click.option("--dry-run", is_flag=True, help="Print what would be queued and sent; write and send nothing.")
@friendly_errors
def run_command(dry_run: bool) -> None:
    """Queue every reminder due today, then send what is queued (through VENDORCHECK_SMTP_URL)."""
    from sqlalchemy import select

    from vendorcheck import create_app
    from vendorcheck.web import database
    from vendorcheck.web.background import link_builder

    settings = load_settings()
    app = create_app({"home": settings.home})  # the routes reminders link to, and the same checks as a start
    server = mail_server(settings)
    engine = db.make_engine(settings.database_url, sqlite_immediate=not dry_run)
    try:
        link_for = link_builder(app, settings)
        actor = Actor.cli("vendorcheck reminders run")
        if dry_run:
            report = service.run(
                lambda: db.transaction(engine), link_for, now=utcnow(), days_before=settings.reminder_days, dry_run=True
            )
            for planned in report.planned:
                click.echo(f"would queue  {planned.draft.recipient}  {planned.draft.subject}")
            with db.transaction(engine) as session:
                due = session.scalars(
                    select(OutboxMessage).where(
                        OutboxMessage.status == MailStatus.QUEUED, OutboxMessage.next_attempt_at <= utcnow()
                    )
                ).all()
                for message in due:
                    click.echo(f"would send   {message.recipient}  {message.subject}")
                session.rollback()
            where = server.describe() if server else "nowhere (no mail server configured)"
            click.echo(f"dry run: {len(report.planned)} reminder(s) to queue, {len(due)} queued message(s) to send "
                       f"through {where}; nothing written or sent")  # fmt: skip
            return
        done = scheduler.run_round(
            lambda: db.transaction(engine), server, link_for, actor=actor, days_before=settings.reminder_days
        )
        for planned in done.reminders.planned:
            click.echo(f"queued  {planned.draft.recipient}  {planned.draft.subject}")
        _print_delivery(engine, done.delivery, server is not None)
    finally:
        engine.dispose()
        database.dispose(app)


def _print_delivery(engine: object, delivery: outbox.Delivery, configured: bool) -> None:
    """One line per message sent or not, then a summary."""
    from sqlalchemy.orm import Session

    with Session(engine) as session:  # type: ignore[call-overload]
        for label, ids in (("sent", delivery.sent), ("retry", delivery.retrying), ("failed", delivery.failed)):
            for message_id in ids:
                message = session.get(OutboxMessage, message_id)
                if message is None:
                    continue
                error = f"  ({message.last_error})" if label != "sent" and message.last_error else ""
                click.echo(f"{label:<7} {message.recipient}  {message.subject}{error}")
    if not configured:
        waiting = f"{delivery.waiting} message(s) wait in the outbox"
        click.echo(f"{waiting}: no mail server is configured (VENDORCHECK_SMTP_URL)")
    else:
        click.echo(f"{len(delivery.sent)} sent, {len(delivery.retrying)} to retry, {len(delivery.failed)} failed")
