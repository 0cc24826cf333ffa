"""Answering: entries from a page, a spreadsheet or JSON become the current answers; then submit.

Every way answers arrive (the vendor portal, an assessor entering them on the vendor's behalf, an XLSX or
JSON import, the CLI) goes through :func:`save`, which refuses each bad entry with its own message and keeps
the rest. Questions hidden by the answers as they stand after the save take nothing, and say so.

Edits that cross: a section's form re-posts every field, the untouched ones with the values they were
rendered with. Two people (or two tabs) saving the same section would otherwise each write back their
stale copy of the other's changes, and all but the last change would vanish. So each question's form
carries a token ``seen`` naming what it showed: a short fingerprint of the answer (value and "not
applicable") and one of the comment. On save a part whose posted fingerprint equals the token was not
touched and is not written; a part the person changed is written, unless it also changed on the server
since the page was rendered, in which case it is refused with the value now stored, the person's input is
kept on the page, and the rest of the section is saved. The token is only a fingerprint of what the person
could already see; a forged one can only make their own save overwrite or refuse their own change, which
the form lets them do anyway.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, ClassVar

from sqlalchemy import select
from sqlalchemy.orm import Session

from vendorcheck.assessments.lifecycle import OPEN_FOR_VENDOR, REVIEWABLE, AssessmentError, clipped, record
from vendorcheck.assessments.sheet import AnswerSheet
from vendorcheck.audit import Actor, actions
from vendorcheck.evidence import EvidenceDetails
from vendorcheck.models import Answer, Assessment, AssessmentStatus, EvidenceKind, ReviewState, utcnow
from vendorcheck.questionnaire.model import AnswerError, Question, Questionnaire

MAX_COMMENT = 2000
DIGEST_CHARS = 16
HIDDEN = "This question is not asked given your other answers, so it takes no answer; nothing was saved for it."
KEPT = "Your entry is kept below: save again to replace theirs, or clear it to keep theirs."


# What a form showed, so a save writes only what the person changed


def _normal(value: Any) -> Any:
    """The value as a fingerprint sees it: browsers send line breaks as CR LF, however they were stored."""
    if isinstance(value, str):
        return value.replace("\r\n", "\n")
    if isinstance(value, list):
        return [_normal(v) for v in value]
    return value


def fingerprint(value: Any) -> str:
    """A short digest of a JSON-able value (the answer part or the comment)."""
    data = json.dumps(_normal(value), sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(data.encode("utf-8")).hexdigest()[:DIGEST_CHARS]


@dataclass(frozen=True)
class Seen:
    """The fingerprints of an answer and its comment as a form showed them."""

    answer: str
    comment: str

    @classmethod
    def of(cls, value: Any, not_applicable: bool, comment: str | None) -> Seen:
        """What a form shows for this stored state."""
        return cls(fingerprint([value, not_applicable]), fingerprint(comment))

    @property
    def token(self) -> str:
        """The form field's value."""
        return f"{self.answer}.{self.comment}"

    @classmethod
    def parse(cls, token: str | None) -> Seen | None:
        """The token a form sent back; None if absent or malformed (then the save compares with the stored state)."""
        answer, dot, comment = (token or "").partition(".")
        if not dot or len(answer) != DIGEST_CHARS or len(comment) != DIGEST_CHARS:
            return None
        if not all(ch in "0123456789abcdef" for ch in answer + comment):
            return None
        return cls(answer, comment)


@dataclass(frozen=True)
class AnswerState:
    """An answer's parts: stored, posted, or as a save would leave it."""

    value: Any
    not_applicable: bool
    comment: str | None
    EMPTY: ClassVar[AnswerState]

    @property
    def stores_something(self) -> bool:
        """False for the state of a question never answered."""
        return self.value is not None or self.not_applicable or self.comment is not None


AnswerState.EMPTY = AnswerState(None, False, None)


def merge(
    question: Question, now: AnswerState, posted: AnswerState, seen: Seen | None
) -> tuple[AnswerState | None, str]:
    """What to store for one posted answer (None: nothing changes) and the conflict to report ("" if none).

    Without ``seen`` the posted state is stored. With it, each part (answer, comment) the person did not
    change keeps the stored state, and a part they changed that someone else changed meanwhile is refused.
    """
    value, not_applicable, comment = posted.value, posted.not_applicable, posted.comment
    conflicts: list[str] = []
    if seen is not None:
        mine, theirs = fingerprint([value, not_applicable]), fingerprint([now.value, now.not_applicable])
        if mine == seen.answer or (theirs != seen.answer and mine != theirs):
            if mine != seen.answer:
                shown = "not applicable" if now.not_applicable else (question.display(now.value) or "no answer")
                conflicts.append(f"This answer was changed by someone else since you opened this page: now “{shown}”.")
            value, not_applicable = now.value, now.not_applicable
        mine, theirs = fingerprint(comment), fingerprint(now.comment)
        if mine == seen.comment or (theirs != seen.comment and mine != theirs):
            if mine != seen.comment:
                shown = _clip(now.comment) or "no comment"
                conflicts.append(f"The comment was changed by someone else since you opened this page: now “{shown}”.")
            comment = now.comment
    message = " ".join([*conflicts, KEPT]) if conflicts else ""
    change = AnswerState(value, not_applicable, comment)
    return (None if change == now else change), message


def hidden_by_change(
    questionnaires: Sequence[Questionnaire], values: Mapping[str, Any], planned: Mapping[str, AnswerState]
) -> list[str]:
    """The planned changes to questions that the answers, once changed, hide (hidden questions take nothing).

    ``values`` are the stored answers (N/A left out). Dropping one change may show or hide others, so the
    answers are looked at again until no planned change is to a hidden question.
    """
    keep = dict(planned)
    dropped: list[str] = []
    while True:
        after = dict(values)
        for qid, change in keep.items():
            if change.not_applicable or change.value is None:
                after.pop(qid, None)
            else:
                after[qid] = change.value
        shown = {q.id for questionnaire in questionnaires for q in questionnaire.visible(after)}
        hidden = [qid for qid in keep if qid not in shown]
        if not hidden:
            return dropped
        for qid in hidden:
            del keep[qid]
            dropped.append(qid)


def _clip(text: str | None, limit: int = 200) -> str | None:
    return text[:limit] + "…" if text and len(text) > limit else text


# Saving


@dataclass
class SaveResult:
    """What a save did: answers changed, and the message for each answer refused (by question id).

    A refused answer is either invalid, asked no more (hidden by the other answers), or changed by someone
    else since the person's page was rendered (see :func:`merge`).
    """

    changed: list[str] = field(default_factory=list)
    errors: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Entry:
    """One answer as submitted from a form, a spreadsheet or JSON: raw value, comment, N/A.

    ``seen`` is what the form showed (forms only): then only the parts the person changed are written.
    For a question that asks for a document, ``raw`` is "later" or "not_available" (the vendor will send
    it, or cannot), "" for neither (the file answers it), and None to leave the stored choice as it is.
    """

    raw: str | list[str] | None = None
    comment: str | None = None
    not_applicable: bool = False
    seen: Seen | None = None


def save(
    session: Session,
    actor: Actor,
    sheet: AnswerSheet,
    entries: Mapping[str, Entry],
    *,
    on_behalf: bool = False,
) -> SaveResult:
    """Store the valid entries as the current answers (drafts until submitted); report the refused ones.

    The vendor may change only what :meth:`AnswerSheet.editable_by_vendor` allows; an assessor entering answers
    ``on_behalf`` of the vendor (from a call or a PDF) may change any answer until the assessment is finished,
    and those answers are marked as entered by that user. Questions hidden by the answers as they stand after
    this save take nothing. Saves of one assessment queue on its row, and an entry that says what its form
    showed writes only what the person changed there, never a stale copy of someone else's change.
    """
    assessment = sheet.assessment
    _lock(session, sheet)
    if on_behalf:
        if not sheet.open_on_behalf:
            raise AssessmentError("This assessment is finished; its answers can no longer change.")
    elif not sheet.open_for_vendor:
        raise AssessmentError("These answers have been submitted and are locked.")
    result = SaveResult()
    planned: dict[str, AnswerState] = {}
    for qid, entry in entries.items():
        try:
            question = sheet.question(qid)
        except KeyError:
            result.errors[qid] = "This question is not part of the assessment."
            continue
        if not on_behalf and not sheet.editable_by_vendor(qid):
            continue
        comment = (entry.comment or "").strip() or None
        if comment and len(comment) > MAX_COMMENT:
            result.errors[qid] = f"Keep the comment under {MAX_COMMENT:,} characters."
            continue
        if entry.not_applicable and not question.na_allowed:
            result.errors[qid] = "This question must be answered; it cannot be marked not applicable."
            continue
        stored = sheet.answers.get(qid)
        now = AnswerState(stored.value, stored.not_applicable, stored.comment) if stored else AnswerState.EMPTY
        try:
            if entry.not_applicable:
                value = None
            elif question.type == "evidence" and entry.raw is None:
                value = now.value  # a comment alone (a spreadsheet row): the choice made stays
            else:
                value = question.parse(entry.raw)  # evidence: "later" / "not available", or "" for a file instead
        except AnswerError as error:
            result.errors[qid] = str(error)
            continue
        change, conflict = merge(question, now, AnswerState(value, entry.not_applicable, comment), entry.seen)
        if conflict:
            result.errors[qid] = conflict
        if change is not None:
            planned[qid] = change
    for qid in hidden_by_change(sheet.questionnaires, sheet.values(), planned):
        if planned.pop(qid).stores_something:  # clearing a hidden answer is left undone, not refused
            result.errors[qid] = HIDDEN
    changes: dict[str, Any] = {}
    for qid, change in planned.items():
        answer = sheet.answers.get(qid)
        if answer is None:
            answer = Answer(assessment_id=assessment.id, question_id=qid, entered_by_kind=actor.kind)
            session.add(answer)
            assessment.answers.append(answer)
            sheet.answers[qid] = answer
        before = answer.value
        answer.value, answer.comment, answer.not_applicable = change.value, change.comment, change.not_applicable
        answer.entered_by_kind = actor.kind
        answer.entered_by_user_id = actor.user_id
        answer.entered_at = utcnow()
        if answer.carried_from_answer_id is not None:
            answer.confirmed_at = answer.confirmed_at or answer.entered_at  # changing a carried answer settles it
        result.changed.append(qid)
        changes[qid] = {"from": clipped(before), "to": "n/a" if change.not_applicable else clipped(change.value)}
    if result.changed:
        if not on_behalf:
            started(assessment)
        session.flush()
        record(
            session,
            "answers.saved",
            actor,
            assessment,
            changes=changes,
            on_behalf_of_vendor=on_behalf,
            clarification_round=assessment.clarification_round,
        )
    return result


def _lock(session: Session, sheet: AnswerSheet) -> None:
    """Queue behind other saves of this assessment (row lock) and read its answers as they now are."""
    session.flush()  # refreshing must not drop a change the caller made and has not flushed yet
    session.refresh(sheet.assessment, with_for_update=True)
    fresh = session.scalars(
        select(Answer).where(Answer.assessment_id == sheet.assessment.id).execution_options(populate_existing=True)
    ).all()
    sheet.answers.clear()
    sheet.answers.update({a.question_id: a for a in fresh})


def started(assessment: Assessment) -> None:
    """The vendor has begun: a sent assessment is in progress once they save an answer or file a document."""
    if assessment.status == AssessmentStatus.SENT:
        assessment.status = AssessmentStatus.IN_PROGRESS


def submit(session: Session, actor: Actor, sheet: AnswerSheet) -> list[Question]:
    """Lock the answers for review; returns the questions still unanswered (and submits nothing) if any.

    Submitting twice is harmless: an already submitted assessment is left as it is.
    """
    assessment = sheet.assessment
    if assessment.status in (*REVIEWABLE, AssessmentStatus.COMPLETED):
        return []
    if assessment.status not in OPEN_FOR_VENDOR:
        raise AssessmentError("This assessment cannot be submitted now.")
    unconfirmed = sheet.unconfirmed()
    if unconfirmed:
        titles = list(dict.fromkeys(sheet.sections[sheet.section_number(q) - 1][1].title for q in unconfirmed))
        raise AssessmentError(
            "Some answers were carried over from your last answers: confirm or change them first, in "
            + ", ".join(f"“{t}”" for t in titles)
            + "."
        )
    missing = sheet.unanswered()
    if missing:
        return missing
    answered_again = sorted(sheet.under_clarification())
    for qid in answered_again:
        sheet.answers[qid].review_state = ReviewState.PENDING
    assessment.status = AssessmentStatus.SUBMITTED
    assessment.submitted_at = utcnow()
    record(
        session,
        "assessment.submitted",
        actor,
        assessment,
        answered=len(sheet.visible()),
        clarification_round=assessment.clarification_round,
        clarified=answered_again,
    )
    return []


def confirm_section(session: Session, actor: Actor, sheet: AnswerSheet, number: int) -> list[str]:
    """The vendor confirms that section ``number``'s answers carried over from the last cycle still hold.

    Returns the questions confirmed (none: nothing was waiting). Answers the vendor changed are settled by the
    change itself (:func:`save`); the assessor then reviews only what changed (``review.attention``).
    """
    section = sheet.section(number)
    if section is None:
        raise AssessmentError("There is no such section.")
    if not sheet.open_for_vendor:
        raise AssessmentError("These answers have been submitted and are locked.")
    waiting = [q.id for q in sheet.unconfirmed(section) if sheet.editable_by_vendor(q.id)]
    if not waiting:
        return []
    now = utcnow()
    for qid in waiting:
        sheet.answers[qid].confirmed_at = now
    started(sheet.assessment)
    session.flush()
    record(session, actions.ANSWERS_CONFIRMED, actor, sheet.assessment, section=section.id, questions=waiting)
    return waiting


# Documents filed under a question


def check_document_slot(sheet: AnswerSheet, question: Question) -> None:
    """AssessmentError unless the vendor may file a document under ``question`` now (a hidden one takes none)."""
    if question.evidence is None or not sheet.editable_by_vendor(question.id):
        raise AssessmentError("This question does not take a document now.")
    if question.id not in sheet.visible_ids():
        raise AssessmentError(
            "This question is not asked given your other answers, so it takes no document; nothing was stored."
        )


def slot_document(sheet: AnswerSheet, question: Question, title: str | None, issued_on: date | None) -> EvidenceDetails:
    """What a document filed under ``question`` is: the kind it asks for, valid as long as it says."""
    rule = question.evidence
    if rule is None:
        raise AssessmentError("This question does not take a document now.")
    return EvidenceDetails(
        EvidenceKind(rule.kind),
        (title or "").strip() or rule.description or question.text,
        [question.id],
        issued_on,
        rule.expires(issued_on),
        assessment_id=sheet.assessment.id,
    )
