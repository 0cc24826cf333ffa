"""What falls due across an organization's vendors: one list of dated items, from every kind of work.

An item is a fact about today ("the SOC 2 report of BlueHarbor expires on 2026-12-20"), not a message:
the home page lists items, ``vendorcheck vendors due`` prints them, and the reminders decide from an item's
``due_on`` which reminder is due (30 / 7 / 1 days before, then weekly) and key each one by ``item.key`` so it
is sent once. A source lists one kind of item for one organization; ``SOURCES`` names them all, and adding a
kind of work means adding its source there (and nothing else here).
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from vendorcheck.assessments.lifecycle import OPEN_FOR_VENDOR, REVIEWABLE
from vendorcheck.contracts.agreements import ENDED_STATUSES, KIND_WORDS, notice_by, term_end
from vendorcheck.contracts.offboarding import BY_KEY as OFFBOARDING_STEPS
from vendorcheck.lifecycle import cycles
from vendorcheck.models import Agreement, Assessment, Evidence, Offboarding, OffboardingStep, Vendor

SOON_DAYS = 30  # an item this close to its date is "due soon" on the home page and in `vendors due`


class DueKind(enum.StrEnum):
    """The kinds of dated work (stable words: `vendors due --json` prints them, docs/cli.md lists them)."""

    REASSESSMENT = "reassessment"  # the vendor's cycle comes due
    ANSWERS = "answers"  # a questionnaire the vendor has not returned
    REVIEW = "review"  # answers or documents waiting on the assessor
    EVIDENCE_EXPIRY = "evidence_expiry"  # a document's validity runs out
    CONTRACT_RENEWAL = "contract_renewal"  # an agreement's term ends
    CONTRACT_NOTICE = "contract_notice"  # the last day to give notice before it renews
    OFFBOARDING = "offboarding"  # a step of ending a vendor still open


class Audience(enum.StrEnum):
    """Who must act: the vendor's contact (through the link) or the practice's assessors."""

    VENDOR = "vendor"
    ASSESSORS = "assessors"


class DueState(enum.StrEnum):
    """Where an item stands today."""

    OVERDUE = "overdue"
    DUE_SOON = "due_soon"
    LATER = "later"
    WAITING = "waiting"  # no date: waiting now (answers to review)


@dataclass(frozen=True, slots=True)
class DueItem:
    """One piece of dated work for one vendor, in plain words."""

    kind: DueKind
    org_id: int
    vendor_id: int
    vendor_name: str
    subject: str  # what it is about, stable: "assessment:12", "evidence:5", "agreement:3", "vendor:7"
    what: str  # plain words: "SOC 2 report expires", "Reassessment due"
    due_on: date | None  # None: waiting now, no date
    audience: Audience
    endpoint: str  # the page to do the work: a Flask endpoint name...
    endpoint_args: tuple[tuple[str, int], ...] = ()  # ...and its arguments

    @property
    def key(self) -> str:
        """Names the item across days (reminders are keyed by it and the date they are for)."""
        return f"{self.kind}:{self.subject}:{self.due_on.isoformat() if self.due_on else '-'}"

    def state(self, today: date) -> DueState:
        """Overdue, due within ``SOON_DAYS``, later, or waiting with no date."""
        if self.due_on is None:
            return DueState.WAITING
        if self.due_on < today:
            return DueState.OVERDUE
        if (self.due_on - today).days <= SOON_DAYS:
            return DueState.DUE_SOON
        return DueState.LATER

    def days_left(self, today: date) -> int | None:
        """Days until the date (negative once past), or None without one."""
        return None if self.due_on is None else (self.due_on - today).days


Source = Callable[[Session, int, date], Iterable[DueItem]]


def evidence_expiry(session: Session, org_id: int, today: date) -> Iterator[DueItem]:
    """Every received, not rejected document of a current vendor that has an end of validity."""
    del today  # every dated document is listed; the state says how close it is
    rows = session.execute(
        select(Evidence, Vendor.name)
        .join(Vendor, Vendor.id == Evidence.vendor_id)
        .where(Evidence.org_id == org_id, Evidence.valid_until.is_not(None), Evidence.received())
        .where(Evidence.review_state != "rejected")
        .order_by(Evidence.valid_until, Evidence.id)
    )
    for evidence, vendor_name in rows:
        yield DueItem(
            DueKind.EVIDENCE_EXPIRY,
            org_id,
            evidence.vendor_id,
            vendor_name,
            f"evidence:{evidence.id}",
            f"{evidence.title} expires",
            evidence.valid_until,
            Audience.VENDOR,
            "evidence.show",
            (("evidence_id", evidence.id),),
        )


def _assessment_items(
    session: Session, org_id: int, statuses: Iterable[str], kind: DueKind, audience: Audience, what: str, dated: bool
) -> Iterator[DueItem]:
    """An item per assessment of the organization in one of ``statuses``: ``what`` names its title."""
    order = Assessment.due_date if dated else Assessment.submitted_at
    rows = session.execute(
        select(Assessment, Vendor.name)
        .join(Vendor, Vendor.id == Assessment.vendor_id)
        .where(Assessment.org_id == org_id, Assessment.status.in_(list(statuses)))
        .order_by(order, Assessment.id)
    )
    for assessment, vendor_name in rows:
        yield DueItem(
            kind,
            org_id,
            assessment.vendor_id,
            vendor_name,
            f"assessment:{assessment.id}",
            what.format(title=assessment.title or "the questionnaire"),
            assessment.due_date if dated else None,
            audience,
            "assessments.show",
            (("assessment_id", assessment.id),),
        )


def answers_outstanding(session: Session, org_id: int, today: date) -> Iterator[DueItem]:
    """Every questionnaire sent and not yet returned by the vendor, dated by its due date."""
    del today
    yield from _assessment_items(
        session, org_id, OPEN_FOR_VENDOR, DueKind.ANSWERS, Audience.VENDOR, "Answers to {title}", dated=True
    )


def reviews_waiting(session: Session, org_id: int, today: date) -> Iterator[DueItem]:
    """Every returned questionnaire waiting on the assessor (no date: waiting since it came back)."""
    del today
    yield from _assessment_items(
        session,
        org_id,
        REVIEWABLE,
        DueKind.REVIEW,
        Audience.ASSESSORS,
        "Review the answers to {title}",
        dated=False,
    )


def reassessments_due(session: Session, org_id: int, today: date) -> Iterator[DueItem]:
    """The due source: every selected vendor's next reassessment, unless one is already under way."""
    vendors = session.scalars(
        select(Vendor).where(Vendor.org_id == org_id, Vendor.status.in_(cycles.REASSESSED)).order_by(Vendor.name)
    ).all()
    found = cycles.cycles(session, org_id, vendors, today)
    for vendor in vendors:
        cycle = found[vendor.id]
        if cycle.next_due is None or cycle.open_assessment is not None:
            continue  # an open assessment is listed as answers outstanding or a review waiting
        what = "First assessment as a selected vendor" if cycle.last_completed is None else "Reassessment due"
        yield DueItem(
            DueKind.REASSESSMENT,
            org_id,
            vendor.id,
            vendor.name,
            f"vendor:{vendor.id}",
            f"{what} (tier {cycle.tier}, every {cycle.interval_months} months)",
            cycle.next_due,
            Audience.ASSESSORS,
            "vendors.vendor",
            (("vendor_id", vendor.id),),
        )


def contract_dates(session: Session, org_id: int, today: date) -> Iterator[DueItem]:
    """Each agreement in force of a current vendor: the end of its term and, with a notice period, the last day to
    give notice (an auto-renewing agreement's current term: its dates roll on with each renewal)."""
    rows = session.execute(
        select(Agreement, Vendor.name)
        .join(Vendor, Vendor.id == Agreement.vendor_id)
        .where(Agreement.org_id == org_id, Agreement.ends_on.is_not(None), Vendor.status.not_in(ENDED_STATUSES))
        .where((Agreement.terminated_on.is_(None)) | (Agreement.terminated_on > today))
        .order_by(Agreement.ends_on, Agreement.id)
    )
    for agreement, vendor_name in rows:
        end = term_end(agreement, today)
        words = KIND_WORDS[agreement.kind]
        where = ("contracts.agreement", (("agreement_id", agreement.id),))
        common = (org_id, agreement.vendor_id, vendor_name, f"agreement:{agreement.id}")
        what = f"{agreement.title} ({words}) {'renews' if agreement.auto_renews else 'ends'}"
        yield DueItem(DueKind.CONTRACT_RENEWAL, *common, what, end, Audience.ASSESSORS, *where)
        notice = notice_by(agreement, today)
        if notice is not None:
            what = f"Last day to give notice on {agreement.title} ({words})"
            yield DueItem(DueKind.CONTRACT_NOTICE, *common, what, notice, Audience.ASSESSORS, *where)


def offboarding_steps(session: Session, org_id: int, today: date) -> Iterator[DueItem]:
    """Each step still open of a vendor being ended, dated by the offboarding's target date."""
    del today
    rows = session.execute(
        select(OffboardingStep, Offboarding, Vendor.name)
        .join(Offboarding, Offboarding.id == OffboardingStep.offboarding_id)
        .join(Vendor, Vendor.id == Offboarding.vendor_id)
        .where(Offboarding.org_id == org_id, Offboarding.ended_at.is_(None), OffboardingStep.done_at.is_(None))
        .order_by(Offboarding.due_on, OffboardingStep.position)
    )
    for step, offboarding, vendor_name in rows:
        title = OFFBOARDING_STEPS[step.step].title if step.step in OFFBOARDING_STEPS else step.step
        yield DueItem(
            DueKind.OFFBOARDING,
            org_id,
            offboarding.vendor_id,
            vendor_name,
            f"offboarding:{offboarding.id}:{step.step}",
            f"Offboarding: {title}",
            offboarding.due_on,
            Audience.ASSESSORS,
            "contracts.offboarding",
            (("vendor_id", offboarding.vendor_id),),
        )


SOURCES: tuple[Source, ...] = (
    evidence_expiry,
    answers_outstanding,
    reviews_waiting,
    reassessments_due,
    contract_dates,
    offboarding_steps,
)


def due_items(session: Session, org_id: int, today: date, *, horizon_days: int | None = None) -> list[DueItem]:
    """Every item of the organization, overdue first, then by date, then those waiting with no date.

    ``horizon_days`` leaves out items dated further ahead than that (None keeps all).
    """
    items = [item for source in SOURCES for item in source(session, org_id, today)]
    if horizon_days is not None:
        items = [item for item in items if item.due_on is None or (item.due_on - today).days <= horizon_days]
    return sorted(items, key=lambda item: (item.due_on is None, item.due_on or today, item.vendor_name, item.key))
