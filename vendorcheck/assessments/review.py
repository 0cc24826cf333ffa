"""The assessor's review of submitted answers: accept, ask to clarify, override with a reason; send back; complete.

A review needs the answers submitted. Asking to clarify flags answers; sending back reopens only those to the
vendor (a new clarification round) and the rest stay locked. Completing needs every visible answer accepted
or overridden, and closes the vendor link. At scale, ``attention`` says which answers need a person's eyes
and ``accept_routine`` accepts the rest at once, after the assessor confirmed how many.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from vendorcheck.assessments.lifecycle import AssessmentError, clipped, record
from vendorcheck.assessments.sheet import AnswerSheet
from vendorcheck.audit import Actor, actions
from vendorcheck.models import ActorKind, Answer, AssessmentStatus, ReviewState, utcnow
from vendorcheck.questionnaire.model import AnswerError, Question

REVIEW_ACTIONS = ("accept", "clarify", "override")


def review(
    session: Session,
    actor: Actor,
    sheet: AnswerSheet,
    question_id: str,
    action: str,
    *,
    note: str | None = None,
    override_raw: str | list[str] | None = None,
) -> Answer:
    """Accept an answer, ask the vendor to clarify it, or override it with a written reason."""
    assessment = sheet.assessment
    if not sheet.reviewable:
        raise AssessmentError("Answers can be reviewed once the vendor has submitted them.")
    if action not in REVIEW_ACTIONS:
        raise AssessmentError(f"Unknown review action {action!r}.")
    question = sheet.question(question_id)
    note = (note or "").strip() or None
    answer = _answer_row(session, sheet, question_id)
    details: dict[str, Any] = {"question_id": question_id, "decision": action}
    if action == "accept":
        answer.review_state = ReviewState.ACCEPTED
        answer.review_note = note
        answer.override_value = None
    elif action == "clarify":
        if not note:
            raise AssessmentError("Write what the vendor should clarify.")
        answer.review_state = ReviewState.CLARIFICATION_REQUESTED
        answer.review_note = note
        details["question"] = note
    else:
        if not note:
            raise AssessmentError("Give the reason for overriding the vendor's answer.")
        try:
            value = question.parse(override_raw)
        except AnswerError as error:
            raise AssessmentError(f"The corrected answer is not valid: {error}") from None
        if value is None:
            raise AssessmentError("Give the corrected answer.")
        answer.review_state = ReviewState.OVERRIDDEN
        answer.review_note = note
        answer.override_value = value
        details.update(reason=note, vendor_value=clipped(answer.value), override_value=clipped(value))
    answer.reviewed_by_id = actor.user_id
    answer.reviewed_at = utcnow()
    if assessment.status == AssessmentStatus.SUBMITTED:
        assessment.status = AssessmentStatus.IN_REVIEW
    session.flush()
    record(session, "answer.reviewed", actor, assessment, **details)
    return answer


def _answer_row(session: Session, sheet: AnswerSheet, question_id: str) -> Answer:
    """The answer to review; a question answered by a document alone (the vendor uploaded it and chose
    nothing else) or left unanswered gets an empty one to carry the review."""
    answer = sheet.answers.get(question_id)
    if answer is None:
        answer = Answer(
            assessment_id=sheet.assessment.id, question_id=question_id, entered_by_kind=ActorKind.VENDOR_LINK
        )
        session.add(answer)
        sheet.assessment.answers.append(answer)
        sheet.answers[question_id] = answer
    return answer


def send_back(session: Session, actor: Actor, sheet: AnswerSheet) -> list[str]:
    """Return the assessment to the vendor with the answers flagged for clarification (the rest stay locked)."""
    assessment = sheet.assessment
    flagged = sorted(sheet.under_clarification())
    if not sheet.reviewable:
        raise AssessmentError("Only a submitted assessment can be sent back.")
    if not flagged:
        raise AssessmentError("Mark at least one answer as needing clarification first.")
    assessment.status = AssessmentStatus.IN_PROGRESS
    assessment.clarification_round += 1
    assessment.submitted_at = None
    record(
        session,
        "assessment.clarification_requested",
        actor,
        assessment,
        questions=flagged,
        clarification_round=assessment.clarification_round,
    )
    return flagged


def complete(session: Session, actor: Actor, sheet: AnswerSheet) -> None:
    """Close the review once every visible answer is accepted or overridden."""
    assessment = sheet.assessment
    if not sheet.reviewable:
        raise AssessmentError("Only a submitted assessment can be completed.")
    settled = (ReviewState.ACCEPTED, ReviewState.OVERRIDDEN)
    open_ids = [
        q.id for q in sheet.visible() if q.id not in sheet.answers or sheet.answers[q.id].review_state not in settled
    ]
    if open_ids:
        raise AssessmentError(f"{len(open_ids)} answer(s) still need a review, starting with {open_ids[0]!r}.")
    assessment.status = AssessmentStatus.COMPLETED
    assessment.completed_at = utcnow()
    assessment.link_revoked_at = assessment.link_revoked_at or utcnow()
    record(session, "assessment.completed", actor, assessment)


# Review at scale: what needs a person's attention, and accepting the rest at once

SETTLED = (ReviewState.ACCEPTED, ReviewState.OVERRIDDEN)


def attention(sheet: AnswerSheet, question: Question) -> list[str]:
    """Why an answer needs the assessor's own eyes (empty: a routine answer that can be accepted with the rest).

    A failed knock-out, anything short of full marks, a comment, a document still missing or awaiting review,
    an answer the practice entered on the vendor's behalf, or one that was sent back for clarification. In a
    reassessment, an answer changed since the last cycle always needs a look, and one confirmed unchanged needs
    one only for its proof (a document that expired) or a clarification asked now.
    """
    answer = sheet.answers.get(question.id)
    if answer is None:
        documents = sheet.evidence.get(question.id, []) if question.type == "evidence" else []
        if not documents:
            return ["no answer"]
        # The document answers it (the portal's "I upload the document"): only the document's review matters.
        return ["a document awaits review"] if any(d.review_state.value != "accepted" for d in documents) else []
    change = sheet.change(question.id)
    if change == "unchanged":
        return _carried_attention(sheet, question, answer)
    reasons = ["changed since last time"] if change == "changed" else []
    if answer.not_applicable:
        return [*reasons, "marked not applicable"]
    value = answer.value
    if question.fails(value):
        reasons.append("fails a must-have control")
    compliance = question.compliance(value, utcnow().date())
    if question.type == "evidence":
        documents = sheet.evidence.get(question.id, [])
        if not documents:
            reasons.append("no document filed")
        elif any(d.review_state.value != "accepted" for d in documents):
            reasons.append("a document awaits review")
    elif compliance is not None and compliance < 1:
        reasons.append("partly or not compliant")
    if answer.comment:
        reasons.append("has a comment")
    if answer.entered_by_kind == ActorKind.USER:
        reasons.append("entered on the vendor's behalf")
    if answer.review_note and answer.review_state == ReviewState.CLARIFICATION_REQUESTED:
        reasons.append("clarification was asked")
    return reasons


def _carried_attention(sheet: AnswerSheet, question: Question, answer: Answer) -> list[str]:
    """An answer the vendor confirmed unchanged since the last cycle, where it was accepted: only its proof can
    need a look (a document that expired drops out of the sheet, so its question shows none), or a clarification
    asked in this cycle."""
    reasons = []
    if question.type == "evidence":
        documents = sheet.evidence.get(question.id, [])
        today = utcnow().date()
        if not documents and not answer.not_applicable and question.stored(answer.value) is None:
            reasons.append("its document expired or is missing")
        elif any(d.review_state.value != "accepted" for d in documents):
            reasons.append("a document awaits review")
        elif any(d.is_expired(today) for d in documents):
            reasons.append("its document expired")
    if answer.review_note and answer.review_state == ReviewState.CLARIFICATION_REQUESTED:
        reasons.append("clarification was asked")
    return reasons


def review_counts(sheet: AnswerSheet) -> tuple[int, int, int]:
    """(reviewed, to review, routine): how many visible answers are settled, how many are not, and how many of
    those need no attention (what "accept all routine answers" would accept)."""
    visible = sheet.visible()
    pending = [q for q in visible if _pending(sheet, q)]
    routine = [q for q in pending if not attention(sheet, q)]
    return len(visible) - len(pending), len(pending), len(routine)


def waiting_for_a_look(sheet: AnswerSheet, question: Question) -> bool:
    """Still to review and needing the assessor's eyes (what "only what needs attention" lists): an answer once
    accepted or overridden leaves the list, whatever drew attention to it."""
    return _pending(sheet, question) and bool(attention(sheet, question))


def _pending(sheet: AnswerSheet, question: Question) -> bool:
    answer = sheet.answers.get(question.id)
    return answer is None or answer.review_state not in SETTLED


def accept_routine(session: Session, actor: Actor, sheet: AnswerSheet, expected: int) -> list[str]:
    """Accept every answer still to review that needs no attention; one audit event lists them.

    ``expected`` is how many the assessor saw and confirmed: if the sheet changed since (the vendor edited,
    another assessor reviewed), nothing is accepted and the assessor is asked to look again.
    """
    if not sheet.reviewable:
        raise AssessmentError("Answers can be reviewed once the vendor has submitted them.")
    routine = [q for q in sheet.visible() if _pending(sheet, q) and not attention(sheet, q)]
    if len(routine) != expected:
        raise AssessmentError(
            f"{len(routine)} answer(s) now need no attention, not {expected}: the answers changed meanwhile. "
            "Look again and confirm."
        )
    if not routine:
        raise AssessmentError("No answer is waiting that could be accepted without a look.")
    now = utcnow()
    for question in routine:
        answer = _answer_row(session, sheet, question.id)
        answer.review_state = ReviewState.ACCEPTED
        answer.review_note = None
        answer.override_value = None
        answer.reviewed_by_id = actor.user_id
        answer.reviewed_at = now
    if sheet.assessment.status == AssessmentStatus.SUBMITTED:
        sheet.assessment.status = AssessmentStatus.IN_REVIEW
    session.flush()
    ids = [q.id for q in routine]
    record(session, actions.ANSWERS_ACCEPTED_ROUTINE, actor, sheet.assessment, questions=ids, count=len(ids))
    return ids
