"""Assessments: pinned questionnaires sent to a vendor through a link, answered, submitted and reviewed.

The service the web (assessor pages and the vendor portal) and the CLI share; no Flask here. Every change
writes an audit event in the same transaction, so an assessment's timeline is its audit events.

Life of an assessment::

    draft --issue link--> sent --vendor saves--> in_progress --submit--> submitted --first review--> in_review
      ^                                              ^                                                   |
      |                                              +---------- send back for clarification ------------+
      +-- (link re-issued or revoked at any point before completion)                   complete --> completed
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vendorcheck import audit
from vendorcheck.audit import Actor
from vendorcheck.edit_conflicts import HIDDEN, AnswerState, Seen, hidden_by_change, merge
from vendorcheck.models import (
    ActorKind,
    Answer,
    Assessment,
    AssessmentQuestionnaire,
    AssessmentStatus,
    AuditEvent,
    Evidence,
    QuestionnaireVersion,
    ReviewState,
    Vendor,
    utcnow,
)
from vendorcheck.questionnaire.loader import build
from vendorcheck.questionnaire.model import AnswerError, Question, Questionnaire, Section

LINK_LIFETIME = timedelta(days=30)
MAX_LINK_DAYS = 120
MAX_COMMENT = 2000
OPEN_FOR_VENDOR = (AssessmentStatus.SENT, AssessmentStatus.IN_PROGRESS)
REVIEWABLE = (AssessmentStatus.SUBMITTED, AssessmentStatus.IN_REVIEW)
AUDIT_VALUE_CHARS = 200


class AssessmentError(ValueError):
    """Something a person asked for that cannot be done; the message says why and what to do."""


class LinkError(AssessmentError):
    """A vendor link that does not open an assessment: unknown, expired, revoked or finished."""

    def __init__(self, message: str, assessment: Assessment | None = None) -> None:
        super().__init__(message)
        self.assessment = assessment


# Questionnaire versions


def pin(session: Session, questionnaire: Questionnaire) -> QuestionnaireVersion:
    """The stored version with this exact content, created the first time it is used."""
    found = session.scalar(
        select(QuestionnaireVersion).where(QuestionnaireVersion.content_hash == questionnaire.content_hash)
    )
    if found is None:
        found = QuestionnaireVersion(
            questionnaire_key=questionnaire.key,
            version=questionnaire.version,
            title=questionnaire.title,
            content_hash=questionnaire.content_hash,
            content=dict(questionnaire.content),
        )
        session.add(found)
        session.flush()
    return found


_CACHE: dict[str, Questionnaire] = {}


def pinned(version: QuestionnaireVersion) -> Questionnaire:
    """The questionnaire exactly as pinned (built from the stored content, never from today's file)."""
    cached = _CACHE.get(version.content_hash)
    if cached is None:
        cached = build(version.content)
        _CACHE[version.content_hash] = cached
    return cached


# The form an assessment asks


@dataclass
class Form:
    """All the questions of an assessment's questionnaires, with its current answers."""

    assessment: Assessment
    questionnaires: list[Questionnaire]
    answers: dict[str, Answer]
    evidence: dict[str, list[Evidence]] = field(default_factory=dict)

    @property
    def sections(self) -> list[tuple[Questionnaire, Section]]:
        return [(q, s) for q in self.questionnaires for s in q.sections]

    def question(self, question_id: str) -> Question:
        for questionnaire in self.questionnaires:
            if question_id in questionnaire:
                return questionnaire.question(question_id)
        raise KeyError(question_id)

    def questions_in_order(self) -> list[Question]:
        return [q for questionnaire in self.questionnaires for q in questionnaire.questions]

    def values(self) -> dict[str, Any]:
        return {qid: a.value for qid, a in self.answers.items() if not a.not_applicable}

    def visible(self) -> list[Question]:
        values = self.values()
        return [q for questionnaire in self.questionnaires for q in questionnaire.visible(values)]

    def visible_ids(self) -> set[str]:
        return {q.id for q in self.visible()}

    def is_answered(self, question: Question) -> bool:
        answer = self.answers.get(question.id)
        if answer is not None and answer.not_applicable:
            return True
        if question.type == "evidence":
            return bool(self.evidence.get(question.id))
        return answer is not None and answer.value is not None

    def progress(self, section: Section | None = None) -> tuple[int, int]:
        """(answered, asked) over the visible questions, of one section or all."""
        shown = [q for q in self.visible() if section is None or q.section_id == section.id]
        return sum(1 for q in shown if self.is_answered(q)), len(shown)

    def unanswered(self) -> list[Question]:
        return [q for q in self.visible() if not self.is_answered(q)]

    def under_clarification(self) -> set[str]:
        return {qid for qid, a in self.answers.items() if a.review_state == ReviewState.CLARIFICATION_REQUESTED}

    def editable_by_vendor(self, question_id: str) -> bool:
        """Whether the vendor may change this answer now: all while open, only flagged ones in a clarification."""
        if self.assessment.status not in OPEN_FOR_VENDOR:
            return False
        if self.assessment.clarification_round == 0:
            return True
        return question_id in self.under_clarification()


def check_document_slot(form: Form, question: Question) -> None:
    """AssessmentError unless the vendor may file a document under ``question`` now (a hidden one takes none)."""
    if question.evidence is None or not form.editable_by_vendor(question.id):
        raise AssessmentError("This question does not take a document now.")
    if question.id not in form.visible_ids():
        raise AssessmentError(
            "This question is not asked given your other answers, so it takes no document; nothing was stored."
        )


def form_of(session: Session, assessment: Assessment) -> Form:
    """The :class:`Form` of an assessment, with its answers and the evidence filed under its questions."""
    questionnaires = [pinned(part.questionnaire_version) for part in assessment.parts]
    answers = {a.question_id: a for a in assessment.answers}
    filed: dict[str, list[Evidence]] = {}
    rows = session.scalars(
        select(Evidence).where(Evidence.assessment_id == assessment.id, Evidence.received()).order_by(Evidence.id)
    )
    for item in rows:
        for qid in item.question_ids:
            filed.setdefault(qid, []).append(item)
    return Form(assessment, questionnaires, answers, filed)


# Creating and sending


def _event(session: Session, action: str, actor: Actor, assessment: Assessment, **details: Any) -> None:
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
    _event(
        session,
        "assessment.created",
        actor,
        assessment,
        questionnaires=[{"id": q.key, "version": q.version, "content_hash": q.content_hash} for q in questionnaires],
        due_date=due_date.isoformat() if due_date else None,
    )
    return assessment


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_link(session: Session, actor: Actor, assessment: Assessment, days: int | None = None) -> str:
    """A new vendor link (the token, returned once; only its hash is kept); any earlier link stops working."""
    if assessment.status in (AssessmentStatus.COMPLETED, AssessmentStatus.CANCELLED):
        raise AssessmentError("This assessment is finished; create a new one to ask the vendor again.")
    lifetime = timedelta(days=days) if days else LINK_LIFETIME
    if not timedelta(days=1) <= lifetime <= timedelta(days=MAX_LINK_DAYS):
        raise AssessmentError(f"A link lasts between 1 and {MAX_LINK_DAYS} days.")
    token = secrets.token_urlsafe(32)
    now = utcnow()
    replaced = assessment.link_token_hash is not None and assessment.link_revoked_at is None
    assessment.link_token_hash = token_hash(token)
    assessment.link_issued_at = now
    assessment.link_expires_at = now + lifetime
    assessment.link_revoked_at = None
    if assessment.status == AssessmentStatus.DRAFT:
        assessment.status = AssessmentStatus.SENT
        assessment.sent_at = now
    _event(
        session,
        "assessment.link_issued",
        actor,
        assessment,
        expires_at=assessment.link_expires_at.isoformat(),
        replaced_earlier_link=replaced,
    )
    return token


def revoke_link(session: Session, actor: Actor, assessment: Assessment) -> None:
    """Stop the current vendor link from working."""
    if assessment.link_token_hash is None or assessment.link_revoked_at is not None:
        raise AssessmentError("There is no working link to revoke.")
    assessment.link_revoked_at = utcnow()
    _event(session, "assessment.link_revoked", actor, assessment)


def link_state(assessment: Assessment, now: datetime | None = None) -> str:
    """none | active | expired | revoked."""
    if assessment.link_token_hash is None:
        return "none"
    if assessment.link_revoked_at is not None:
        return "revoked"
    if assessment.link_expires_at is not None and assessment.link_expires_at <= (now or utcnow()):
        return "expired"
    return "active"


def open_link(session: Session, token: str, now: datetime | None = None) -> Assessment:
    """The assessment a vendor link opens; :class:`LinkError` (with the assessment, if known) otherwise."""
    if not token or len(token) > 100:
        raise LinkError("This link is not valid.")
    assessment = session.scalar(select(Assessment).where(Assessment.link_token_hash == token_hash(token)))
    if assessment is None:
        raise LinkError("This link is not valid. It may have been replaced by a newer one.")
    state = link_state(assessment, now)
    if state == "revoked":
        raise LinkError("This link has been withdrawn.", assessment)
    if state == "expired":
        raise LinkError("This link has expired.", assessment)
    if assessment.status == AssessmentStatus.CANCELLED:
        raise LinkError("This assessment has been cancelled.", assessment)
    return assessment


def vendor_actor(assessment: Assessment, source_ip: str | None = None) -> Actor:
    """The vendor contact acting through the link, as the audit trail names them."""
    who = assessment.contact_email or "vendor contact"
    return Actor(ActorKind.VENDOR_LINK, f"{who} (link for assessment {assessment.id})", None, source_ip)


# Answering


@dataclass
class SaveResult:
    """What a save did: answers changed, and the message for each answer refused (by question id).

    A refused answer is either invalid, asked no more (hidden by the other answers), or changed by someone
    else since the person's page was rendered (see ``vendorcheck.edit_conflicts``).
    """

    changed: list[str] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Entry:
    """One answer as submitted from a form, a spreadsheet or JSON: raw value, comment, N/A.

    ``seen`` is what the form showed (forms only): then only the parts the person changed are written.
    """

    raw: str | list[str] | None = None
    comment: str | None = None
    not_applicable: bool = False
    seen: Seen | None = None


def save(
    session: Session,
    actor: Actor,
    form: Form,
    entries: Mapping[str, Entry],
    *,
    on_behalf: bool = False,
) -> SaveResult:
    """Store the valid entries as the current answers (drafts until submitted); report the refused ones.

    The vendor may change only what :meth:`Form.editable_by_vendor` allows; an assessor entering answers
    ``on_behalf`` of the vendor (from a call or a PDF) may change any answer until the assessment is complete,
    and those answers are marked as entered by that user. Questions hidden by the answers as they stand after
    this save take nothing. Saves of one assessment queue on its row, and an entry that says what its form
    showed writes only what the person changed there, never a stale copy of someone else's change.
    """
    assessment = form.assessment
    _lock(session, form)
    if on_behalf:
        if assessment.status in (AssessmentStatus.COMPLETED, AssessmentStatus.CANCELLED):
            raise AssessmentError("This assessment is finished; its answers can no longer change.")
    elif assessment.status not in OPEN_FOR_VENDOR:
        raise AssessmentError("These answers have been submitted and are locked.")
    result = SaveResult()
    planned: dict[str, AnswerState] = {}
    for qid, entry in entries.items():
        try:
            question = form.question(qid)
        except KeyError:
            result.errors[qid] = "This question is not part of the assessment."
            continue
        if not on_behalf and not form.editable_by_vendor(qid):
            continue
        comment = (entry.comment or "").strip() or None
        if comment and len(comment) > MAX_COMMENT:
            result.errors[qid] = f"Keep the comment under {MAX_COMMENT:,} characters."
            continue
        if entry.not_applicable and not question.na_allowed:
            result.errors[qid] = "This question must be answered; it cannot be marked not applicable."
            continue
        try:
            value = None if entry.not_applicable or question.type == "evidence" else question.parse(entry.raw)
        except AnswerError as error:
            result.errors[qid] = str(error)
            continue
        stored = form.answers.get(qid)
        now = AnswerState(stored.value, stored.not_applicable, stored.comment) if stored else AnswerState.EMPTY
        change, conflict = merge(question, now, AnswerState(value, entry.not_applicable, comment), entry.seen)
        if conflict:
            result.errors[qid] = conflict
        if change is not None:
            planned[qid] = change
    for qid in hidden_by_change(form.questionnaires, form.values(), planned):
        if planned.pop(qid).stores_something:  # clearing a hidden answer is left undone, not refused
            result.errors[qid] = HIDDEN
    changes: dict[str, Any] = {}
    for qid, change in planned.items():
        answer = form.answers.get(qid)
        if answer is None:
            answer = Answer(assessment_id=assessment.id, question_id=qid, entered_by_kind=actor.kind)
            session.add(answer)
            assessment.answers.append(answer)
            form.answers[qid] = answer
        before = answer.value
        answer.value, answer.comment, answer.not_applicable = change.value, change.comment, change.not_applicable
        answer.entered_by_kind = actor.kind
        answer.entered_by_user_id = actor.user_id
        answer.entered_at = utcnow()
        result.changed.append(qid)
        changes[qid] = {"from": _short(before), "to": "n/a" if change.not_applicable else _short(change.value)}
    if result.changed:
        if assessment.status == AssessmentStatus.SENT and not on_behalf:
            assessment.status = AssessmentStatus.IN_PROGRESS
        session.flush()
        _event(
            session,
            "answers.saved",
            actor,
            assessment,
            changes=changes,
            on_behalf_of_vendor=on_behalf,
            clarification_round=assessment.clarification_round,
        )
    return result


def _lock(session: Session, form: Form) -> None:
    """Queue behind other saves of this assessment (row lock) and read its answers as they now are."""
    session.flush()  # refreshing must not drop a change the caller made and has not flushed yet
    session.refresh(form.assessment, with_for_update=True)
    fresh = session.scalars(
        select(Answer).where(Answer.assessment_id == form.assessment.id).execution_options(populate_existing=True)
    ).all()
    form.answers.clear()
    form.answers.update({a.question_id: a for a in fresh})


def _short(value: Any) -> Any:
    if isinstance(value, str) and len(value) > AUDIT_VALUE_CHARS:
        return value[:AUDIT_VALUE_CHARS] + "…"
    return value


def submit(session: Session, actor: Actor, form: Form) -> list[Question]:
    """Lock the answers for review; returns the questions still unanswered (and submits nothing) if any.

    Submitting twice is harmless: an already submitted assessment is left as it is.
    """
    assessment = form.assessment
    if assessment.status in (*REVIEWABLE, AssessmentStatus.COMPLETED):
        return []
    if assessment.status not in OPEN_FOR_VENDOR:
        raise AssessmentError("This assessment cannot be submitted now.")
    missing = form.unanswered()
    if missing:
        return missing
    answered_again = sorted(form.under_clarification())
    for qid in answered_again:
        form.answers[qid].review_state = ReviewState.PENDING
    assessment.status = AssessmentStatus.SUBMITTED
    assessment.submitted_at = utcnow()
    _event(
        session,
        "assessment.submitted",
        actor,
        assessment,
        answered=len(form.visible()),
        clarification_round=assessment.clarification_round,
        clarified=answered_again,
    )
    return []


# Reviewing

REVIEW_ACTIONS = ("accept", "clarify", "override")


def review(
    session: Session,
    actor: Actor,
    form: Form,
    question_id: str,
    action: str,
    *,
    note: str | None = None,
    override_raw: str | list[str] | None = None,
) -> Answer:
    """Accept an answer, ask the vendor to clarify it, or override it with a written reason."""
    assessment = form.assessment
    if assessment.status not in REVIEWABLE:
        raise AssessmentError("Answers can be reviewed once the vendor has submitted them.")
    if action not in REVIEW_ACTIONS:
        raise AssessmentError(f"Unknown review action {action!r}.")
    question = form.question(question_id)
    note = (note or "").strip() or None
    answer = form.answers.get(question_id)
    if answer is None:
        answer = Answer(assessment_id=assessment.id, question_id=question_id, entered_by_kind=ActorKind.VENDOR_LINK)
        session.add(answer)
        assessment.answers.append(answer)
        form.answers[question_id] = answer
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
        details.update(reason=note, vendor_value=_short(answer.value), override_value=_short(value))
    answer.reviewed_by_id = actor.user_id
    answer.reviewed_at = utcnow()
    if assessment.status == AssessmentStatus.SUBMITTED:
        assessment.status = AssessmentStatus.IN_REVIEW
    session.flush()
    _event(session, "answer.reviewed", actor, assessment, **details)
    return answer


def send_back(session: Session, actor: Actor, form: Form) -> list[str]:
    """Return the assessment to the vendor with the answers flagged for clarification (the rest stay locked)."""
    assessment = form.assessment
    flagged = sorted(form.under_clarification())
    if assessment.status not in REVIEWABLE:
        raise AssessmentError("Only a submitted assessment can be sent back.")
    if not flagged:
        raise AssessmentError("Mark at least one answer as needing clarification first.")
    assessment.status = AssessmentStatus.IN_PROGRESS
    assessment.clarification_round += 1
    assessment.submitted_at = None
    _event(
        session,
        "assessment.clarification_requested",
        actor,
        assessment,
        questions=flagged,
        clarification_round=assessment.clarification_round,
    )
    return flagged


def complete(session: Session, actor: Actor, form: Form) -> None:
    """Close the review once every visible answer is accepted or overridden."""
    assessment = form.assessment
    if assessment.status not in REVIEWABLE:
        raise AssessmentError("Only a submitted assessment can be completed.")
    settled = (ReviewState.ACCEPTED, ReviewState.OVERRIDDEN)
    open_ids = [
        q.id for q in form.visible() if q.id not in form.answers or form.answers[q.id].review_state not in settled
    ]
    if open_ids:
        raise AssessmentError(f"{len(open_ids)} answer(s) still need a review, starting with {open_ids[0]!r}.")
    assessment.status = AssessmentStatus.COMPLETED
    assessment.completed_at = utcnow()
    assessment.link_revoked_at = assessment.link_revoked_at or utcnow()
    _event(session, "assessment.completed", actor, assessment)


def cancel(session: Session, actor: Actor, assessment: Assessment, reason: str) -> None:
    """Withdraw an assessment (its link stops working)."""
    if assessment.status in (AssessmentStatus.COMPLETED, AssessmentStatus.CANCELLED):
        raise AssessmentError("This assessment is already finished.")
    if not reason.strip():
        raise AssessmentError("Give a reason for cancelling.")
    assessment.status = AssessmentStatus.CANCELLED
    assessment.link_revoked_at = assessment.link_revoked_at or utcnow()
    _event(session, "assessment.cancelled", actor, assessment, reason=reason.strip())


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


def effective_value(answer: Answer) -> Any:
    """The answer that counts: the assessor's override if there is one, else the vendor's."""
    return answer.override_value if answer.review_state == ReviewState.OVERRIDDEN else answer.value
