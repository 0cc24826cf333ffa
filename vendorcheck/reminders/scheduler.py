"""Reminders and mail delivery from the running app (a ``periodic.PeriodicTask``), and the same round for
``vendorcheck reminders run``. No Flask.

Every ``PERIOD`` a round queues the reminders due today (``service.run``: each once, whatever the number of
processes) and then delivers the outbox (``outbox.deliver_due``: each message claimed by one process before
it is sent). With no mail server configured, delivery only marks the queued messages as waiting for one.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from vendorcheck.audit import Actor
from vendorcheck.mail import outbox
from vendorcheck.mail.smtp import SmtpServer
from vendorcheck.models import utcnow
from vendorcheck.periodic import PeriodicTask
from vendorcheck.reminders import service
from vendorcheck.reminders.schedule import DEFAULT_DAYS_BEFORE

PERIOD = timedelta(minutes=5)


@dataclass
class Round:
    """What one round did: the reminders queued and the delivery."""

    reminders: service.Report
    delivery: outbox.Delivery

    def describe(self) -> str | None:
        """A line for the log, or None when nothing happened."""
        parts = [f"{len(self.reminders.queued)} reminder(s) queued"] if self.reminders.queued else []
        delivered = self.delivery.describe()
        return "; ".join([*parts, *([delivered] if delivered else [])]) or None


def run_round(
    transaction: outbox.Transaction,
    server: SmtpServer | None,
    link_for: service.LinkFor,
    *,
    now: datetime | None = None,
    actor: Actor = outbox.ACTOR,
    days_before: Sequence[int] = DEFAULT_DAYS_BEFORE,
) -> Round:
    """Queue what is due, then deliver what is queued and due."""
    now = now or utcnow()
    reminders = service.run(transaction, link_for, actor=actor, now=now, days_before=days_before)
    return Round(reminders, outbox.deliver_due(transaction, server, now=now))


class MailScheduler(PeriodicTask):
    """Queues due reminders and delivers the outbox every few minutes."""

    name = "vendorcheck-mail"
    failure = "reminders or mail delivery failed"

    def __init__(
        self,
        transaction: outbox.Transaction,
        server: SmtpServer | None,
        link_for: service.LinkFor,
        *,
        days_before: Sequence[int] = DEFAULT_DAYS_BEFORE,
        period: timedelta = PERIOD,
        clock: Callable[[], datetime] = utcnow,
    ) -> None:
        super().__init__(period)
        self.transaction = transaction
        self.server = server
        self.link_for = link_for
        self.days_before = tuple(days_before)
        self.clock = clock

    def run_once(self) -> Round:
        """One round (committed on return)."""
        return run_round(self.transaction, self.server, self.link_for, now=self.clock(), days_before=self.days_before)

    def describe(self, result: Round) -> str | None:
        """What a round did, for the log."""
        return result.describe()
