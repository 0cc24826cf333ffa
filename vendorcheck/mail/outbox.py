"""The outbox: queue a message once, deliver what is due, retry with backoff, never send one twice. No Flask.

* Queueing: a message's dedupe key is unique per organization, so queueing the same reminder twice (or from two
  processes at once) leaves one row; the insert runs in a savepoint, so the losing writer carries on.
* Delivery: a message is *claimed* by a conditional UPDATE (queued and due → sending, with the claim time), in
  a transaction of its own, before the server is contacted; only the process whose UPDATE changed the row
  sends it. The result is written back only if the claim is still that process's. A claim older than
  ``STALE_CLAIM`` (a process that died mid-send) returns to the queue.
* Failure: a server that refuses (any SMTP error) or cannot be reached leaves the message queued with the
  error and the next attempt after ``BACKOFF`` (1 min, 5 min, 30 min, 2 h, then every 6 h, never given up).
  Only a message that can never be sent as stored becomes ``failed``.
* No server configured: queued messages say so (``NO_SERVER``) and wait; the officer copies them from the
  outbox page, and they go out by themselves once a server is configured.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from vendorcheck import audit
from vendorcheck.audit import Actor, actions
from vendorcheck.enums import ActorKind, MailKind, MailStatus
from vendorcheck.mail.smtp import MailError, SmtpServer, send
from vendorcheck.models import OutboxMessage, utcnow

BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2))
BACKOFF_LAST = timedelta(hours=6)  # and then every six hours, for as long as it takes
STALE_CLAIM = timedelta(minutes=10)  # well beyond smtp.TIMEOUT for each step of one delivery
NO_SERVER = "not sent: no mail server configured (copy it from here, or set VENDORCHECK_SMTP_URL)"
BATCH = 200  # messages one round tries at most; the rest wait for the next round
ACTOR = Actor(ActorKind.SYSTEM, "vendorcheck mail")

Transaction = Callable[[], AbstractContextManager[Session]]


@dataclass(frozen=True)
class Draft:
    """A message to queue: who, what, and the key that makes it once-only in its organization."""

    kind: MailKind
    recipient: str
    subject: str
    text: str
    html: str
    dedupe_key: str
    item_key: str | None = None
    vendor_id: int | None = None


def backoff(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failed attempt."""
    return BACKOFF[attempts - 1] if 1 <= attempts <= len(BACKOFF) else BACKOFF_LAST


def exists(session: Session, org_id: int, dedupe_key: str) -> bool:
    """True if a message with this key was already queued in the organization."""
    found = select(OutboxMessage.id).where(OutboxMessage.org_id == org_id, OutboxMessage.dedupe_key == dedupe_key)
    return session.scalar(found) is not None


def queue(
    session: Session,
    org_id: int,
    draft: Draft,
    *,
    actor: Actor = ACTOR,
    status: MailStatus = MailStatus.QUEUED,
    now: datetime | None = None,
) -> OutboxMessage | None:
    """Put ``draft`` in the outbox (audited); None if its key is already there (nothing written)."""
    now = now or utcnow()
    message = OutboxMessage(
        org_id=org_id,
        vendor_id=draft.vendor_id,
        kind=draft.kind,
        recipient=draft.recipient,
        subject=draft.subject[:300],
        text_body=draft.text,
        html_body=draft.html,
        dedupe_key=draft.dedupe_key,
        item_key=draft.item_key,
        status=status,
        attempts=0,
        next_attempt_at=now,
        created_at=now,
    )
    try:
        with session.begin_nested():  # another process may queue the same key at this moment
            session.add(message)
            session.flush()
    except IntegrityError:
        return None
    record_event(session, actions.MAIL_QUEUED, actor, message, kind=str(draft.kind), key=draft.dedupe_key)
    return message


def record_event(session: Session, action: str, actor: Actor, message: OutboxMessage, **details: object) -> None:
    """The audit event for ``message`` (recipient and subject; never a body)."""
    audit.record(
        session,
        action,
        actor,
        org_id=message.org_id,
        vendor_id=message.vendor_id,
        target_type="outbox_message",
        target_id=message.id,
        details={"recipient": message.recipient, "subject": message.subject, **details},
    )


@dataclass
class Delivery:
    """What one round of delivery did."""

    sent: list[int] = field(default_factory=list)
    retrying: list[int] = field(default_factory=list)  # refused or unreachable: queued again with backoff
    failed: list[int] = field(default_factory=list)  # can never be sent as stored
    waiting: int = 0  # queued with no mail server configured

    def describe(self) -> str | None:
        """A line for the log, or None when nothing happened."""
        parts = [f"{len(self.sent)} sent"] if self.sent else []
        parts += [f"{len(self.retrying)} to retry"] if self.retrying else []
        parts += [f"{len(self.failed)} failed"] if self.failed else []
        return ", ".join(parts) or None


def release_stale(session: Session, now: datetime) -> int:
    """Return claims older than ``STALE_CLAIM`` to the queue (their process died mid-send); how many."""
    result = session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.status == MailStatus.SENDING, OutboxMessage.claimed_at < now - STALE_CLAIM)
        .values(status=MailStatus.QUEUED, claimed_at=None, last_error="interrupted while sending; queued again")
    )
    return result.rowcount


def claim(session: Session, message_id: int, now: datetime) -> bool:
    """Take a due queued message for this process (True), or learn that another process has it (False)."""
    result = session.execute(
        update(OutboxMessage)
        .where(
            OutboxMessage.id == message_id,
            OutboxMessage.status == MailStatus.QUEUED,
            OutboxMessage.next_attempt_at <= now,
        )
        .values(status=MailStatus.SENDING, claimed_at=now, attempts=OutboxMessage.attempts + 1)
    )
    return result.rowcount == 1


def deliver_due(
    transaction: Transaction, server: SmtpServer | None, *, now: datetime | None = None, limit: int = BATCH
) -> Delivery:
    """Send every due queued message through ``server``, each claimed first; what happened to them."""
    now = now or utcnow()
    done = Delivery()
    with transaction() as session:
        release_stale(session, now)
        if server is None:
            waiting = (OutboxMessage.status == MailStatus.QUEUED, OutboxMessage.last_error.is_(None))
            session.execute(update(OutboxMessage).where(*waiting).values(last_error=NO_SERVER))
            done.waiting = len(session.scalars(select(OutboxMessage.id).where(*waiting[:1])).all())
            return done
        due = session.scalars(
            select(OutboxMessage.id)
            .where(OutboxMessage.status == MailStatus.QUEUED, OutboxMessage.next_attempt_at <= now)
            .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
            .limit(limit)
        ).all()
    for message_id in due:
        _deliver_one(transaction, server, message_id, now, done)
    return done


def _deliver_one(transaction: Transaction, server: SmtpServer, message_id: int, now: datetime, done: Delivery) -> None:
    """Claim, send (outside any transaction), then record the outcome if the claim is still ours."""
    with transaction() as session:
        if not claim(session, message_id, now):
            return  # another process took it, or a person changed it
        message = session.get(OutboxMessage, message_id)
        assert message is not None
        recipient, subject, text, html = message.recipient, message.subject, message.text_body, message.html_body
    try:
        send(server, recipient, subject, text, html)
    except MailError as error:
        outcome: MailError | None = error
    else:
        outcome = None
    with transaction() as session:
        message = session.get(OutboxMessage, message_id, with_for_update=True)
        if message is None or message.status != MailStatus.SENDING or message.claimed_at != now:
            return  # released as stale meanwhile: the newer claim decides
        message.claimed_at = None
        if outcome is None:
            message.status, message.sent_at, message.last_error = MailStatus.SENT, utcnow(), None
            record_event(session, actions.MAIL_SENT, ACTOR, message, attempts=message.attempts)
            done.sent.append(message_id)
        elif outcome.permanent:
            message.status, message.last_error = MailStatus.FAILED, str(outcome)
            record_event(session, actions.MAIL_FAILED, ACTOR, message, reason=str(outcome))
            done.failed.append(message_id)
        else:
            message.status, message.last_error = MailStatus.QUEUED, str(outcome)
            message.next_attempt_at = now + backoff(message.attempts)
            done.retrying.append(message_id)


def retry_now(session: Session, actor: Actor, message: OutboxMessage, now: datetime | None = None) -> None:
    """Make a queued or failed message due now (audited); ValueError for one that cannot be retried."""
    if message.kind == MailKind.VENDOR_LINK and message.status == MailStatus.FAILED:
        raise ValueError("The link in this message was not kept: issue a new vendor link instead.")
    if message.status not in (MailStatus.QUEUED, MailStatus.FAILED):
        raise ValueError("Only a queued or failed message can be retried.")
    message.status, message.next_attempt_at = MailStatus.QUEUED, now or utcnow()
    record_event(session, actions.MAIL_RETRY, actor, message)


def listing(session: Session, org_id: int, limit: int = 500) -> list[OutboxMessage]:
    """The organization's messages, newest first."""
    query = select(OutboxMessage).where(OutboxMessage.org_id == org_id)
    return list(session.scalars(query.order_by(OutboxMessage.created_at.desc(), OutboxMessage.id.desc()).limit(limit)))
