"""The answer sheet: every question an assessment asks, its answers, and the documents filed under them.

An :class:`AnswerSheet` is read from the database (:func:`sheet_of`) and answers the questions every page,
the spreadsheet exchange, the CLI and scoring ask: which questions show given the answers so far, what is
answered, who may still change what. It changes nothing itself; saving and reviewing take a sheet.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import ColumnElement, and_, case, or_, select
from sqlalchemy.orm import Session

from vendorcheck.assessments.lifecycle import FINISHED, OPEN_FOR_VENDOR, REVIEWABLE
from vendorcheck.assessments.versions import pinned
from vendorcheck.models import Answer, Assessment, Evidence, ReviewState
from vendorcheck.questionnaire.model import Question, Questionnaire, Section


@dataclass
class AnswerSheet:
    """All the questions of an assessment's questionnaires, with its current answers and filed documents."""

    assessment: Assessment
    questionnaires: list[Questionnaire]
    answers: dict[str, Answer]
    evidence: dict[str, list[Evidence]] = field(default_factory=dict)

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

    def unanswered(self) -> list[Question]:
        """The visible questions still without an answer."""
        return [q for q in self.visible() if not self.is_answered(q)]

    def under_clarification(self) -> set[str]:
        """Ids of the answers the assessor asked the vendor to clarify."""
        return {qid for qid, a in self.answers.items() if a.review_state == ReviewState.CLARIFICATION_REQUESTED}

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


def sheet_of(session: Session, assessment: Assessment) -> AnswerSheet:
    """The :class:`AnswerSheet` of an assessment, with its answers and the evidence filed under its questions."""
    questionnaires = [pinned(part.questionnaire_version) for part in assessment.parts]
    answers = {a.question_id: a for a in assessment.answers}
    filed: dict[str, list[Evidence]] = {}
    # The documents filed under this assessment's questions, and the vendor's documents the practice filed itself
    # (its upload form names questions, not an assessment): a report the vendor emailed need not be sent again.
    mine = Evidence.assessment_id == assessment.id
    practices = and_(Evidence.assessment_id.is_(None), Evidence.vendor_id == assessment.vendor_id)
    rows = session.scalars(select(Evidence).where(or_(mine, practices), Evidence.received()).order_by(Evidence.id))
    for item in rows:
        for qid in item.question_ids:
            filed.setdefault(qid, []).append(item)
    return AnswerSheet(assessment, questionnaires, answers, filed)


def effective_value(answer: Answer) -> Any:
    """The answer that counts: the assessor's override if there is one, else the vendor's."""
    return answer.override_value if answer.review_state == ReviewState.OVERRIDDEN else answer.value


def effective_value_sql() -> ColumnElement[Any]:
    """:func:`effective_value` as an SQL expression, for reading many answers without building their rows."""
    return case((Answer.review_state == ReviewState.OVERRIDDEN, Answer.override_value), else_=Answer.value)
