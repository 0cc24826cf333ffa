"""The outbox: queued once per key, delivered once, a refusing or unreachable server keeps the message queued
with the error and backoff until it is back; two schedulers on one database send each reminder once."""

from __future__ import annotations

import dataclasses
import threading
from datetime import UTC, datetime, timedelta

import pytest
from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.helpers import World
from tests.mail.conftest import CONTACT, DUE, PRIMARY, Lifecycle, transaction_for
from tests.smtp import LoopbackSmtp
from tests.web.conftest import outbox_draft
from vendorcheck import db
from vendorcheck.audit import actions
from vendorcheck.mail import outbox
from vendorcheck.models import AuditEvent, MailStatus, OutboxMessage
from vendorcheck.reminders.scheduler import MailScheduler
from vendorcheck.web.background import link_builder

T0 = datetime(2027, 2, 1, 9, 0, tzinfo=UTC)


def _message(dbs: Session) -> OutboxMessage:
    dbs.rollback()  # a fresh snapshot
    dbs.expire_all()  # and fresh objects (the rollback expires nothing outside a transaction)
    (message,) = dbs.scalars(select(OutboxMessage)).all()
    return message


def test_the_backoff_is_1_5_30_minutes_2_hours_then_6_hours_forever() -> None:
    waits = [outbox.backoff(n) for n in range(1, 8)]
    assert waits == [timedelta(minutes=m) for m in (1, 5, 30, 120, 360, 360, 360)]


def test_queueing_the_same_key_twice_keeps_one_message(dbs: Session, world: World) -> None:
    assert outbox.queue(dbs, world.org.id, outbox_draft("k")) is not None
    assert outbox.queue(dbs, world.org.id, outbox_draft("k")) is None  # the savepoint rolled back, the rest stands
    assert outbox.queue(dbs, world.other_org.id, outbox_draft("k")) is not None  # unique per organization
    dbs.commit()
    assert dbs.scalar(select(func.count()).select_from(OutboxMessage)) == 2
    queued = select(func.count()).select_from(AuditEvent).where(AuditEvent.action == actions.MAIL_QUEUED)
    assert dbs.scalar(queued) == 2


def test_a_refusing_then_unreachable_server_keeps_the_message_queued_until_it_is_back(
    app: Flask, dbs: Session, world: World, smtp: LoopbackSmtp
) -> None:
    outbox.queue(dbs, world.org.id, outbox_draft("k", CONTACT), now=T0)
    dbs.commit()
    transaction = transaction_for(app)
    smtp.refuse = "550 5.1.1 mailbox unavailable"
    done = outbox.deliver_due(transaction, smtp.server(), now=T0)
    message = _message(dbs)
    assert done.retrying == [message.id] and message.status == MailStatus.QUEUED and message.attempts == 1
    assert "550 5.1.1 mailbox unavailable" in message.last_error and message.next_attempt_at == T0 + timedelta(
        minutes=1
    )

    assert outbox.deliver_due(transaction, smtp.server(), now=T0 + timedelta(seconds=30)).retrying == []  # not yet due
    smtp.stop()
    smtp.refuse = None
    outbox.deliver_due(transaction, smtp.server(), now=T0 + timedelta(minutes=1))
    message = _message(dbs)
    assert message.status == MailStatus.QUEUED and message.attempts == 2 and "Connection refused" in message.last_error
    assert message.next_attempt_at == T0 + timedelta(minutes=6)

    smtp.start()  # the server is back
    later = T0 + timedelta(minutes=6)
    assert len(outbox.deliver_due(transaction, smtp.server(), now=later).sent) == 1
    assert outbox.deliver_due(transaction, smtp.server(), now=later + timedelta(hours=7)).sent == []
    message = _message(dbs)
    assert (message.status, message.attempts, message.last_error) == (MailStatus.SENT, 3, None)
    assert [r.rcpt_tos for r in smtp.received] == [[CONTACT]]  # never sent twice


def test_a_claim_left_by_a_process_that_died_returns_to_the_queue_after_ten_minutes(
    app: Flask, dbs: Session, world: World, smtp: LoopbackSmtp
) -> None:
    message = outbox.queue(dbs, world.org.id, outbox_draft("k", CONTACT), now=T0)
    assert outbox.claim(dbs, message.id, T0)  # a process took it and died before sending
    assert not outbox.claim(dbs, message.id, T0)  # nobody else can take it meanwhile
    dbs.commit()
    transaction = transaction_for(app)
    assert outbox.deliver_due(transaction, smtp.server(), now=T0 + timedelta(minutes=9)).sent == []
    assert len(outbox.deliver_due(transaction, smtp.server(), now=T0 + timedelta(minutes=11)).sent) == 1
    assert len(smtp.received) == 1 and _message(dbs).attempts == 2


def test_an_address_that_cannot_be_written_fails_for_good_and_a_person_can_retry_it(
    app: Flask, dbs: Session, world: World, smtp: LoopbackSmtp
) -> None:
    outbox.queue(dbs, world.org.id, outbox_draft("k", "someone@example.com\r\nBcc: evil@example.com"), now=T0)
    dbs.commit()
    done = outbox.deliver_due(transaction_for(app), smtp.server(), now=T0)
    message = _message(dbs)
    assert done.failed == [message.id] and message.status == MailStatus.FAILED and smtp.received == []
    outbox.retry_now(dbs, outbox.ACTOR, message)
    assert message.status == MailStatus.QUEUED


@pytest.mark.parametrize("rounds", [3])
def test_two_schedulers_on_one_database_send_each_reminder_once(
    app: Flask, dbs: Session, world: World, lifecycle: Lifecycle, smtp: LoopbackSmtp, rounds: int
) -> None:
    """Two app processes: two engines on the same database, each with its scheduler, run at the same moment."""
    settings = app.config["VENDORCHECK_SETTINGS"]
    engines = [db.make_engine(app.config["DATABASE_URL"]) for _ in range(2)]
    now = datetime(DUE.year, DUE.month, DUE.day, 12, tzinfo=UTC) - timedelta(days=7)
    schedulers = [
        MailScheduler(lambda e=e: db.transaction(e), smtp.server(), link_builder(app, settings), clock=lambda: now)
        for e in engines
    ]
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def work(task: MailScheduler) -> None:
        try:
            for _ in range(rounds):
                start.wait()
                task.run_once()
        except BaseException as exc:  # reported below: a thread's failure must fail the test
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(s,)) for s in schedulers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    for engine in engines:
        engine.dispose()
    assert errors == []
    assert sorted(r.rcpt_tos[0] for r in smtp.received) == sorted([CONTACT, PRIMARY])
    dbs.rollback()
    assert dbs.scalar(select(func.count()).select_from(OutboxMessage)) == 2
    sent = select(func.count()).select_from(AuditEvent).where(AuditEvent.action == actions.MAIL_SENT)
    assert dbs.scalar(sent) == 2


def test_starttls_to_a_server_that_does_not_offer_it_is_refused_never_sent_in_the_clear(
    app: Flask, dbs: Session, world: World, smtp: LoopbackSmtp
) -> None:
    outbox.queue(dbs, world.org.id, outbox_draft("k", CONTACT), now=T0)
    dbs.commit()
    server = dataclasses.replace(smtp.server(), tls="starttls")
    assert outbox.deliver_due(transaction_for(app), server, now=T0).sent == []
    message = _message(dbs)
    assert message.status == MailStatus.QUEUED and "STARTTLS" in message.last_error and smtp.received == []
