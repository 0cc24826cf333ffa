"""Reminders reach a real SMTP server once each, to the right people, with no answers or patient data; a frozen
clock walks an item through 30 / 7 / 1 days before, the day, and weekly overdue."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

from flask import Flask
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.helpers import World
from tests.mail.conftest import CONTACT, DUE, PRIMARY, Lifecycle, transaction_for
from tests.smtp import LoopbackSmtp
from vendorcheck.audit import actions
from vendorcheck.models import (
    ActorKind,
    Answer,
    Assessment,
    AssessmentStatus,
    AuditEvent,
    MailStatus,
    OutboxMessage,
    Role,
    utcnow,
)
from vendorcheck.reminders import scheduler
from vendorcheck.web.background import link_builder

SECRET_ANSWER = "PATIENT Maria Gonzalez DOB 1961-04-02"


def at(day: date) -> datetime:
    """Noon UTC on ``day``: the frozen clock of a round."""
    return datetime.combine(day, time(12), tzinfo=UTC)


def run(app: Flask, smtp: LoopbackSmtp, day: date) -> scheduler.Round:
    """One scheduler round as the app runs it, on ``day``."""
    settings = app.config["VENDORCHECK_SETTINGS"]
    return scheduler.run_round(transaction_for(app), smtp.server(), link_builder(app, settings), now=at(day))


def test_reminders_arrive_once_with_the_right_recipients_and_nothing_private(
    app: Flask, dbs: Session, world: World, lifecycle: Lifecycle, smtp: LoopbackSmtp
) -> None:
    dbs.add(Answer(assessment_id=lifecycle.assessment_id, question_id="q1", value=SECRET_ANSWER,
                   comment=SECRET_ANSWER, entered_by_kind=ActorKind.VENDOR_LINK))  # fmt: skip
    dbs.commit()
    day = DUE - timedelta(days=7)
    first = run(app, smtp, day)
    second = run(app, smtp, day)
    assert len(first.delivery.sent) == 2 and second.reminders.queued == [] and second.delivery.sent == []
    assert {r.rcpt_tos[0] for r in smtp.received} == {CONTACT, PRIMARY}  # the assessment's contact; the primary
    (answers,) = smtp.to(CONTACT)
    assert "HIPAA security review" in answers.message["Subject"] and "Acme Billing" in answers.part("plain")
    assert "2027-03-01" in answers.part("plain") and "due in 7 days" in answers.part("plain")
    assert "still works until" in answers.part("plain")  # what they need, never a link into vendorcheck
    (document,) = smtp.to(PRIMARY)
    assert "SOC 2 Type II report expires" in document.part("plain")
    for received in smtp.received:
        text, html = received.part("plain"), received.part("html")
        assert SECRET_ANSWER not in text + html and "secret content" not in text + html
        assert "http" not in text and "<img" not in html and "src=" not in html
        assert received.message["Auto-Submitted"] == "auto-generated"
    queued = dbs.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == actions.MAIL_QUEUED))
    sent = dbs.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.action == actions.MAIL_SENT))
    assert queued == sent == 2


def test_a_frozen_clock_walks_the_reminders_30_7_1_days_the_day_and_weekly_overdue(
    app: Flask, dbs: Session, lifecycle: Lifecycle, smtp: LoopbackSmtp
) -> None:
    walked = {}
    for offset in (-40, -30, -29, -20, -7, -6, -1, 0, 3, 6, 7, 10, 14, 20, 21):
        run(app, smtp, DUE + timedelta(days=offset))
        walked[offset] = len(smtp.to(CONTACT))
    news = [offset for offset in walked if walked[offset] > walked.get(_before(walked, offset), 0)]
    assert news == [-30, -7, -1, 0, 7, 14, 21]
    subjects = [r.message["Subject"] for r in smtp.to(CONTACT)]
    assert "due in 30 days" in subjects[0] and "due tomorrow" in subjects[2] and "due today" in subjects[3]
    assert "7 days overdue" in subjects[4] and "21 days overdue" in subjects[6]
    dbs.rollback()  # a fresh snapshot, after the rounds committed
    keys = sorted(dbs.scalars(select(OutboxMessage.dedupe_key).where(OutboxMessage.recipient == CONTACT)))
    assert [k.split("|")[1] for k in keys] == ["1d", "30d", "7d", "due", "overdue-1w", "overdue-2w", "overdue-3w"]


def _before(walked: dict[int, int], offset: int) -> int:
    earlier = [o for o in walked if o < offset]
    return max(earlier) if earlier else offset - 1


def test_answers_waiting_on_review_go_to_active_admins_and_assessors_then_weekly(
    app: Flask, dbs: Session, world: World, lifecycle: Lifecycle, smtp: LoopbackSmtp
) -> None:
    assessment = dbs.get(Assessment, lifecycle.assessment_id)
    assessment.status, assessment.submitted_at = AssessmentStatus.SUBMITTED, utcnow()
    dbs.commit()
    day = date(2027, 1, 4)  # more than 30 days before DUE: only the review is due
    run(app, smtp, day)
    team = {world.users[Role.ADMIN].email, world.users[Role.ASSESSOR].email}
    assert {r.rcpt_tos[0] for r in smtp.received} == team  # not the viewer or the auditor, nor the other practice
    mail = smtp.to(world.users[Role.ASSESSOR].email)[0]
    link = f"http://127.0.0.1:5000/assessments/{assessment.id}"
    assert link in mail.part("plain") and f'href="{link}"' in mail.part("html")
    assert "Review the answers" in mail.message["Subject"]
    run(app, smtp, day + timedelta(days=6))
    assert len(smtp.received) == 2
    world.users[Role.ADMIN].is_active = False
    dbs.add(world.users[Role.ADMIN])
    dbs.commit()
    run(app, smtp, day + timedelta(days=7))
    assert [r.rcpt_tos[0] for r in smtp.received[2:]] == [world.users[Role.ASSESSOR].email]  # week 1; not deactivated
    dbs.rollback()
    assert "week-1" in dbs.scalar(select(OutboxMessage.dedupe_key).order_by(OutboxMessage.id.desc()).limit(1))


def test_without_a_mail_server_reminders_wait_in_the_outbox(app: Flask, dbs: Session, lifecycle: Lifecycle) -> None:
    settings = app.config["VENDORCHECK_SETTINGS"]
    done = scheduler.run_round(transaction_for(app), None, link_builder(app, settings), now=at(DUE))
    assert len(done.reminders.queued) == 2 and done.delivery.waiting == 2
    dbs.rollback()
    rows = dbs.scalars(select(OutboxMessage)).all()
    assert {(r.status, r.last_error.startswith("not sent: no mail server configured")) for r in rows} == {
        (MailStatus.QUEUED, True)
    }
