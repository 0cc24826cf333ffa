"""Scoring one vendor: per-question compliance, domain and overall scores, knock-outs, the residual rating, why.

Everything here is a pure function of :class:`Inputs` and the :class:`ScoringProfile`; the same inputs give the
same :class:`Score`, and ``METHOD_VERSION`` changes whenever a rule below does.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from typing import Any, NamedTuple

from vendorcheck.questionnaire.model import SCORED_TYPES, Question, Questionnaire
from vendorcheck.scoring.profile import DOMAIN_LABELS, ScoringProfile
from vendorcheck.scoring.risk import ResidualRating

METHOD_VERSION = "1"
VOLUME_POINTS = {"none": 0, "low": 1, "moderate": 2, "high": 3}
VOLUME_WORDS = {
    "low": "records of fewer than 1,000 patients",
    "moderate": "records of 1,000 to 50,000 patients",
    "high": "records of more than 50,000 patients",
}


class EvidenceState(enum.StrEnum):
    """The best document filed under a question, as of the scoring date."""

    ACCEPTED = "accepted"  # accepted by the assessor and not expired: the answer is proven
    PENDING = "pending"  # received, not reviewed yet
    EXPIRED = "expired"  # accepted once, past its valid-until date
    REJECTED = "rejected"
    MISSING = "missing"


FILED = frozenset({EvidenceState.ACCEPTED, EvidenceState.PENDING, EvidenceState.EXPIRED})
COUNTED = frozenset({"scored", "unanswered"})  # statuses that sit in a domain's denominator
DOMAIN_ORDER = {domain: index for index, domain in enumerate(DOMAIN_LABELS)}


@dataclass(frozen=True)
class VendorProfile:
    """What the vendor handles: drives the impact (inherent risk) side of the rating."""

    phi_volume: str = "none"
    stores: bool = False
    processes: bool = False
    transmits: bool = False
    offshore: bool = False
    subcontractors: bool = False

    def inherent(self) -> tuple[int, list[str]]:
        """(level 0..4, the reasons in plain words): volume 0..3, +1 stores PHI, +1 offshore, +1 subcontractors."""
        reasons = []
        points = VOLUME_POINTS.get(self.phi_volume, 0)
        if points:
            reasons.append(f"Sees {VOLUME_WORDS[self.phi_volume]}.")
        if self.stores:
            points += 1
            reasons.append("Keeps patient data on its own systems.")
        elif self.processes or self.transmits:
            reasons.append("Handles patient data without keeping it.")
        if self.offshore:
            points += 1
            reasons.append("Some work is done outside the United States.")
        if self.subcontractors:
            points += 1
            reasons.append("Passes patient data to subcontractors.")
        if not reasons:
            reasons.append("Does not handle patient data (per the vendor profile).")
        return min(points, 4), reasons


@dataclass(frozen=True)
class Inputs:
    """Everything a score depends on."""

    questionnaires: Sequence[Questionnaire]
    answers: Mapping[str, Any]  # question id -> the answer that counts (an override replaces the vendor's)
    not_applicable: frozenset[str]
    documents: Mapping[str, EvidenceState]  # question id -> best document state; absent = missing
    vendor: VendorProfile
    today: date


class QuestionResult(NamedTuple):
    question: Question
    status: str  # scored | unanswered | not_applicable | information
    compliance: float  # 0..1 as claimed (0 when unanswered or information)
    proven: float  # compliance if backed by an accepted, unexpired document, else 0
    evidence: EvidenceState
    loss: float  # overall claimed points this answer costs
    unproven: float  # overall points that a document would turn from claimed into proven
    value: Any = None  # the answer that counted


@dataclass(frozen=True)
class DomainScore:
    domain: str
    weight: float  # from the profile
    claimed: float  # 0..100
    proven: float
    questions: int

    @property
    def label(self) -> str:
        return DOMAIN_LABELS.get(self.domain, self.domain.replace("_", " ").capitalize())


@dataclass(frozen=True)
class KnockOut:
    question_id: str
    text: str
    answer: str
    reason: str
    controls: tuple[str, ...]


@dataclass(frozen=True)
class Gap:
    question_id: str
    text: str
    points: float
    answer: str
    why: str
    ask: str
    controls: tuple[str, ...]


@dataclass(frozen=True)
class Score:
    """The whole result; ``assessed`` is False when nothing could be scored (never shown as zero risk)."""

    method_version: str
    profile_version: int
    assessed: bool
    claimed: float
    proven: float
    confidence: float  # proven as a share of claimed, 0..100
    domains: tuple[DomainScore, ...]
    knockouts: tuple[KnockOut, ...]
    waived: tuple[KnockOut, ...]  # failed, but switched off in the profile
    rating: ResidualRating | None
    inherent_reasons: tuple[str, ...]
    evidence: Mapping[str, int]  # EvidenceState -> questions that ask for a document
    unanswered: int
    results: tuple[QuestionResult, ...]

    rating_basis: str = "claimed"

    @cached_property
    def gaps(self) -> tuple[Gap, ...]:
        """Every point lost, most costly first."""
        return tuple(_gap(r) for r in sorted(self.results, key=lambda r: -r.loss) if r.loss > 1e-9)

    @cached_property
    def unproven(self) -> tuple[Gap, ...]:
        """Claims that an accepted document would prove, most valuable first."""
        return tuple(_unproven(r) for r in sorted(self.results, key=lambda r: -r.unproven) if r.unproven > 1e-9)

    @property
    def basis(self) -> float:
        """The score the rating is based on (claimed or proven, as the profile says)."""
        return rated(self.claimed, self.proven, self.rating_basis)


def rated(claimed: float, proven: float, basis: str) -> float:
    """Whichever of the two scores the profile rates control strength on."""
    return proven if basis == "proven" else claimed


def score(inputs: Inputs, profile: ScoringProfile) -> Score:
    """Score one vendor's answers (see docs/scoring.md for each step)."""
    raw: list[QuestionResult] = []  # losses are filled in once the domain totals are known
    knockouts: list[KnockOut] = []
    waived: list[KnockOut] = []
    evidence_counts = {state.value: 0 for state in EvidenceState}
    for questionnaire in inputs.questionnaires:
        for question in questionnaire.visible(inputs.answers):
            qid = question.id
            state = inputs.documents.get(qid, EvidenceState.MISSING)
            if qid in inputs.not_applicable:
                raw.append(QuestionResult(question, "not_applicable", 0.0, 0.0, state, 0.0, 0.0))
                continue
            if question.evidence is not None:
                evidence_counts[state.value] += 1
            value = inputs.answers.get(qid)
            if question.critical is not None and question.fails(value):  # the cheap test first: a hot loop
                reason = question.critical.reason
                found = KnockOut(qid, question.text, question.display(value), reason, question.controls)
                (waived if qid in profile.knockouts_off else knockouts).append(found)
            status, claimed = _compliance(question, value, state, profile, inputs.today)
            proven = claimed if state == EvidenceState.ACCEPTED else 0.0
            raw.append(QuestionResult(question, status, claimed, proven, state, 0.0, 0.0, value))
    return _combine(inputs, profile, raw, knockouts, waived, evidence_counts)


def _compliance(
    question: Question, value: Any, state: EvidenceState, profile: ScoringProfile, today: date
) -> tuple[str, float]:
    if question.weight <= 0:
        return "information", 0.0
    if question.type == "evidence":
        return "scored", 1.0 if state in FILED else 0.0
    if question.type not in SCORED_TYPES:
        return "information", 0.0
    value = question.stored(value)  # a value older code stored out of bounds counts as unanswered
    if value is None:
        return "unanswered", 0.0
    override = profile.thresholds.get(question.id)
    if override is not None and question.type in ("number", "percent"):
        return "scored", override.score(value)
    found = question.compliance(value, today)
    return ("information", 0.0) if found is None else ("scored", found)


def _combine(
    inputs: Inputs,
    profile: ScoringProfile,
    raw: list[QuestionResult],
    knockouts: list[KnockOut],
    waived: list[KnockOut],
    evidence_counts: dict[str, int],
) -> Score:
    sums: dict[str, list[float]] = {}  # domain -> [weight, claimed, proven, questions]
    for r in raw:
        if r.status in COUNTED:
            entry = sums.setdefault(r.question.domain, [0.0, 0.0, 0.0, 0])
            entry[0] += r.question.weight
            entry[1] += r.question.weight * r.compliance
            entry[2] += r.question.weight * r.proven
            entry[3] += 1
    domains = tuple(
        DomainScore(domain, profile.weight(domain), 100 * c / w, 100 * p / w, int(n))
        for domain, (w, c, p, n) in sorted(sums.items(), key=lambda item: _domain_order(item[0]))
    )
    total = sum(d.weight for d in domains if d.weight > 0)
    inherent, inherent_reasons = inputs.vendor.inherent()
    unanswered = sum(1 for r in raw if r.status == "unanswered")
    if total <= 0:
        return Score(
            METHOD_VERSION, profile.version, False, 0.0, 0.0, 0.0, domains, tuple(knockouts), tuple(waived),
            None, tuple(inherent_reasons), evidence_counts, unanswered, tuple(raw),
        )  # fmt: skip
    claimed = sum(d.weight * d.claimed for d in domains) / total
    proven = sum(d.weight * d.proven for d in domains) / total
    share = {domain: profile.weight(domain) / total / w for domain, (w, *_) in sums.items()}
    results = []
    for r in raw:
        factor = share[r.question.domain] * r.question.weight * 100 if r.status in COUNTED else 0.0
        loss, unproven = factor * (1 - r.compliance), factor * (r.compliance - r.proven)
        results.append(
            QuestionResult(r.question, r.status, r.compliance, r.proven, r.evidence, loss, unproven, r.value)
        )
    basis = rated(claimed, proven, profile.rating_basis)
    rating = ResidualRating.of(inherent, basis, bool(knockouts), profile.floor)
    return Score(
        method_version=METHOD_VERSION,
        profile_version=profile.version,
        assessed=True,
        claimed=claimed,
        proven=proven,
        confidence=100 * proven / claimed if claimed > 0 else 0.0,
        domains=domains,
        knockouts=tuple(knockouts),
        waived=tuple(waived),
        rating=rating,
        inherent_reasons=tuple(inherent_reasons),
        evidence=evidence_counts,
        unanswered=unanswered,
        results=tuple(results),
        rating_basis=profile.rating_basis,
    )


def _domain_order(domain: str) -> tuple[int, str]:
    return DOMAIN_ORDER.get(domain, len(DOMAIN_ORDER)), domain


def _gap(result: QuestionResult) -> Gap:
    question = result.question
    value = result.value
    if question.type == "evidence":
        answer = "No document yet" if result.evidence != EvidenceState.REJECTED else "Document rejected"
        why = "The document that proves this has not been received."
        ask = f"Ask for {_lower(question.evidence.description) if question.evidence else 'the document'}"
    elif result.status == "unanswered":
        answer, why, ask = "Not answered", "Unanswered questions count as gaps.", "Ask the vendor to answer this."
    else:
        answer = question.display(value)
        failed = question.fails(value)
        if failed:
            why = question.critical.reason  # type: ignore[union-attr]
        elif question.type in ("number", "percent"):
            why = "The figure falls short of the benchmark."
        elif result.compliance > 0:
            why = "Meets this control only in part."
        else:
            why = "Does not meet this control."
        ask = _ask(question, failed)
    return Gap(question.id, question.text, result.loss, answer, why, ask, question.controls)


def _unproven(result: QuestionResult) -> Gap:
    question = result.question
    wanted = question.evidence.description if question.evidence and question.evidence.description else ""
    state = result.evidence
    why = {
        EvidenceState.PENDING: "A document was received but not reviewed yet.",
        EvidenceState.EXPIRED: "The document that proved this has expired.",
        EvidenceState.REJECTED: "The document received was rejected.",
    }.get(state, "Claimed by the vendor; no accepted document shows it.")
    ask = "Review the document received." if state == EvidenceState.PENDING else (
        f"Ask for {_lower(wanted)}" if wanted else "Ask for a document that shows it (a policy, report or screenshot)."
    )  # fmt: skip
    return Gap(question.id, question.text, result.unproven, "", why, ask, question.controls)


def _ask(question: Question, failed: bool) -> str:
    if question.type in ("number", "percent") and not failed:
        return "Ask for the latest figure with the report behind it, and what they are doing to improve it."
    if failed:
        return "Ask whether they will fix this before you sign, and write it into the contract; otherwise walk away."
    return "Ask whether they will put this in place, by when, and write it into the contract."


def _lower(text: str) -> str:
    text = text.rstrip(".")
    return (text[:1].lower() + text[1:] + ".") if text[:2] != text[:2].upper() else text + "."
