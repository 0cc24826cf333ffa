"""The life of an assessment as a whole: its statuses, creating and cancelling one, and its timeline.

Life of an assessment::

    draft --issue link--> sent --vendor saves--> in_progress --submit--> submitted --first review--> in_review
      ^                                              ^                                                   |
      |                                              +---------- send back for clarification ------------+
      +-- (link re-issued or revoked at any point before completion)                   complete --> completed

Any step before completion may instead cancel it. Every change writes an audit event in the caller's
transaction (:func:`record`), so an assessment's timeline is its audit events.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vendorcheck import audit
from vendorcheck.assessments.versions import pin
from vendorcheck.audit import Actor
from vendorcheck.models import Assessment, AssessmentQuestionnaire, AssessmentStatus, AuditEvent, Vendor, utcnow
from vendorcheck.questionnaire.model import Questionnaire

OPEN_FOR_VENDOR = (AssessmentStatus.SENT, AssessmentStatus.IN_PROGRESS)
REVIEWABLE = (AssessmentStatus.SUBMITTED, AssessmentStatus.IN_REVIEW)
FINISHED = (AssessmentStatus.COMPLETED, AssessmentStatus.CANCELLED)
AUDIT_VALUE_CHARS = 200


class AssessmentError(ValueError):
    """Something a person asked for that cannot be done; the message says why and what to do."""


def record(session: Session, action: str, actor: Actor, assessment: Assessment, **details: Any) -> None:
    """Write the audit event of a change to ``assessment`` (in the caller's transaction)."""
    audit.record(
        session,
        action,
        actor,
        org_id=assessment.org_id,
        vendor_id=assessment.vendor_id,
        target_type="assessment",
        target_id=assessment.id,
        details=details,
    )


def clipped(value: Any) -> Any:
    """A value as an audit event keeps it: long text cut short (the answer itself stays on its row)."""
    if isinstance(value, str) and len(value) > AUDIT_VALUE_CHARS:
        return value[:AUDIT_VALUE_CHARS] + "…"
    return value


def create(
    session: Session,
    actor: Actor,
    vendor: Vendor,
    questionnaires: Sequence[Questionnaire],
    *,
    due_date: date | None = None,
    title: str | None = None,
    contact_name: str | None = None,
    contact_email: str | None = None,
    today: date | None = None,
) -> Assessment:
    """A new draft assessment of ``vendor`` pinning these questionnaires' current content."""
    if not questionnaires:
        raise AssessmentError("Choose at least one questionnaire.")
    seen: dict[str, str] = {}
    for questionnaire in questionnaires:
        for question in questionnaire.questions:
            if question.id in seen and seen[question.id] != questionnaire.key:
                raise AssessmentError(
                    f"{questionnaire.title} and {seen[question.id]} both ask {question.id!r}; send them separately."
                )
            seen[question.id] = questionnaire.key
    if due_date is not None and due_date < (today or date.today()):
        raise AssessmentError("The due date is in the past; choose today or a later day.")
    assessment = Assessment(
        org_id=vendor.org_id,
        vendor_id=vendor.id,
        title=(title or "").strip() or " + ".join(q.title for q in questionnaires),
        due_date=due_date,
        contact_name=(contact_name or "").strip() or None,
        contact_email=(contact_email or "").strip() or None,
        created_by_id=actor.user_id,
        status=AssessmentStatus.DRAFT,
    )
    session.add(assessment)
    for position, questionnaire in enumerate(questionnaires):
        assessment.parts.append(
            AssessmentQuestionnaire(questionnaire_version=pin(session, questionnaire), position=position)
        )
    session.flush()
    record(
        session,
        "assessment.created",
        actor,
        assessment,
        questionnaires=[{"id": q.key, "version": q.version, "content_hash": q.content_hash} for q in questionnaires],
        due_date=due_date.isoformat() if due_date else None,
    )
    return assessment


def cancel(session: Session, actor: Actor, assessment: Assessment, reason: str) -> None:
    """Withdraw an assessment (its link stops working)."""
    if assessment.status in FINISHED:
        raise AssessmentError("This assessment is already finished.")
    if not reason.strip():
        raise AssessmentError("Give a reason for cancelling.")
    assessment.status = AssessmentStatus.CANCELLED
    assessment.link_revoked_at = assessment.link_revoked_at or utcnow()
    record(session, "assessment.cancelled", actor, assessment, reason=reason.strip())


def timeline(session: Session, assessment: Assessment) -> list[AuditEvent]:
    """Every recorded change to this assessment, oldest first."""
    return list(
        session.scalars(
            select(AuditEvent)
            .where(
                AuditEvent.org_id == assessment.org_id,
                AuditEvent.target_type == "assessment",
                AuditEvent.target_id == str(assessment.id),
            )
            .order_by(AuditEvent.id)  # in order of recording, also across the legacy and the organization's chain
        )
    )
