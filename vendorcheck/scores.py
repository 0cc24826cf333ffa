"""Scores from the database: gather a vendor's answers, documents and profile, run the engine, compare, decide.

A thin layer over :mod:`vendorcheck.scoring` (which stays pure). The comparison loads any number of vendors in
the same few queries: vendors, their assessments with parts and answers, their evidence, the profile.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, selectinload

from vendorcheck import audit, screening
from vendorcheck.assessments import effective_value, pinned
from vendorcheck.audit import Actor, actions
from vendorcheck.models import (
    Assessment,
    AssessmentQuestionnaire,
    AssessmentStatus,
    Decision,
    Evidence,
    EvidenceReview,
    ScoreSnapshot,
    ScoringProfileVersion,
    Vendor,
    VendorStatus,
)
from vendorcheck.questionnaire.model import Question, Questionnaire
from vendorcheck.scoring import Document, EvidenceState, Inputs, Score, ScoringProfile, VendorProfile, proof, score
from vendorcheck.scoring.ranking import Stability, leader_margin, rank, stability
from vendorcheck.scoring.track import NO_RECORD, PublicRecord

SCORED_STAGES = (AssessmentStatus.SUBMITTED, AssessmentStatus.IN_REVIEW, AssessmentStatus.COMPLETED)
# Billing-operations figures laid beside the ratings (question ids of questionnaires/billing-vendor.yaml).
FIGURES = (
    ("clean_claim_rate", "Clean-claim rate"),
    ("denial_rate", "Denial rate"),
    ("days_in_ar", "Days in A/R"),
    ("net_collection_rate", "Net collection rate"),
    ("collection_rate_percent", "Fee (% of collections)"),
    ("monthly_cost_estimate", "Monthly cost, all in"),
    ("setup_fee", "Setup fee"),
)


class ScoreError(ValueError):
    """A request that cannot be scored as asked; the message says what to do."""


# The scoring profile


def current_profile(session: Session, org_id: int) -> ScoringProfile:
    """The organization's latest saved profile, or the built-in default (version 0)."""
    row = session.scalar(
        select(ScoringProfileVersion)
        .where(ScoringProfileVersion.org_id == org_id)
        .order_by(ScoringProfileVersion.version.desc())
        .limit(1)
    )
    return ScoringProfile() if row is None else ScoringProfile.from_json(row.content, row.version)


def profile_history(session: Session, org_id: int) -> list[ScoringProfileVersion]:
    """Every saved version, newest first."""
    return list(
        session.scalars(
            select(ScoringProfileVersion)
            .where(ScoringProfileVersion.org_id == org_id)
            .order_by(ScoringProfileVersion.version.desc())
        )
    )


def save_profile(
    session: Session, actor: Actor, org_id: int, profile: ScoringProfile, note: str = ""
) -> ScoringProfile:
    """Store ``profile`` as the next version (ProfileError if it cannot score); earlier versions stay."""
    profile.check()
    latest = session.scalar(
        select(func.max(ScoringProfileVersion.version)).where(ScoringProfileVersion.org_id == org_id)
    )
    version = (latest or 0) + 1
    content = profile.to_json()
    session.add(
        ScoringProfileVersion(
            org_id=org_id, version=version, content=content, note=note or None, created_by_id=actor.user_id
        )
    )
    audit.record(
        session,
        actions.SCORING_PROFILE_SAVED,
        actor,
        org_id=org_id,
        target_type="scoring_profile",
        target_id=version,
        details={"version": version, "note": note[:200], **content},
    )
    return ScoringProfile.from_json(content, version)


# Scoring vendors


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
            selectinload(Assessment.parts).selectinload(AssessmentQuestionnaire.questionnaire_version),
            selectinload(Assessment.answers),
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
    records = screening.public_record(session, ids)  # confirmed public-list matches
    return [
        _score_one(
            vendor,
            by_vendor.get(vendor.id, []),
            documents.get(vendor.id, []),
            profile,
            today,
            records.get(vendor.id, NO_RECORD),
        )
        for vendor in vendors
    ]


def _score_one(
    vendor: Vendor,
    found: list[Assessment],
    items: list[Evidence],
    profile: ScoringProfile,
    today: date,
    record: PublicRecord = NO_RECORD,
) -> VendorScore:
    submitted = [a for a in found if a.status in SCORED_STAGES]
    if not submitted:
        open_ = [a for a in found if a.status not in SCORED_STAGES]
        message = (
            f"Not assessed yet: {len(open_)} questionnaire(s) sent, none submitted."
            if open_
            else "Not assessed yet: no questionnaire has been sent to this vendor."
        )
        return VendorScore(vendor, None, "not_assessed", message)
    used = _latest_per_questionnaire(submitted)
    answers: dict[str, Any] = {}
    not_applicable: set[str] = set()
    questions: dict[str, Question] = {}
    for assessment, questionnaire in used:
        wanted = set(questionnaire.by_id)
        for answer in assessment.answers:
            if answer.question_id not in wanted:
                continue
            if answer.not_applicable:
                not_applicable.add(answer.question_id)
            elif (value := effective_value(answer)) is not None:
                answers[answer.question_id] = value
        questions.update(questionnaire.by_id)
    chosen = [q for _, q in used]
    inputs = Inputs(
        questionnaires=chosen,
        answers=answers,
        not_applicable=frozenset(not_applicable),
        documents=proof(chosen, documents_of(items, today), answers, today),
        vendor=vendor_profile(vendor),
        today=today,
        record=record,
    )
    result = score(inputs, profile)
    assessments = sorted({a.id: a for a, _ in used}.values(), key=lambda a: a.id)
    if not result.assessed:
        return VendorScore(vendor, None, "not_assessed", "Not assessed: no scored question was answered.", assessments)
    final = all(a.status == AssessmentStatus.COMPLETED for a in assessments)
    message = "Review complete." if final else "Provisional: the assessor has not finished reviewing the answers."
    return VendorScore(vendor, result, "final" if final else "provisional", message, assessments, questions, answers)


# Comparison


@dataclass
class Comparison:
    """Vendors side by side, best first, with the ranking's stability."""

    entries: list[VendorScore]  # ranked: best first, not assessed last
    profile: ScoringProfile
    stability: Stability
    margin: float | None

    @property
    def assessed(self) -> list[VendorScore]:
        return [e for e in self.entries if e.score is not None]

    @property
    def domains(self) -> list[tuple[str, str]]:
        """(domain, label) of every domain any compared vendor was scored on, in the usual order."""
        seen: dict[str, str] = {}
        for entry in self.assessed:
            for d in entry.score.domains:  # type: ignore[union-attr]
                seen.setdefault(d.domain, d.label)
        return list(seen.items())

    @property
    def recommended(self) -> VendorScore | None:
        """The best-ranked vendor without a failed knock-out, if any (so never one rated "do not use")."""
        for entry in self.assessed:
            if not entry.score.knockouts:  # type: ignore[union-attr]
                return entry
        return None


def compare(
    session: Session, vendors: Sequence[Vendor], profile: ScoringProfile, today: date | None = None
) -> Comparison:
    """Score and rank ``vendors`` (at least two, all distinct)."""
    if len({v.id for v in vendors}) < 2:
        raise ScoreError("Choose at least two different vendors to compare.")
    entries = score_vendors(session, vendors, profile, today)
    by_name = {e.vendor.name: e for e in entries}
    scores = {e.vendor.name: e.score for e in entries}
    order = rank(scores)
    return Comparison([by_name[n] for n in order], profile, stability(scores, profile), leader_margin(order, scores))


def shortlisted(session: Session, org_id: int) -> list[Vendor]:
    """The organization's shortlisted (or selected) vendors, by name."""
    return list(
        session.scalars(
            select(Vendor)
            .where(Vendor.org_id == org_id, Vendor.status.in_([VendorStatus.SHORTLISTED, VendorStatus.SELECTED]))
            .order_by(Vendor.name)
        )
    )


# Recording scores and the decision


def snapshot(entry: VendorScore, decision: Decision | None = None) -> ScoreSnapshot:
    """A stored copy of a vendor's score, naming the method and profile versions that produced it."""
    found = entry.score
    assert found is not None and found.rating is not None
    return ScoreSnapshot(
        org_id=entry.vendor.org_id,
        vendor_id=entry.vendor.id,
        assessment_id=entry.assessments[-1].id if entry.assessments else None,
        method_version=found.method_version,
        profile_version=str(found.profile_version),
        claimed=round(found.claimed, 4),
        proven=round(found.proven, 4),
        evidence_confidence=round(found.confidence, 4),
        residual_rating=found.rating.name,
        knockouts=[k.question_id for k in found.knockouts],
        explanation=score_json(entry),
        decision_id=decision.id if decision else None,
    )


def record_decision(session: Session, actor: Actor, comparison: Comparison, chosen: Vendor, reason: str) -> Decision:
    """The practice's choice, with every compared vendor's score frozen beside it; the chosen vendor is selected."""
    if not reason.strip():
        raise ScoreError("Say in a sentence why this vendor was chosen.")
    if chosen.id not in {e.vendor.id for e in comparison.entries}:
        raise ScoreError("Choose one of the vendors being compared.")
    decision = Decision(
        org_id=chosen.org_id,
        vendor_id=chosen.id,
        compared=[e.vendor.id for e in comparison.entries],
        reason=reason.strip(),
        decided_by_id=actor.user_id,
    )
    session.add(decision)
    session.flush()
    for entry in comparison.assessed:
        session.add(snapshot(entry, decision))
    chosen.status = VendorStatus.SELECTED
    audit.record(
        session,
        actions.DECISION_RECORDED,
        actor,
        org_id=chosen.org_id,
        vendor_id=chosen.id,
        target_type="decision",
        target_id=decision.id,
        details={
            "chosen": chosen.name,
            "compared": [e.vendor.name for e in comparison.entries],
            "reason": reason.strip()[:500],
            "profile_version": comparison.profile.version,
        },
    )
    return decision


# Stable JSON (documented in docs/cli.md)


def score_json(entry: VendorScore) -> dict[str, Any]:
    """One vendor's score as ``vendorcheck score --json`` prints it (format ``vendorcheck-score/1``)."""
    found = entry.score
    out: dict[str, Any] = {
        "format": "vendorcheck-score/1",
        "vendor": {"id": entry.vendor.id, "name": entry.vendor.name},
        "status": entry.status,
        "message": entry.message,
        "assessments": [a.id for a in entry.assessments],
    }
    if found is None or found.rating is None:
        return out | {"rating": None}
    return out | {
        "method_version": found.method_version,
        "profile_version": found.profile_version,
        "rating": found.rating.name,
        "do_not_use": found.disqualified,
        "headline": found.headline,
        "rating_basis": found.rating_basis,
        "rating_steps": {
            "inherent": found.rating.inherent,
            "control_strength": found.rating.strength,
            "likelihood": found.rating.likelihood,
            "matrix": found.rating.matrix,
            "held_until_proven": found.rating.held,
            "floored_by_knockout": found.rating.floored,
            "inherent_reasons": list(found.inherent_reasons),
        },
        "claimed": round(found.claimed, 2),
        "proven": round(found.proven, 2),
        "evidence_confidence": round(found.confidence, 2),
        "domains": [
            {
                "domain": d.domain,
                "label": d.label,
                "weight": d.weight,
                "claimed": round(d.claimed, 2),
                "proven": round(d.proven, 2),
                "questions": d.questions,
            }
            for d in found.domains
        ],
        "knockouts": [
            {
                "question": k.question_id,
                "kind": k.kind,
                "answer": k.answer,
                "reason": k.reason,
                "controls": list(k.controls),
            }
            for k in found.knockouts
        ],
        "findings": [
            {
                "question": f.question_id,
                "severity": f.severity,
                "rated": f.rated,
                "answer": f.answer,
                "why": f.why,
                "controls": list(f.controls),
            }
            for f in found.findings
        ],
        "until_proven": [
            {"document": d.label, "kind": d.kind, "questions": list(d.question_ids)} for d in found.until_proven
        ],
        "soc2_problems": list(found.soc2_problems),
        "contradictions": list(found.contradictions),
        "waived_knockouts": [k.question_id for k in found.waived],
        "gaps": [
            {
                "question": g.question_id,
                "points": round(g.points, 2),
                "answer": g.answer,
                "why": g.why,
                "ask": g.ask,
                "controls": list(g.controls),
            }
            for g in found.gaps[:10]
        ],
        "unproven": [
            {"question": g.question_id, "points": round(g.points, 2), "ask": g.ask} for g in found.unproven[:10]
        ],
        "evidence": dict(found.evidence),
        "unanswered": found.unanswered,
        "figures": {qid: entry.figure(qid) for qid, _ in FIGURES if entry.figure(qid)},
    }


def comparison_json(comparison: Comparison) -> dict[str, Any]:
    """The comparison as ``vendorcheck compare --json`` prints it (format ``vendorcheck-comparison/1``)."""
    recommended = comparison.recommended
    return {
        "format": "vendorcheck-comparison/1",
        "profile_version": comparison.profile.version,
        "ranking": [e.vendor.name for e in comparison.entries],
        "recommended": recommended.vendor.name if recommended else None,
        "stable": comparison.stability.holds,
        "flips": [f.sentence for f in comparison.stability.flips],
        "vendors": [score_json(e) for e in comparison.entries],
    }


CSV_HEADER = ["rank", "vendor", "status", "rating", "claimed", "proven", "evidence_confidence", "knockouts"]


def comparison_rows(comparison: Comparison) -> list[list[str]]:
    """The comparison as a table: header, then one row per vendor (the CSV export and ``compare --csv``)."""
    domains = comparison.domains
    header = CSV_HEADER + [label for _, label in domains] + [label for _, label in FIGURES]
    rows = [header]
    for position, entry in enumerate(comparison.entries, 1):
        found = entry.score
        if found is None:
            rows.append([str(position), entry.vendor.name, entry.status, "Not assessed"] + [""] * (len(header) - 4))
            continue
        by_domain = {d.domain: d for d in found.domains}
        rows.append(
            [
                str(position),
                entry.vendor.name,
                entry.status,
                entry.rating,
                f"{found.claimed:.1f}",
                f"{found.proven:.1f}",
                f"{found.confidence:.0f}",
                "; ".join(k.question_id for k in found.knockouts),
            ]
            + [f"{by_domain[d].claimed:.1f}" if d in by_domain else "" for d, _ in domains]
            + [entry.figure(qid) for qid, _ in FIGURES]
        )
    return rows
