"""The answer sheet: every question an assessment asks, its answers, and the documents filed under them.

An :class:`AnswerSheet` is read from the database (:func:`sheet_of`) and answers the questions every page,
the spreadsheet exchange, the CLI and scoring ask: which questions show given the answers so far, what is
answered, who may still change what. It changes nothing itself; saving and reviewing take a sheet.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any, Literal

from sqlalchemy import ColumnElement, and_, case, or_, select
from sqlalchemy.orm import Session

from vendorcheck.assessments.lifecycle import FINISHED, OPEN_FOR_VENDOR, REVIEWABLE
from vendorcheck.assessments.versions import pinned
from vendorcheck.models import Answer, Assessment, Evidence, EvidenceReview, ReviewState, utcnow
from vendorcheck.questionnaire.model import Question, Questionnaire, Section

Change = Literal["new", "changed", "unchanged"]


@dataclass(frozen=True)
class Carried:
    """What a reassessment's answer was pre-filled with: the last cycle's accepted (or overridden) answer."""

    value: Any
    not_applicable: bool
    comment: str | None


@dataclass
class AnswerSheet:
    """All the questions of an assessment's questionnaires, with its current answers and filed documents.

    A reassessment (``assessment.carried_from_id``) also knows what each pre-filled answer was carried over
    as (``carried``, by question id), so it can say what changed since last time and what the vendor has
    yet to confirm.
    """

    assessment: Assessment
    questionnaires: list[Questionnaire]
    answers: dict[str, Answer]
    evidence: dict[str, list[Evidence]] = field(default_factory=dict)
    carried: dict[str, Carried] = field(default_factory=dict)

    @property
    def sections(self) -> list[tuple[Questionnaire, Section]]:
        """Every section across the questionnaires, in order, with the questionnaire it belongs to."""
        return [(q, s) for q in self.questionnaires for s in q.sections]

    def section(self, number: int) -> Section | None:
        """The ``number``-th section (1-based) across the questionnaires; None past either end."""
        sections = self.sections
        return sections[number - 1][1] if 1 <= number <= len(sections) else None

    def section_number(self, question: Question) -> int:
        """The 1-based number of the section that asks ``question``."""
        return next(n for n, (_, s) in enumerate(self.sections, 1) if s.id == question.section_id)

    def question(self, question_id: str) -> Question:
        """The question with this id; KeyError if the assessment does not ask it."""
        for questionnaire in self.questionnaires:
            if question_id in questionnaire:
                return questionnaire.question(question_id)
        raise KeyError(question_id)

    def questions_in_order(self) -> list[Question]:
        """Every question, shown or not, in questionnaire order."""
        return [q for questionnaire in self.questionnaires for q in questionnaire.questions]

    def values(self) -> dict[str, Any]:
        """The stored answers by question id, those marked not applicable left out."""
        return {qid: a.value for qid, a in self.answers.items() if not a.not_applicable}

    def visible(self) -> list[Question]:
        """The questions asked given the answers so far (conditions evaluated on :meth:`values`)."""
        values = self.values()
        return [q for questionnaire in self.questionnaires for q in questionnaire.visible(values)]

    def visible_ids(self) -> set[str]:
        """Ids of :meth:`visible`."""
        return {q.id for q in self.visible()}

    def affecting(self) -> set[str]:
        """Ids of questions other questions' conditions look at: changing them may show or hide questions."""
        names: set[str] = set()
        for question in self.questions_in_order():
            if question.when is not None:
                names |= question.when.names()
        return names

    def is_answered(self, question: Question) -> bool:
        """Answered, marked not applicable, or (a document question) with a document filed or "will send later" /
        "not available" chosen (:meth:`Question.is_answered`: the vendor can submit without every file)."""
        answer = self.answers.get(question.id)
        if answer is not None and answer.not_applicable:
            return True
        return question.is_answered(answer.value if answer else None, bool(self.evidence.get(question.id)))

    def progress(self, section: Section | None = None) -> tuple[int, int]:
        """(answered, asked) over the visible questions, of one section or all."""
        shown = [q for q in self.visible() if section is None or q.section_id == section.id]
        return sum(1 for q in shown if self.is_answered(q)), len(shown)

    def follow_ups(self) -> tuple[int, int]:
        """(shown, waiting): follow-up questions (those with a condition) the answers so far show, and those
        they do not (yet) show, so a page can say why the number of questions grows."""
        conditional = [q for q in self.questions_in_order() if q.when is not None]
        shown = self.visible_ids()
        asked = sum(1 for q in conditional if q.id in shown)
        return asked, len(conditional) - asked

    def unanswered(self) -> list[Question]:
        """The visible questions still without an answer."""
        return [q for q in self.visible() if not self.is_answered(q)]

    def under_clarification(self) -> set[str]:
        """Ids of the answers the assessor asked the vendor to clarify."""
        return {qid for qid, a in self.answers.items() if a.review_state == ReviewState.CLARIFICATION_REQUESTED}

    # Reassessments: answers carried over from the last cycle

    @property
    def is_reassessment(self) -> bool:
        """Whether this assessment was pre-filled from an earlier cycle's answers."""
        return self.assessment.carried_from_id is not None

    def change(self, question_id: str) -> Change | None:
        """Since the last cycle: "new" (not asked or not accepted then), "changed" or "unchanged"; None if this
        is no reassessment. Unchanged means the same answer, "not applicable" and comment as carried over."""
        if not self.is_reassessment:
            return None
        before = self.carried.get(question_id)
        answer = self.answers.get(question_id)
        if before is None or answer is None or answer.carried_from_answer_id is None:
            return "new"
        now = Carried(answer.value, answer.not_applicable, answer.comment)
        return "unchanged" if now == before else "changed"

    def unconfirmed(self, section: Section | None = None) -> list[Question]:
        """The visible questions (of one section or all) whose carried-over answer the vendor has not yet
        confirmed or changed."""
        return [
            q
            for q in self.visible()
            if (section is None or q.section_id == section.id)
            and (a := self.answers.get(q.id)) is not None
            and a.carried_from_answer_id is not None
            and a.confirmed_at is None
        ]

    def carried_in(self, section: Section) -> bool:
        """Whether any visible question of ``section`` was pre-filled from the last cycle."""
        return any(
            q.section_id == section.id and q.id in self.answers and self.answers[q.id].carried_from_answer_id
            for q in self.visible()
        )

    @property
    def open_for_vendor(self) -> bool:
        """Whether the vendor's link lets them change anything now (sent or in progress)."""
        return self.assessment.status in OPEN_FOR_VENDOR

    @property
    def reviewable(self) -> bool:
        """Whether the answers are submitted and wait for (or are in) the assessor's review."""
        return self.assessment.status in REVIEWABLE

    @property
    def open_on_behalf(self) -> bool:
        """Whether an assessor may still enter answers on the vendor's behalf (until it is finished)."""
        return self.assessment.status not in FINISHED

    def editable_by_vendor(self, question_id: str) -> bool:
        """Whether the vendor may change this answer now: all while open, only flagged ones in a clarification."""
        if not self.open_for_vendor:
            return False
        if self.assessment.clarification_round == 0:
            return True
        return question_id in self.under_clarification()

    def editable_on_behalf(self, question_id: str) -> bool:
        """Whether an assessor may change this answer on the vendor's behalf now: any, until it is finished."""
        return self.open_on_behalf


def sheet_of(session: Session, assessment: Assessment, today: date | None = None) -> AnswerSheet:
    """The :class:`AnswerSheet` of an assessment, with its answers and the evidence filed under its questions."""
    questionnaires = [pinned(part.questionnaire_version) for part in assessment.parts]
    answers = {a.question_id: a for a in assessment.answers}
    filed: dict[str, list[Evidence]] = {}
    # The documents filed under this assessment's questions, and the vendor's documents the practice filed itself
    # (its upload form names questions, not an assessment): a report the vendor emailed need not be sent again.
    mine = Evidence.assessment_id == assessment.id
    practices = and_(Evidence.assessment_id.is_(None), Evidence.vendor_id == assessment.vendor_id)
    sources = [mine, practices]
    if assessment.carried_from_id is not None:
        # A reassessment keeps the last cycle's documents that still prove something: not rejected, not expired.
        # An expired one drops out, so its question shows no document and comes back to the vendor and reviewer.
        today = today or utcnow().date()
        sources.append(
            and_(
                Evidence.assessment_id == assessment.carried_from_id,
                Evidence.review_state != EvidenceReview.REJECTED,
                or_(Evidence.valid_until.is_(None), Evidence.valid_until >= today),
            )
        )
    rows = session.scalars(select(Evidence).where(or_(*sources), Evidence.received()).order_by(Evidence.id))
    for item in rows:
        for qid in item.question_ids:
            filed.setdefault(qid, []).append(item)
    return AnswerSheet(assessment, questionnaires, answers, filed, _carried(session, answers))


def _carried(session: Session, answers: dict[str, Answer]) -> dict[str, Carried]:
    """What each pre-filled answer was carried over as, read in one query (empty for a first assessment)."""
    sources = {a.carried_from_answer_id: qid for qid, a in answers.items() if a.carried_from_answer_id is not None}
    if not sources:
        return {}
    rows = session.scalars(select(Answer).where(Answer.id.in_(sources)))
    return {sources[a.id]: Carried(effective_value(a), a.not_applicable, a.comment) for a in rows}


def effective_value(answer: Answer) -> Any:
    """The answer that counts: the assessor's override if there is one, else the vendor's."""
    return answer.override_value if answer.review_state == ReviewState.OVERRIDDEN else answer.value


def effective_value_sql() -> ColumnElement[Any]:
    """:func:`effective_value` as an SQL expression, for reading many answers without building their rows."""
    return case((Answer.review_state == ReviewState.OVERRIDDEN, Answer.override_value), else_=Answer.value)
