"""Queue the reminders due today from the one list of dated work (``lifecycle.due``), once each. No Flask.

For every organization and every item of ``due_items``, ``schedule.reminder_stage`` says which reminder is
due today; each recipient gets one message keyed ``<item key>|<stage>|<recipient>``, which the outbox keeps
unique per organization, so a second run (or a second process) queues nothing new. Recipients: for the vendor,
the assessment's contact, else the vendor's primary contact; for the assessors, every active admin and
assessor of the organization. Each message is queued in a transaction of its own (with its audit event), so
two processes never wait on each other's locks in opposite orders.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from vendorcheck import vendors
from vendorcheck.assessments.links import VendorLink
from vendorcheck.audit import Actor
from vendorcheck.enums import MailKind, Role
from vendorcheck.lifecycle.due import Audience, DueItem, due_items
from vendorcheck.mail import outbox
from vendorcheck.models import Assessment, Organization, OutboxMessage, User, Vendor, utcnow
from vendorcheck.reminders import messages
from vendorcheck.reminders.schedule import DEFAULT_DAYS_BEFORE, reminder_stage

LinkFor = Callable[[DueItem], str]  # the absolute address of the page where an item's work is done


@dataclass(frozen=True)
class Planned:
    """A reminder due today that is not in the outbox yet."""

    org_id: int
    item: DueItem
    stage: str
    draft: outbox.Draft


@dataclass
class Report:
    """What a run found and did."""

    planned: list[Planned] = field(default_factory=list)
    queued: list[int] = field(default_factory=list)  # outbox ids written by this run
    no_recipient: list[DueItem] = field(default_factory=list)  # due, but nobody to write to


def assessors(session: Session, org_id: int) -> list[str]:
    """The addresses of the organization's active admins and assessors."""
    query = select(User.email).where(
        User.org_id == org_id, User.is_active.is_(True), User.role.in_((Role.ADMIN, Role.ASSESSOR))
    )
    return sorted(session.scalars(query))


def _assessment_of(session: Session, item: DueItem) -> Assessment | None:
    kind, _, ident = item.subject.partition(":")
    if kind != "assessment" or not ident.isdigit():
        return None
    return Assessment.get_for_org(session, int(ident), item.org_id)


def vendor_recipient(session: Session, item: DueItem) -> str | None:
    """The assessment's contact if the item is about one and names a contact, else the vendor's primary contact."""
    assessment = _assessment_of(session, item)
    if assessment is not None and assessment.contact_email:
        return assessment.contact_email
    vendor = Vendor.get_for_org(session, item.vendor_id, item.org_id)
    contact = vendors.primary_contact(vendor) if vendor is not None else None
    return contact.email if contact is not None and contact.email else None


def _first_seen(session: Session, org_id: int, item_key: str) -> date | None:
    """The day an undated item was first reminded (its weekly reminders count from there)."""
    first = session.scalar(
        select(func.min(OutboxMessage.created_at)).where(
            OutboxMessage.org_id == org_id, OutboxMessage.item_key == item_key
        )
    )
    return first.astimezone(UTC).date() if first is not None else None


def _write(session: Session, item: DueItem, now: datetime, practice: str, link_for: LinkFor) -> messages.Written:
    today = now.astimezone(UTC).date()
    if item.audience == Audience.VENDOR:
        assessment = _assessment_of(session, item)
        state = None
        if assessment is not None:
            link = VendorLink.of(assessment, now)
            state = messages.LinkState(link.state == "active", link.expires_at)
        return messages.for_vendor(item, today, practice, state)
    return messages.for_assessors(item, today, practice, link_for(item))


def plan(
    session: Session,
    org: Organization,
    now: datetime,
    link_for: LinkFor,
    days_before: Sequence[int] = DEFAULT_DAYS_BEFORE,
    report: Report | None = None,
) -> list[Planned]:
    """The reminders due at ``now`` in ``org`` that are not in the outbox yet (nothing is written)."""
    today = now.astimezone(UTC).date()
    planned: list[Planned] = []
    team: list[str] | None = None
    for item in due_items(session, org.id, today):
        first_seen = _first_seen(session, org.id, item.key) if item.due_on is None else None
        stage = reminder_stage(item.due_on, today, first_seen=first_seen, days_before=days_before)
        if stage is None:
            continue
        if item.audience == Audience.VENDOR:
            found = vendor_recipient(session, item)
            recipients = [found] if found else []
        else:
            team = assessors(session, org.id) if team is None else team
            recipients = team
        if not recipients and report is not None:
            report.no_recipient.append(item)
        written: messages.Written | None = None
        for recipient in recipients:
            key = f"{item.key}|{stage}|{recipient.lower()}"
            if outbox.exists(session, org.id, key):
                continue
            written = written or _write(session, item, now, org.name, link_for)
            draft = outbox.Draft(
                MailKind.REMINDER, recipient, written.subject, written.text, written.html, key, item.key, item.vendor_id
            )
            planned.append(Planned(org.id, item, stage, draft))
    return planned


def run(
    transaction: outbox.Transaction,
    link_for: LinkFor,
    *,
    actor: Actor = outbox.ACTOR,
    now: datetime | None = None,
    days_before: Sequence[int] = DEFAULT_DAYS_BEFORE,
    dry_run: bool = False,
) -> Report:
    """Queue every reminder due at ``now`` in every organization (or, with ``dry_run``, only list them)."""
    now = now or utcnow()
    report = Report()
    with transaction() as session:
        for org in session.scalars(select(Organization).order_by(Organization.id)):
            report.planned += plan(session, org, now, link_for, days_before, report)
    if dry_run:
        return report
    for planned in report.planned:
        with transaction() as session:
            message = outbox.queue(session, planned.org_id, planned.draft, actor=actor, now=now)
            if message is not None:  # None: another process queued it a moment ago
                report.queued.append(message.id)
    return report
