"""An assessment's stage in plain words, for the vendor list (pure: read from the assessment's own columns)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

import pytest

from vendorcheck.assessments.stage import STAGES, stage_of
from vendorcheck.models import Assessment, AssessmentStatus

TODAY = date(2026, 3, 10)
NOW = datetime(2026, 3, 10, 9, 0)


def _assessment(status: AssessmentStatus, **values: object) -> Assessment:
    values.setdefault("clarification_round", 0)
    return Assessment(id=7, status=status, **values)


def test_a_vendor_without_an_assessment_has_none_yet() -> None:
    stage = stage_of(None, TODAY)
    assert (stage.key, stage.words, stage.assessment_id) == ("none", "No questionnaire yet", None)


@pytest.mark.parametrize(
    ("status", "words"),
    [
        (AssessmentStatus.DRAFT, "Not sent"),
        (AssessmentStatus.SUBMITTED, "Answers to review"),
        (AssessmentStatus.IN_REVIEW, "Review under way"),
        (AssessmentStatus.CANCELLED, "Cancelled"),
    ],
)
def test_each_status_reads_in_plain_words(status: AssessmentStatus, words: str) -> None:
    assert stage_of(_assessment(status), TODAY, NOW).words == words


def test_waiting_for_the_vendor_names_the_due_date_and_how_late_it_is() -> None:
    link = {"link_token_hash": "x", "link_expires_at": NOW + timedelta(days=5)}
    on_time = stage_of(_assessment(AssessmentStatus.SENT, due_date=date(2026, 12, 12), **link), TODAY, NOW)
    assert (on_time.key, on_time.words, on_time.days_late, on_time.note) == (
        "waiting",
        "Waiting for the vendor (due 12 Dec)",
        0,
        "",
    )
    late = stage_of(_assessment(AssessmentStatus.IN_PROGRESS, due_date=date(2026, 3, 3), **link), TODAY, NOW)
    assert late.days_late == 7 and late.words == "Waiting for the vendor (due 3 Mar)"
    next_year = stage_of(_assessment(AssessmentStatus.SENT, due_date=date(2027, 1, 5), **link), TODAY, NOW)
    assert next_year.words.endswith("(due 5 Jan 2027)")


def test_clarifications_and_a_dead_link_are_said() -> None:
    expired = _assessment(
        AssessmentStatus.IN_PROGRESS, clarification_round=1, link_token_hash="x", link_expires_at=NOW - timedelta(1)
    )
    stage = stage_of(expired, TODAY, NOW)
    assert stage.words == "Waiting for the vendor's clarifications" and stage.note == "the vendor link expired"
    revoked = _assessment(AssessmentStatus.SENT, link_token_hash="x", link_revoked_at=NOW)
    assert stage_of(revoked, TODAY, NOW).note == "the vendor link was revoked"


def test_reviewed_says_when_and_stages_sort_in_the_order_of_the_work() -> None:
    done = stage_of(_assessment(AssessmentStatus.COMPLETED, completed_at=datetime(2025, 11, 2, 15, 0)), TODAY, NOW)
    assert done.words == "Reviewed (2 Nov 2025)" and done.assessment_id == 7
    order = [stage_of(_assessment(s), TODAY, NOW).order for s in AssessmentStatus]
    assert [list(STAGES)[i] for i in order] == [
        "not_sent", "waiting", "waiting", "to_review", "reviewing", "reviewed", "cancelled",
    ]  # fmt: skip
