"""Scoring vendors from the database: their answers, documents and profile, through the pure engine.

The comparison loads any number of vendors in the same few queries: their assessments with parts, the answers of
the assessments that count (plain rows, not ORM objects: a page reads ~150 per questionnaire), their evidence. The
engine runs once per change of its inputs (:mod:`vendorcheck.scores.cache`), not once per page."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, NamedTuple

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from vendorcheck import contracts, db, screening
from vendorcheck.assessments import effective_value_sql, pinned
from vendorcheck.models import (
    Answer,
    Assessment,
    AssessmentQuestionnaire,
    AssessmentStatus,
    Evidence,
    EvidenceReview,
    QuestionnaireVersion,
    Vendor,
)
from vendorcheck.questionnaire.model import Question, Questionnaire
from vendorcheck.scores.cache import SCORES, inputs_digest
from vendorcheck.scores.common import SCORED_STAGES
from vendorcheck.scoring import Document, EvidenceState, Inputs, Score, ScoringProfile, VendorProfile, proof, score
from vendorcheck.scoring.contracts import NO_CONTRACTS, ContractRecord
from vendorcheck.scoring.track import NO_RECORD, PublicRecord, exclusion_knockout


class StoredAnswer(NamedTuple):
    """One stored answer as scoring reads it."""

    question_id: str
    not_applicable: bool
    value: Any  # the value that counts: the assessor's override, or the vendor's answer


@dataclass
class VendorScore:
    """One vendor's score with what it was computed from, or why there is none."""

    vendor: Vendor
    score: Score | None
    status: str  # final | provisional | not_assessed
    message: str
    assessments: list[Assessment] = field(default_factory=list)
    questions: dict[str, Question] = field(default_factory=dict)
    answers: dict[str, Any] = field(default_factory=dict)
    digest: str | None = None  # of the score's inputs (scores.cache); None when not assessed or not cacheable

    @property
    def rating(self) -> str:
        return self.score.rating.name if self.score and self.score.rating else "Not assessed"

    def figure(self, question_id: str) -> str:
        """How the vendor answered an operations question, as people read it ('' if not asked or answered)."""
        question = self.questions.get(question_id)
        value = self.answers.get(question_id)
        return question.display(value) if question is not None and value is not None else ""


def vendor_profile(vendor: Vendor) -> VendorProfile:
    """What the engine needs of a vendor's profile (the impact side of the rating)."""
    return VendorProfile(
        phi_volume=vendor.phi_volume.value,
        stores=vendor.stores_phi,
        processes=vendor.processes_phi,
        transmits=vendor.transmits_phi,
        offshore=vendor.offshore,
        subcontractors=vendor.uses_subcontractors,
    )


def _document_state(item: Evidence, today: date) -> EvidenceState:
    if item.review_state == EvidenceReview.ACCEPTED:
        return (
            EvidenceState.ACCEPTED if item.valid_until is None or item.valid_until >= today else EvidenceState.EXPIRED
        )
    if item.review_state == EvidenceReview.REJECTED:
        return EvidenceState.REJECTED
    return EvidenceState.PENDING


def documents_of(items: Iterable[Evidence], today: date) -> list[Document]:
    """The vendor's complete documents as the engine's proof rules see them (kind, state, questions named)."""
    return [
        Document(item.kind.value, _document_state(item, today), tuple(item.question_ids))
        for item in items
        if item.versions  # only complete versions are loaded: an interrupted upload proves nothing
    ]


def _latest_per_questionnaire(found: Sequence[Assessment]) -> list[tuple[Assessment, Questionnaire]]:
    """For each questionnaire, the most recently submitted assessment that answers it."""
    chosen: dict[str, tuple[Assessment, Questionnaire]] = {}
    for assessment in sorted(found, key=lambda a: (a.submitted_at or a.created_at, a.id), reverse=True):
        for part in assessment.parts:
            questionnaire = pinned(part.questionnaire_version)
            chosen.setdefault(questionnaire.key, (assessment, questionnaire))
    return sorted(chosen.values(), key=lambda pair: pair[1].key)


def score_vendors(
    session: Session, vendors: Sequence[Vendor], profile: ScoringProfile, today: date | None = None
) -> list[VendorScore]:
    """Score each vendor from its submitted assessments (same order as ``vendors``), in a fixed number of queries."""
    today = today or date.today()
    ids = [v.id for v in vendors]
    rows = session.scalars(
        select(Assessment)
        .where(Assessment.vendor_id.in_(ids), Assessment.status != AssessmentStatus.CANCELLED)
        .options(
            # the content (the whole questionnaire, ~100 KB of JSON) is read only to build one not built yet (pinned)
            selectinload(Assessment.parts)
            .selectinload(AssessmentQuestionnaire.questionnaire_version)
            .defer(QuestionnaireVersion.content)
        )
    ).all()
    items = session.scalars(
        select(Evidence)
        .where(Evidence.vendor_id.in_(ids), Evidence.received())
        .options(selectinload(Evidence.versions))
    ).all()
    by_vendor: dict[int, list[Assessment]] = {}
    for row in rows:
        by_vendor.setdefault(row.vendor_id, []).append(row)
    documents: dict[int, list[Evidence]] = {}
    for item in items:
        documents.setdefault(item.vendor_id, []).append(item)
    used = {vendor.id: _used(by_vendor.get(vendor.id, [])) for vendor in vendors}
    answers = _answers_of(session, [a.id for pairs in used.values() for a, _ in pairs])
    records = screening.public_record(session, ids)  # confirmed public-list matches
    register = contracts.contract_records(session, vendors, today)  # BAAs in force and their missing clauses
    return [
        _score_one(
            vendor,
            by_vendor.get(vendor.id, []),
            used[vendor.id],
            answers,
            documents.get(vendor.id, []),
            profile,
            today,
            records.get(vendor.id, NO_RECORD),
            register.get(vendor.id, NO_CONTRACTS),
        )
        for vendor in vendors
    ]


def _used(found: list[Assessment]) -> list[tuple[Assessment, Questionnaire]]:
    """The submitted assessments that count, each with the questionnaire it answers (empty if none submitted)."""
    return _latest_per_questionnaire([a for a in found if a.status in SCORED_STAGES])


def _answers_of(session: Session, assessment_ids: list[int]) -> dict[int, list[StoredAnswer]]:
    """The answers of these assessments as plain rows (question id, not applicable, the value that counts), by id."""
    found: dict[int, list[StoredAnswer]] = {}
    if not assessment_ids:
        return found
    # Read by the driver (db.plain_rows): ~25,000 rows for a 200-vendor comparison, whose ORM rows cost several
    # times the query. The ids are the assessments' own, read above.
    query = select(
        Answer.assessment_id,
        Answer.question_id,
        Answer.not_applicable,
        effective_value_sql().label("value"),  # one JSON value decoded per answer, not two
    ).where(Answer.assessment_id.in_(assessment_ids))
    for row in db.plain_rows(session, query):
        found.setdefault(row[0], []).append(StoredAnswer(*row[1:]))
    return found


def _score_one(
    vendor: Vendor,
    found: list[Assessment],
    used: list[tuple[Assessment, Questionnaire]],
    stored: dict[int, list[StoredAnswer]],
    items: list[Evidence],
    profile: ScoringProfile,
    today: date,
    record: PublicRecord = NO_RECORD,
    register: ContractRecord = NO_CONTRACTS,
) -> VendorScore:
    if not used:
        open_ = [a for a in found if a.status not in SCORED_STAGES]
        message = (
            f"Not assessed yet: {len(open_)} questionnaire(s) sent, none submitted."
            if open_
            else "Not assessed yet: no questionnaire has been sent to this vendor."
        )
        excluded = exclusion_knockout(record, {}, today)  # a confirmed exclusion needs no questionnaire to count
        if excluded is not None:
            message = f"Do not use: {excluded.answer}. {message}"
        return VendorScore(vendor, None, "not_assessed", message)
    answers: dict[str, Any] = {}
    not_applicable: set[str] = set()
    questions: dict[str, Question] = {}
    for assessment, questionnaire in used:
        wanted = questionnaire.by_id
        for answer in stored.get(assessment.id, ()):
            if answer.question_id not in wanted:
                continue
            if answer.not_applicable:
                not_applicable.add(answer.question_id)
            elif (value := answer.value) is not None:
                answers[answer.question_id] = value
        questions.update(questionnaire.by_id)
    chosen = [q for _, q in used]
    filed = documents_of(items, today)
    profile_of_vendor = vendor_profile(vendor)

    def compute() -> Score:
        inputs = Inputs(
            questionnaires=chosen,
            answers=answers,
            not_applicable=frozenset(not_applicable),
            documents=proof(chosen, filed, answers, today),
            vendor=profile_of_vendor,
            today=today,
            record=record,
            contracts=register,
        )
        return score(inputs, profile)

    digest = inputs_digest(chosen, answers, not_applicable, filed, profile_of_vendor, profile, today, record, register)
    result = SCORES.get_or_compute(digest, compute)
    assessments = sorted({a.id: a for a, _ in used}.values(), key=lambda a: a.id)
    if not result.assessed:
        return VendorScore(vendor, None, "not_assessed", "Not assessed: no scored question was answered.", assessments)
    final = all(a.status == AssessmentStatus.COMPLETED for a in assessments)
    message = "Review complete." if final else "Provisional: the assessor has not finished reviewing the answers."
    status = "final" if final else "provisional"
    return VendorScore(vendor, result, status, message, assessments, questions, answers, digest)
