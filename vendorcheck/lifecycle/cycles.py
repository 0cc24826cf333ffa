"""Tiers and reassessment cycles over the database: settings, the officer's raise, when each vendor is due, and
starting a reassessment pre-filled with the last accepted answers. No Flask; every change is audited here.

A selected vendor is reassessed every ``interval`` months of its tier, counted from the completion of its last
completed assessment (never completed: due now). Prospects, shortlisted, rejected and archived vendors are not
reassessed. A reassessment is an ordinary assessment (``assessments.create``) of the tier's questionnaires in
their current versions, whose answers start as the last completed assessment's accepted ones (an override's
corrected value where the assessor overrode); questions asked no more are dropped, new ones start empty. The
vendor confirms or changes each carried section, and the assessor reviews only what changed (``review.attention``).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from vendorcheck import assessments, audit
from vendorcheck.assessments import AssessmentError, effective_value
from vendorcheck.audit import Actor, actions
from vendorcheck.lifecycle.tiers import (
    DEFAULT_INTERVALS,
    TIERS,
    TierError,
    TierPolicy,
    check_policy,
    check_raise,
    computed_tier,
    effective_tier,
    next_due,
    policies_from,
)
from vendorcheck.models import (
    ActorKind,
    Answer,
    Assessment,
    AssessmentStatus,
    ReviewState,
    TierSetting,
    Vendor,
    VendorStatus,
    utcnow,
)
from vendorcheck.questionnaire.model import Questionnaire

REASSESSED = (VendorStatus.SELECTED,)  # only a vendor in use is re-checked


# Settings


def _saved(session: Session, org_id: int) -> dict[int, TierSetting]:
    rows = session.scalars(select(TierSetting).where(TierSetting.org_id == org_id))
    return {row.tier: row for row in rows}


def intervals(session: Session, org_id: int) -> dict[int, int]:
    """Months between reassessments, per tier, for the organization (saved settings over the defaults)."""
    return DEFAULT_INTERVALS | {tier: row.interval_months for tier, row in _saved(session, org_id).items()}


def policies(session: Session, org_id: int, library_keys: Sequence[str]) -> dict[int, TierPolicy]:
    """Each tier's interval and reassessment questionnaires for the organization."""
    saved = {t: TierPolicy(t, r.interval_months, tuple(r.questionnaires)) for t, r in _saved(session, org_id).items()}
    return policies_from(saved, library_keys)


def save_policies(
    session: Session,
    actor: Actor,
    org_id: int,
    wanted: Mapping[int, tuple[object, Iterable[str]]],
    library_keys: Sequence[str],
) -> list[int]:
    """Store the tiers' settings (months, questionnaire ids) as entered; TierError (nothing stored) if any is bad.

    Returns the tiers that changed; one audit event lists them with old and new values.
    """
    checked = [check_policy(tier, months, keys, library_keys) for tier, (months, keys) in sorted(wanted.items())]
    current = policies(session, org_id, library_keys)
    saved = _saved(session, org_id)
    changes: dict[str, dict[str, object]] = {}
    for policy in checked:
        if policy.tier not in TIERS:
            raise TierError("Choose tier 1, 2 or 3.")
        before = current[policy.tier]
        if (before.interval_months, before.questionnaires) == (policy.interval_months, policy.questionnaires):
            continue
        row = saved.get(policy.tier) or TierSetting(org_id=org_id, tier=policy.tier)
        row.interval_months, row.questionnaires = policy.interval_months, list(policy.questionnaires)
        row.updated_by_id, row.updated_at = actor.user_id, utcnow()
        session.add(row)
        changes[str(policy.tier)] = {
            "interval_months": [before.interval_months, policy.interval_months],
            "questionnaires": [list(before.questionnaires), list(policy.questionnaires)],
        }
    if changes:
        session.flush()
        audit.record(
            session, actions.TIER_SETTINGS_SAVED, actor, org_id=org_id, target_type="organization",
            target_id=org_id, details={"tiers": changes},
        )  # fmt: skip
    return [int(t) for t in changes]


# A vendor's tier


def tier_of(vendor: Vendor) -> int:
    """The vendor's tier in force: its profile's, or the officer's raise."""
    return effective_tier(computed_tier(vendor), vendor.tier_override)


def set_tier(session: Session, actor: Actor, vendor: Vendor, tier: object, reason: str | None) -> int:
    """Raise the vendor's tier (or return it to its profile's) with a reason; TierError if lower or unexplained."""
    computed = computed_tier(vendor)
    override, cleaned = check_raise(computed, tier, reason)
    before = tier_of(vendor)
    vendor.tier_override, vendor.tier_reason = override, cleaned
    vendor.tier_set_by_id, vendor.tier_set_at = actor.user_id, utcnow()
    session.flush()
    audit.record(
        session, actions.VENDOR_TIER_CHANGED, actor, org_id=vendor.org_id, vendor_id=vendor.id,
        target_type="vendor", target_id=vendor.id,
        details={"from": before, "to": tier_of(vendor), "profile_tier": computed, "reason": cleaned},
    )  # fmt: skip
    return tier_of(vendor)


# Cycles


@dataclass(frozen=True)
class Cycle:
    """Where a vendor stands in its reassessment cycle."""

    vendor_id: int
    tier: int
    raised: bool  # the officer raised it above the profile's
    interval_months: int
    last_completed: date | None
    next_due: date | None  # None: not reassessed (not a selected vendor)
    open_assessment: Assessment | None  # one not yet finished: the next cycle is under way


def cycle_of(
    vendor: Vendor, months: Mapping[int, int], today: date, last: date | None, open_assessment: Assessment | None
) -> Cycle:
    """The vendor's cycle, given its last completion and open assessment (:func:`cycles` reads them for many)."""
    tier = tier_of(vendor)
    due = next_due(last, months[tier], today) if vendor.status in REASSESSED else None
    return Cycle(vendor.id, tier, tier < computed_tier(vendor), months[tier], last, due, open_assessment)


def cycles(session: Session, org_id: int, vendors: Iterable[Vendor], today: date) -> dict[int, Cycle]:
    """Every vendor's cycle by vendor id, in three queries whatever the number of vendors."""
    months = intervals(session, org_id)
    completed = session.execute(
        select(Assessment.vendor_id, func.max(Assessment.completed_at))
        .where(Assessment.org_id == org_id, Assessment.status == AssessmentStatus.COMPLETED)
        .group_by(Assessment.vendor_id)
    )
    last = {vendor_id: when.date() for vendor_id, when in completed if when is not None}
    unfinished: dict[int, Assessment] = {}
    for assessment in session.scalars(
        select(Assessment)
        .where(Assessment.org_id == org_id, Assessment.status.not_in(assessments.FINISHED))
        .order_by(Assessment.created_at.desc(), Assessment.id.desc())
    ):
        unfinished.setdefault(assessment.vendor_id, assessment)
    return {v.id: cycle_of(v, months, today, last.get(v.id), unfinished.get(v.id)) for v in vendors}


# Starting a reassessment


def last_completed(session: Session, vendor: Vendor) -> Assessment | None:
    """The vendor's most recently completed assessment, if any."""
    return session.scalars(
        select(Assessment)
        .where(Assessment.vendor_id == vendor.id, Assessment.status == AssessmentStatus.COMPLETED)
        .order_by(Assessment.completed_at.desc(), Assessment.id.desc())
        .limit(1)
    ).first()


def start_reassessment(
    session: Session,
    actor: Actor,
    vendor: Vendor,
    library: Mapping[str, Questionnaire],
    *,
    due_date: date | None = None,
    today: date | None = None,
) -> Assessment:
    """A new draft assessment of the vendor's tier questionnaires (current versions), pre-filled from the last
    completed assessment's accepted answers; AssessmentError if the vendor is not selected or one is open.

    The officer then issues the link as for any assessment. Due whenever the cycle says, or started early.
    """
    if vendor.status not in REASSESSED:
        raise AssessmentError(
            f"{vendor.name} is {vendor.status.value}: only a selected vendor is reassessed. "
            "Send a questionnaire instead."
        )
    unfinished = session.scalars(
        select(Assessment).where(Assessment.vendor_id == vendor.id, Assessment.status.not_in(assessments.FINISHED))
    ).first()
    if unfinished is not None:
        raise AssessmentError(f"“{unfinished.title}” is still open: finish or cancel it first.")
    policy = policies(session, vendor.org_id, list(library))[tier_of(vendor)]
    chosen = [library[key] for key in policy.questionnaires]
    previous = last_completed(session, vendor)
    title = "Reassessment: " + " + ".join(q.title for q in chosen)
    assessment = assessments.create(session, actor, vendor, chosen, due_date=due_date, title=title, today=today)
    if previous is None:
        return assessment
    assessment.carried_from_id = previous.id
    carried, dropped = _carry(assessment, previous, chosen)
    for answer in carried:
        session.add(answer)
    session.flush()
    asked = {q.id for q in assessments.sheet_of(session, assessment).questions_in_order()}
    assessments.lifecycle.record(
        session, actions.ASSESSMENT_CARRIED_OVER, actor, assessment,
        carried_from=previous.id, carried=len(carried), dropped=sorted(dropped),
        new=len(asked - {a.question_id for a in carried}),
    )  # fmt: skip
    return assessment


def _carry(
    assessment: Assessment, previous: Assessment, chosen: Sequence[Questionnaire]
) -> tuple[list[Answer], set[str]]:
    """The new answers pre-filled from ``previous``'s settled ones, and the ids of answers not carried (asked no
    more, hidden by the carried answers, or no longer a valid answer to the question as it now reads)."""
    settled = {
        a.question_id: a for a in previous.answers if a.review_state in (ReviewState.ACCEPTED, ReviewState.OVERRIDDEN)
    }
    values: dict[str, object] = {}
    usable: dict[str, Answer] = {}
    for questionnaire in chosen:
        for question in questionnaire.questions:
            old = settled.get(question.id)
            if old is None:
                continue
            value = effective_value(old)
            if not old.not_applicable and value is None and question.type != "evidence":
                continue  # accepted without an answer: nothing to carry (a document question's file answers it)
            if not old.not_applicable and value is not None and question.stored(value) is None:
                continue  # the question's choices or bounds changed: answer it afresh
            usable[question.id] = old
            if not old.not_applicable:
                values[question.id] = value
    shown = {q.id for questionnaire in chosen for q in questionnaire.visible(values)}
    carried = [
        Answer(
            assessment_id=assessment.id,
            question_id=qid,
            value=None if old.not_applicable else effective_value(old),
            not_applicable=old.not_applicable,
            comment=old.comment,
            entered_by_kind=ActorKind.SYSTEM,
            carried_from_answer_id=old.id,
        )
        for qid, old in usable.items()
        if qid in shown
    ]
    for answer in carried:
        assessment.answers.append(answer)
    return carried, set(settled) - {a.question_id for a in carried}
