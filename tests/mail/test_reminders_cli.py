"""``vendorcheck reminders run [--dry-run]`` on the demo instance: dry run writes and sends nothing; a run
queues and sends each reminder once through a real SMTP server; bad mail settings are one line."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from tests.helpers import run_cli
from tests.smtp import SENDER, LoopbackSmtp
from vendorcheck import db
from vendorcheck.models import AuditEvent, OutboxMessage

PUBLIC = {"VENDORCHECK_PUBLIC_URL": "https://vendorcheck.riverside.example"}


def _count(home: Path, model: type) -> int:
    engine = db.make_engine(f"sqlite:///{home / 'vendorcheck.db'}")
    try:
        with db.transaction(engine) as session:
            return session.scalar(select(func.count()).select_from(model))
    finally:
        engine.dispose()


def test_a_dry_run_writes_and_sends_nothing_and_a_run_sends_each_reminder_once(
    demo_home: Path, smtp: LoopbackSmtp
) -> None:
    mail = {**PUBLIC, "VENDORCHECK_SMTP_URL": smtp.url, "VENDORCHECK_MAIL_FROM": SENDER}
    events = _count(demo_home, AuditEvent)
    dry = run_cli(demo_home, "reminders", "run", "--dry-run", **mail)
    assert dry.exit_code == 0, dry.output
    planned = [line for line in dry.output.splitlines() if line.startswith("would queue")]
    assert planned and "nothing written or sent" in dry.output
    assert _count(demo_home, OutboxMessage) == 0 and _count(demo_home, AuditEvent) == events and smtp.received == []

    first = run_cli(demo_home, "reminders", "run", **mail)
    assert first.exit_code == 0, first.output
    assert len([line for line in first.output.splitlines() if line.startswith("queued")]) == len(planned)
    assert len(smtp.received) == len(planned) and f"{len(planned)} sent, 0 to retry, 0 failed" in first.output
    assert all(
        "https://vendorcheck.riverside.example/" in r.part("plain")
        for r in smtp.received
        if "Open it" in r.part("plain")
    )
    again = run_cli(demo_home, "reminders", "run", **mail)
    assert again.exit_code == 0 and "queued" not in again.output and len(smtp.received) == len(planned)


def test_without_a_mail_server_reminders_wait_in_the_outbox(demo_home: Path) -> None:
    result = run_cli(demo_home, "reminders", "run", **PUBLIC)
    assert result.exit_code == 0, result.output
    assert "wait in the outbox: no mail server is configured" in result.output and _count(demo_home, OutboxMessage) > 0


def test_a_malformed_smtp_url_is_one_line_and_nothing_runs(demo_home: Path) -> None:
    result = run_cli(demo_home, "reminders", "run", **PUBLIC, VENDORCHECK_SMTP_URL="smtp://mail.example.net")
    assert result.exit_code == 2
    assert result.output.strip().count("\n") == 0 and "VENDORCHECK_SMTP_URL" in result.output
    assert _count(demo_home, OutboxMessage) == 0
