"""Where a vendor's newest assessment stands, in plain words for the vendor list (owner and officer alike).

Read from the assessment's own columns only (status, due date, link, dates), so a list of vendors whose
assessments are loaded with them needs no query per vendor. No Flask, no queries.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from vendorcheck.assessments.links import VendorLink
from vendorcheck.models import Assessment, AssessmentStatus

# Stage keys in the order the work moves through; the list filters and sorts by them.
STAGES: dict[str, str] = {
    "none": "No questionnaire yet",
    "not_sent": "Not sent",
    "waiting": "Waiting for the vendor",
    "to_review": "Answers to review",
    "reviewing": "Review under way",
    "reviewed": "Reviewed",
    "cancelled": "Cancelled",
}
_BY_STATUS = {
    AssessmentStatus.DRAFT: "not_sent",
    AssessmentStatus.SENT: "waiting",
    AssessmentStatus.IN_PROGRESS: "waiting",
    AssessmentStatus.SUBMITTED: "to_review",
    AssessmentStatus.IN_REVIEW: "reviewing",
    AssessmentStatus.COMPLETED: "reviewed",
    AssessmentStatus.CANCELLED: "cancelled",
}


@dataclass(frozen=True)
class Stage:
    """One assessment's stage: its key (see :data:`STAGES`), the words shown, and what else to flag."""

    key: str
    words: str
    days_late: int = 0  # waiting on the vendor past the due date
    note: str = ""  # what stops the vendor from answering ("the vendor link expired"), shown beside the words
    assessment_id: int | None = None

    @property
    def order(self) -> int:
        """The stage's place in the work, for sorting."""
        return list(STAGES).index(self.key)


def short_date(day: date, today: date) -> str:
    """'12 Dec' this year, '12 Dec 2027' otherwise (no leading zero)."""
    return f"{day.day} {day:%b}" + ("" if day.year == today.year else f" {day.year}")


def stage_of(assessment: Assessment | None, today: date, now: datetime | None = None) -> Stage:
    """The stage of ``assessment`` (a vendor's newest; None: it has none) on ``today``."""
    if assessment is None:
        return Stage("none", STAGES["none"])
    key = _BY_STATUS[assessment.status]
    words = STAGES[key]
    late, note = 0, ""
    if key == "waiting":
        if assessment.clarification_round:
            words = "Waiting for the vendor's clarifications"
        if assessment.due_date is not None:
            words += f" (due {short_date(assessment.due_date, today)})"
            late = max(0, (today - assessment.due_date).days)
        link = VendorLink.of(assessment, now)
        if link.state in ("expired", "revoked"):
            note = "the vendor link was revoked" if link.state == "revoked" else "the vendor link expired"
    elif key == "reviewed" and assessment.completed_at is not None:
        words += f" ({short_date(assessment.completed_at.date(), today)})"
    return Stage(key, words, late, note, assessment.id)
