"""Reassessment cycles: a frozen clock walks a selected vendor from one completed assessment to the next."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.clock import FrozenClock
from tests.helpers import World
from vendorcheck import assessments
from vendorcheck.assessments import AssessmentError, Entry
from vendorcheck.audit import Actor
from vendorcheck.demo.answers import answers_for
from vendorcheck.lifecycle import cycles
from vendorcheck.lifecycle.due import DueKind, DueState, due_items
from vendorcheck.lifecycle.tiers import TierError, add_months
from vendorcheck.models import (
    ActorKind,
    Answer,
    Assessment,
    AssessmentStatus,
    AuditEvent,
    PhiVolume,
    ReviewState,
    Role,
    Vendor,
    VendorStatus,
)
from vendorcheck.questionnaire.model import EVIDENCE_ANSWERS

HIPAA = "hipaa-security"


@pytest.fixture
def library(app: Flask) -> dict:
    return app.extensions["vendorcheck.questionnaires"]


@pytest.fixture
def officer(world: World) -> Actor:
    user = world.users[Role.ASSESSOR]
    return Actor(ActorKind.USER, user.email, user.id)


def _selected_vendor(dbs: Session, world: World) -> Vendor:
    """A billing company that processes PHI (tier 2) and was chosen."""
    vendor = Vendor(
        org_id=world.org.id,
        name="Northwind Billing",
        status=VendorStatus.SELECTED,
        phi_volume=PhiVolume.MODERATE,
        processes_phi=True,
        transmits_phi=True,
    )
    dbs.add(vendor)
    dbs.flush()
    return vendor


def _answer_everything(dbs: Session, assessment: Assessment, library: dict) -> None:
    """The vendor answers every visible question (documents: "will send later") and submits."""
    vendor_actor = assessments.vendor_actor(assessment)
    sheet = assessments.sheet_of(dbs, assessment)
    entries = {}
    for questionnaire in sheet.questionnaires:
        for qid, value in answers_for(questionnaire, 0.9, {}, date(2026, 1, 1), "walk").items():
            entries[qid] = Entry(raw=[str(v) for v in value] if isinstance(value, list) else str(value))
    assert not assessments.save(dbs, vendor_actor, sheet, entries).errors
    sheet = assessments.sheet_of(dbs, assessment)
    later = EVIDENCE_ANSWERS[0][0]
    documents = {q.id: Entry(raw=later) for q in sheet.visible() if q.type == "evidence"}
    assert not assessments.save(dbs, vendor_actor, sheet, documents).errors
    assert assessments.submit(dbs, vendor_actor, assessments.sheet_of(dbs, assessment)) == []


def test_a_whole_cycle_under_a_frozen_clock(
    dbs: Session, world: World, library: dict, officer: Actor, frozen_clock: FrozenClock
) -> None:
    vendor = _selected_vendor(dbs, world)
    cycles.save_policies(dbs, officer, world.org.id, {2: (24, [HIPAA])}, list(library))
    assert cycles.tier_of(vendor) == 2

    # Cycle 1: sent, answered, reviewed (one answer overridden), completed on 15 January 2026.
    first = assessments.create(dbs, officer, vendor, [library[HIPAA]], today=frozen_clock.today)
    assessments.issue_link(dbs, officer, first)
    _answer_everything(dbs, first, library)
    sheet = assessments.sheet_of(dbs, first)
    overridden = next(q for q in sheet.visible() if q.type == "yes_no_partial")
    for question in sheet.visible():
        if question.id == overridden.id:
            assessments.review(dbs, officer, sheet, question.id, "override", note="Seen on site", override_raw="yes")
        else:
            assessments.review(dbs, officer, sheet, question.id, "accept")
    assessments.complete(dbs, officer, sheet)
    assert first.completed_at.date() == date(2026, 1, 15)

    def reassessment_item(today: date):
        [item] = [i for i in due_items(dbs, world.org.id, today) if i.kind is DueKind.REASSESSMENT]
        return item

    # Due 24 months on: later for now, due soon a month before, overdue after.
    item = reassessment_item(date(2026, 6, 1))
    assert item.due_on == date(2028, 1, 15) and item.state(date(2026, 6, 1)) is DueState.LATER
    assert item.endpoint == "vendors.vendor" and item.endpoint_args == (("vendor_id", vendor.id),)
    assert item.state(date(2027, 12, 20)) is DueState.DUE_SOON
    frozen_clock.set(date(2028, 1, 20))
    assert reassessment_item(frozen_clock.today).state(frozen_clock.today) is DueState.OVERDUE

    # Cycle 2: pre-filled from the accepted answers, the override's value carried.
    second = cycles.start_reassessment(dbs, officer, vendor, library, today=frozen_clock.today)
    assert second.carried_from_id == first.id and second.title.startswith("Reassessment")
    assert not [i for i in due_items(dbs, world.org.id, frozen_clock.today) if i.kind is DueKind.REASSESSMENT]
    with pytest.raises(AssessmentError, match="still open"):
        cycles.start_reassessment(dbs, officer, vendor, library)
    sheet = assessments.sheet_of(dbs, second)
    assert sheet.answers[overridden.id].value == "yes"
    assert {q.id for q in sheet.visible()} == {a.question_id for a in sheet.answers.values()}
    assert all(sheet.change(q.id) == "unchanged" for q in sheet.visible())
    token = assessments.issue_link(dbs, officer, second)
    assert token

    # The vendor must confirm or change each carried section before submitting.
    vendor_actor = assessments.vendor_actor(second)
    with pytest.raises(AssessmentError, match="carried over"):
        assessments.submit(dbs, vendor_actor, sheet)
    changed = next(q for q in sheet.visible() if q.type == "yes_no" and sheet.answers[q.id].value == "yes")
    number = sheet.section_number(changed)
    saved = assessments.save(dbs, vendor_actor, sheet, {changed.id: Entry(raw="no")})
    assert saved.changed == [changed.id] and sheet.change(changed.id) == "changed"
    assert changed.id not in {q.id for q in sheet.unconfirmed()}  # changing an answer settles it
    waiting = {q.id for q in sheet.unconfirmed()}
    confirmed = [assessments.confirm_section(dbs, vendor_actor, sheet, n) for n in range(1, len(sheet.sections) + 1)]
    assert {qid for ids in confirmed for qid in ids} == waiting and changed.id not in waiting
    assert confirmed[number - 1], "the changed answer's section still had others to confirm"
    assert sheet.unconfirmed() == []
    assert assessments.confirm_section(dbs, vendor_actor, sheet, number) == []  # twice is harmless
    assert assessments.submit(dbs, vendor_actor, assessments.sheet_of(dbs, second)) == []

    # The assessor sees only that change to review; the rest is accepted in one step.
    sheet = assessments.sheet_of(dbs, second)
    reviewed, waiting, routine = assessments.review_counts(sheet)
    assert (reviewed, waiting - routine) == (0, 1)
    needing = [q.id for q in sheet.visible() if assessments.attention(sheet, q)]
    assert needing == [changed.id]
    assert "changed since last time" in assessments.attention(sheet, changed)
    assessments.accept_routine(dbs, officer, sheet, routine)
    assessments.review(dbs, officer, sheet, changed.id, "accept")
    frozen_clock.set(date(2028, 2, 3))
    assessments.complete(dbs, officer, sheet)
    assert second.status == AssessmentStatus.COMPLETED

    # The next reassessment is counted from this completion.
    item = reassessment_item(frozen_clock.today)
    assert item.due_on == add_months(date(2028, 2, 3), 24) == date(2030, 2, 3)
    # Both cycles stay on record, and the audit trail says what was carried and confirmed.
    assert {a.id for a in vendor.assessments} == {first.id, second.id}
    actions = set(dbs.scalars(select(AuditEvent.action).where(AuditEvent.vendor_id == vendor.id)))
    assert {"assessment.carried_over", "answers.confirmed"} <= actions


def test_a_selected_vendor_never_assessed_is_due_now_and_others_are_not_reassessed(
    dbs: Session, world: World, library: dict, officer: Actor
) -> None:
    vendor = _selected_vendor(dbs, world)
    prospect = Vendor(org_id=world.org.id, name="Maybe Later Inc.", status=VendorStatus.PROSPECT)
    dbs.add(prospect)
    dbs.flush()
    today = date(2026, 3, 1)
    items = [i for i in due_items(dbs, world.org.id, today) if i.kind is DueKind.REASSESSMENT]
    assert [(i.vendor_id, i.due_on) for i in items] == [(vendor.id, today)]
    with pytest.raises(AssessmentError, match="only a selected vendor"):
        cycles.start_reassessment(dbs, officer, prospect, library)
    # Without a completed assessment the "reassessment" is a plain first assessment of the tier's questionnaires.
    started = cycles.start_reassessment(dbs, officer, vendor, library)
    assert started.carried_from_id is None and not started.answers


def test_the_tier_is_raised_with_a_reason_and_never_lowered(dbs: Session, world: World, officer: Actor) -> None:
    vendor = _selected_vendor(dbs, world)  # tier 2 by its profile
    with pytest.raises(TierError, match="lower than tier 2"):
        cycles.set_tier(dbs, officer, vendor, 3, "They are tiny")
    with pytest.raises(TierError, match="reason"):
        cycles.set_tier(dbs, officer, vendor, 1, "  ")
    assert vendor.tier_override is None
    assert cycles.set_tier(dbs, officer, vendor, 1, "Prior breach in 2024") == 1
    assert (vendor.tier_override, vendor.tier_reason, vendor.tier_set_by_id) == (
        1,
        "Prior breach in 2024",
        officer.user_id,
    )
    event = dbs.scalars(select(AuditEvent).where(AuditEvent.action == "vendor.tier_changed")).one()
    assert event.details == {"from": 2, "to": 1, "profile_tier": 2, "reason": "Prior breach in 2024"}
    assert cycles.set_tier(dbs, officer, vendor, 2, "Breach remediated") == 2  # back to the profile's
    assert vendor.tier_override is None


def test_interval_settings_are_checked(dbs: Session, world: World, library: dict, officer: Actor) -> None:
    for months in (0, 61, "twelve"):
        with pytest.raises(TierError, match="months"):
            cycles.save_policies(dbs, officer, world.org.id, {1: (months, [HIPAA])}, list(library))
    with pytest.raises(TierError, match="at least one questionnaire"):
        cycles.save_policies(dbs, officer, world.org.id, {1: (12, [])}, list(library))
    assert cycles.intervals(dbs, world.org.id) == {1: 12, 2: 24, 3: 36}
    assert cycles.save_policies(dbs, officer, world.org.id, {1: (6, [HIPAA]), 3: (36, [HIPAA])}, list(library)) == [1]
    assert cycles.intervals(dbs, world.org.id)[1] == 6


def test_carried_answers_skip_what_was_not_accepted_and_questions_now_hidden(
    dbs: Session, world: World, library: dict, officer: Actor, frozen_clock: FrozenClock
) -> None:
    vendor = _selected_vendor(dbs, world)
    cycles.save_policies(dbs, officer, world.org.id, {2: (24, [HIPAA])}, list(library))
    first = assessments.create(dbs, officer, vendor, [library[HIPAA]])
    assessments.issue_link(dbs, officer, first)
    _answer_everything(dbs, first, library)
    sheet = assessments.sheet_of(dbs, first)
    for question in sheet.visible():
        assessments.review(dbs, officer, sheet, question.id, "accept")
    assessments.complete(dbs, officer, sheet)
    # A stray answer to a question the accepted answers hide, and one never accepted, are not carried.
    hidden = next(q for q in sheet.questions_in_order() if q.id not in sheet.visible_ids())
    dbs.add(Answer(assessment_id=first.id, question_id=hidden.id, value="yes", entered_by_kind=officer.kind,
                   review_state=ReviewState.ACCEPTED))  # fmt: skip
    dbs.add(Answer(assessment_id=first.id, question_id="gone_question", value="yes", entered_by_kind=officer.kind,
                   review_state=ReviewState.ACCEPTED))  # fmt: skip
    dbs.flush()
    dbs.refresh(first)
    frozen_clock.advance(days=800)
    second = cycles.start_reassessment(dbs, officer, vendor, library)
    carried = {a.question_id for a in second.answers}
    assert hidden.id not in carried and "gone_question" not in carried
    event = dbs.scalars(select(AuditEvent).where(AuditEvent.action == "assessment.carried_over")).one()
    assert {hidden.id, "gone_question"} <= set(event.details["dropped"])
    assert event.details["carried"] == len(carried)
    assert timedelta(0) < frozen_clock.now - first.completed_at
