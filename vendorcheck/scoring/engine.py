"""Scoring one vendor (method 2): findings and knock-outs drive the rating, the weighted score orders vendors.

Everything here is a pure function of :class:`Inputs` and the :class:`ScoringProfile`; the same inputs give the
same :class:`Score`, and ``METHOD_VERSION`` changes whenever a rule below does. docs/scoring.md walks through
each step with the tables an auditor needs to recompute a rating by hand.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from datetime import date
from functools import cached_property
from typing import Any, NamedTuple

from vendorcheck.questionnaire.model import SCORED_TYPES, Question, Questionnaire
from vendorcheck.scoring.contracts import NO_CONTRACTS, ContractRecord, contract_findings
from vendorcheck.scoring.findings import (
    PERFORMANCE_DOMAINS,
    Finding,
    Gap,
    KnockOut,
    NeededDocument,
    breach_severity,
    finding_of,
    gap_of,
    likelihood_of,
    needed_documents,
    severity_at,
    unproven_gap,
)
from vendorcheck.scoring.impact import VendorProfile
from vendorcheck.scoring.plan import knockout_of, same_condition, steps
from vendorcheck.scoring.profile import DOMAIN_LABELS, ScoringProfile
from vendorcheck.scoring.proof import EvidenceState, soc2_problems
from vendorcheck.scoring.risk import ResidualRating, rate
from vendorcheck.scoring.track import NO_RECORD, PublicRecord, breach_findings, contradictions, exclusion_knockout

__all__ = ["METHOD_VERSION", "DomainScore", "EvidenceState", "Gap", "Inputs", "KnockOut", "Score", "score"]

METHOD_VERSION = "2"  # the public record (scoring.track) and the contract register (scoring.contracts) only add to it
NOTHING_SUMMED = (0.0, 0.0, 0.0, 0)  # a domain's weight, claimed and proven points, questions
CLAIMED_SLOT = frozenset({EvidenceState.ACCEPTED, EvidenceState.PENDING})  # an evidence question with a document
DOMAIN_ORDER = {domain: index for index, domain in enumerate(DOMAIN_LABELS)}
NO_EVIDENCE = {state.value: 0 for state in EvidenceState}  # questions asking for a document, by state


@dataclass(frozen=True)
class Inputs:
    """Everything a score depends on."""

    questionnaires: Sequence[Questionnaire]
    answers: Mapping[str, Any]  # question id -> the answer that counts (an override replaces the vendor's)
    not_applicable: frozenset[str]
    documents: Mapping[str, EvidenceState]  # question id -> best covering document (scoring.proof); absent = missing
    vendor: VendorProfile
    today: date
    record: PublicRecord = NO_RECORD  # confirmed public-list matches (scoring.track)
    contracts: ContractRecord = NO_CONTRACTS  # the BAAs on record and their missing clauses (scoring.contracts)


class QuestionResult(NamedTuple):
    question: Question
    status: str  # scored | unanswered | not_applicable | information
    compliance: float  # 0..1 as claimed (0 when unanswered or information)
    proven: float  # compliance if backed by an accepted, unexpired document, else 0
    evidence: EvidenceState
    loss: float  # overall claimed points this answer costs
    unproven: float  # overall points that a document would turn from claimed into proven
    value: Any = None  # the answer that counted
    severity: int = -1  # index into SEVERITIES of the finding this answer makes; -1: no finding


@dataclass(frozen=True)
class DomainScore:
    domain: str
    weight: float  # from the profile
    claimed: float  # 0..100
    proven: float
    questions: int
    worst: int = -1  # index into SEVERITIES of the worst open finding; -1: none

    @classmethod
    def of(cls, domain: str, weight: float, claimed: float, proven: float, questions: int, worst: int) -> DomainScore:
        """``DomainScore(...)`` made without the frozen dataclass's ``__init__`` (one ``object.__setattr__`` per
        field): the engine makes 15 per assessment (issue #22). Every field is set, so the object is the same;
        tests/unit/test_engine_equivalence.py holds it to the constructor."""
        made = object.__new__(cls)
        made.__dict__.update(domain=domain, weight=weight, claimed=claimed, proven=proven, questions=questions,
                             worst=worst)  # fmt: skip
        return made

    @property
    def label(self) -> str:
        return DOMAIN_LABELS.get(self.domain, self.domain.replace("_", " ").capitalize())


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
    knockouts: tuple[KnockOut, ...]  # failed and in force: disqualifying ones first
    waived: tuple[KnockOut, ...]  # failed, but switched off in the profile (critical ones only)
    rating: ResidualRating | None
    inherent_reasons: tuple[str, ...]
    evidence: Mapping[str, int]  # EvidenceState -> questions that ask for a document
    unanswered: int
    results: tuple[QuestionResult, ...]

    rating_basis: str = "claimed"
    if_proven: ResidualRating | None = None  # the rating with every claimed control proven
    soc2_problems: tuple[str, ...] = ()  # why the SOC 2 report on file cannot prove controls
    record_findings: tuple[Finding, ...] = ()  # confirmed breaches on the public record (scoring.track)
    contradictions: tuple[str, ...] = ()  # where the public record contradicts the vendor's answers
    contract_findings: tuple[Finding, ...] = ()  # required BAA clauses missing, no BAA (scoring.contracts)

    @property
    def disqualified(self) -> bool:
        """A disqualifying knock-out failed: rated Very High, do not use, never recommended."""
        return self.rating is not None and self.rating.disqualified

    @cached_property
    def findings(self) -> tuple[Finding, ...]:
        """Every failed or partial answer, worst first, then by the points it costs."""
        found = [finding_of(r) for r in self.results if r.severity >= 0]
        found += [*self.record_findings, *self.contract_findings]
        return tuple(sorted(found, key=lambda f: (-f.level, f.rated is False, -f.points, f.question_id)))

    @cached_property
    def gaps(self) -> tuple[Gap, ...]:
        """Every point lost, most costly first."""
        return tuple(gap_of(r) for r in sorted(self.results, key=lambda r: -r.loss) if r.loss > 1e-9)

    @cached_property
    def unproven(self) -> tuple[Gap, ...]:
        """Claims that an accepted document would prove, most valuable first."""
        return tuple(unproven_gap(r) for r in sorted(self.results, key=lambda r: -r.unproven) if r.unproven > 1e-9)

    @cached_property
    def until_proven(self) -> tuple[NeededDocument, ...]:
        """The documents that would lower the rating, when proof is all that holds it up (else empty)."""
        if self.rating is None or self.if_proven is None or self.if_proven.level >= self.rating.level:
            return ()
        return needed_documents(self.results)

    @property
    def headline(self) -> str:
        """The rating in one sentence: "Moderate until proven: these 3 documents would lower it to Low"."""
        if self.rating is None:
            return "Not assessed."
        if self.disqualified:
            return f"{self.rating.name}: do not use. " + self.knockouts[0].reason
        if self.until_proven:
            count = len(self.until_proven)
            return (
                f"{self.rating.name} until proven: {'these' if count > 1 else 'this'} {count} "
                f"document{'s' if count > 1 else ''} would lower it to {self.if_proven.name}."  # type: ignore[union-attr]
            )
        return f"{self.rating.name}."

    @property
    def basis(self) -> float:
        """The score the ordering uses within a level (claimed or proven, as the profile says)."""
        return rated(self.claimed, self.proven, self.rating_basis)


def rated(claimed: float, proven: float, basis: str) -> float:
    """Whichever of the two scores the profile orders vendors by."""
    return proven if basis == "proven" else claimed


def score(inputs: Inputs, profile: ScoringProfile) -> Score:
    """Score one vendor's answers (see docs/scoring.md for each step).

    One pass over the questions asked (:mod:`vendorcheck.scoring.plan` holds what each question brings, worked
    out once per questionnaire), then one over the rows for the points each costs (:func:`_combine`). The domain
    sums accumulate in question order as they always have, so every float comes out the same.
    """
    rows: list[tuple[Any, ...]] = []  # QuestionResult fields, with weight and domain (None: not counted) for losses
    sums: dict[str | None, tuple[Any, ...]] = {}  # domain -> (weight, claimed, proven, questions) summed so far
    current, (weight_sum, claimed_sum, proven_sum, questions) = None, NOTHING_SUMMED  # the domain being summed
    knockouts: list[KnockOut] = []
    waived: list[KnockOut] = []
    evidence_counts = dict(NO_EVIDENCE)  # a StrEnum state counts under its value
    answers, documents, today, not_applicable = inputs.answers, inputs.documents, inputs.today, inputs.not_applicable
    get_answer, get_document, append = answers.get, documents.get, rows.append  # a hot loop: bound once
    missing, accepted = EvidenceState.MISSING, EvidenceState.ACCEPTED
    worst: dict[str, int] = {}  # rated domain -> worst finding
    unproven_claim = unproven_failed = False  # critical or high controls without proof: claimed / failed
    unanswered = 0
    for questionnaire in inputs.questionnaires:
        seen: dict[str, Any] = {}  # the answers that conditions read, of the questions shown so far
        shown = True  # what the last condition said
        for (
            question, qid, test, read, slot, knockout, weight, domain, rating_domain, must_prove, declared, breach,
            choices, blank, failing, fails, measure,
        ) in steps(questionnaire):  # fmt: skip
            if test is not None:
                if test is not same_condition:  # else the question before asked the same, and the answer stands
                    shown = test(seen)
                if not shown:
                    continue
            value = get_answer(qid)
            if read:
                seen[qid] = value
            state = get_document(qid, missing) if documents else missing  # none on file: common, and cheaper
            if qid in not_applicable:
                append((question, "not_applicable", 0.0, 0.0, state, 0, None, None, -1))
                continue
            if slot:
                evidence_counts[state] += 1
            if knockout is not None:
                if choices is not None:  # a choice's knock-out is made in advance for each answer that fails it
                    found = failing.get(value) if isinstance(value, str) else None
                elif fails(value):
                    found = knockout_of(question, knockout, value)
                else:
                    found = None
                if found is not None:
                    off = qid in profile.knockouts_off and not knockout.disqualifying  # the law is not waivable
                    (waived if off else knockouts).append(found)
            if weight <= 0:  # information only
                append((question, "information", 0.0, 0.0, state, 0, None, value, -1))
                continue
            if choices is not None:  # an allowed answer: its status, compliance and finding in one look-up
                try:  # (the keys are strings: no other value finds one)
                    outcome = choices.get(value)
                except TypeError:  # a list or mapping stored by older code: no answer
                    outcome = None
                if outcome is None:
                    outcome = blank
                    unanswered += 1
                status, claimed, severity = outcome
            else:
                if measure is not None:  # a number or a date: the rule for its type, looked up once
                    status, claimed = measure(value, profile, today)
                else:
                    status, claimed = _compliance(question, value, state, profile, today)
                if status == "information":
                    append((question, status, claimed, 0.0, state, 0, None, value, -1))
                    continue
                if status == "unanswered":
                    unanswered += 1
                severity = severity_at(declared, claimed if status == "scored" else 0.0) if claimed < 1 - 1e-9 else -1
            proven = claimed if state == accepted else 0.0
            if severity >= 0:
                if breach and status == "scored":
                    severity = breach_severity(answers, documents, today)
                if rating_domain and severity > worst.get(domain, -1):
                    worst[domain] = severity
            if must_prove and state != accepted:
                if claimed > 0:
                    unproven_claim = True
                else:
                    unproven_failed = True
            if domain is not current:  # questions of a domain mostly come together: sum them in local variables
                sums[current] = (weight_sum, claimed_sum, proven_sum, questions)
                current = domain
                weight_sum, claimed_sum, proven_sum, questions = sums.get(domain, NOTHING_SUMMED)
            weight_sum += weight  # in question order within the domain, as always: the same floats
            claimed_sum += weight * claimed
            proven_sum += weight * proven
            questions += 1
            append((question, status, claimed, proven, state, weight, domain, value, severity))
    sums[current] = (weight_sum, claimed_sum, proven_sum, questions)
    del sums[None]  # what was "summed" before the first domain
    # The public record (confirmed by a person) weighs like an answer, and cannot be answered away.
    excluded = exclusion_knockout(inputs.record, answers, today)
    if excluded is not None and not any(k.question_id == excluded.question_id for k in knockouts):
        knockouts.append(excluded)
    breaches = tuple(breach_findings(inputs.record, answers, today))
    if breaches:
        worst["track_record"] = max(worst.get("track_record", -1), breaches[0].level)
    # The contract register (the officer's clause checks) weighs like an answer in the contracts domain.
    from_register = tuple(contract_findings(inputs.contracts, inputs.vendor))
    for finding in from_register:
        if finding.rated:
            worst[finding.domain] = max(worst.get(finding.domain, -1), finding.level)
    knockouts.sort(key=lambda k: k.kind != "disqualifying")
    result = _combine(inputs, profile, rows, sums, knockouts, waived, evidence_counts, worst, unproven_claim,
                      unproven_failed, unanswered)  # fmt: skip
    said = contradictions(inputs.record, answers, today)
    if breaches or said or from_register:
        return replace(result, record_findings=breaches, contradictions=said, contract_findings=from_register)
    return result


def _compliance(
    question: Question, value: Any, state: EvidenceState, profile: ScoringProfile, today: date
) -> tuple[str, float]:
    """(status, compliance as claimed) of one answer: the general rule. The engine takes choices, numbers and dates
    through vendorcheck.scoring.plan, which gives the same for them (tests/unit/test_engine_equivalence.py)."""
    if question.weight <= 0:
        return "information", 0.0
    if question.type == "evidence":
        if state in CLAIMED_SLOT or question.stored(value) == "later":
            return "scored", 1.0  # a document received, or promised: claimed (proven once accepted)
        return ("scored" if question.stored(value) else "unanswered"), 0.0
    if question.type not in SCORED_TYPES:
        return "information", 0.0
    value = question.stored(value)  # a value older code stored out of bounds counts as unanswered
    if value is None:
        return "unanswered", 0.0
    override = profile.thresholds.get(question.id)
    if override is not None and question.type in ("number", "percent"):
        return "scored", override.score(value)
    found = question.compliance_of_stored(value, today)
    return ("information", 0.0) if found is None else ("scored", found)


def _combine(
    inputs: Inputs,
    profile: ScoringProfile,
    rows: list[tuple[Any, ...]],
    sums: dict[str | None, tuple[Any, ...]],
    knockouts: list[KnockOut],
    waived: list[KnockOut],
    evidence_counts: dict[str, int],
    worst: dict[str, int],
    unproven_claim: bool,
    unproven_failed: bool,
    unanswered: int,
) -> Score:
    """The domain scores, the overall scores, the points each answer costs and the rating, from the first pass."""
    make = tuple.__new__  # a hot loop: build the named tuples without their keyword-checking constructor
    weights = profile.weights_of(sorted(sums, key=DOMAIN_KEYS.__getitem__))  # in the order the domains show
    listed: list[DomainScore] = []
    counting, claims, proofs = [], [], []  # the terms of the sums below, in the domains' order
    for domain, weight in weights.items():
        w, c, p, n = sums[domain]
        claimed, proven = 100.0 * c / w, 100.0 * p / w  # (100.0: the same value as 100, float arithmetic)
        listed.append(DomainScore.of(domain, weight, claimed, proven, int(n), worst.get(domain, -1)))
        if weight > 0:
            counting.append(weight)
        claims.append(weight * claimed)
        proofs.append(weight * proven)
    domains = tuple(listed)
    total = sum(counting)
    inherent, inherent_reasons = inputs.vendor.refined(inputs.answers).inherent()
    problems = tuple(soc2_problems(inputs.answers, inputs.today)) if inputs.answers.get("soc2_has_report") else ()
    # Something the rating rests on was answered: a scored answer in a rated domain (not billing or price).
    answered = any(row[1] == "scored" and row[6] not in PERFORMANCE_DOMAINS for row in rows)
    if total <= 0 or not answered:  # nothing the rating rests on was answered: not assessed, never "low risk"
        results = tuple(
            [make(QuestionResult, (q, st, c, p, s, 0.0, 0.0, v, sev)) for q, st, c, p, s, _, _, v, sev in rows]
        )
        return Score(
            METHOD_VERSION, profile.version, False, 0.0, 0.0, 0.0, domains, tuple(knockouts), tuple(waived),
            None, tuple(inherent_reasons), evidence_counts, unanswered, results, profile.rating_basis,
        )  # fmt: skip
    claimed = sum(claims) / total
    proven = sum(proofs) / total
    share = {domain: weights[domain] / total / entry[0] for domain, entry in sums.items()}
    # The points each question is worth overall, and of those what it loses and what a document would prove.
    # Float constants: the same values as 100 and 1 (exact as floats), without mixed int-float arithmetic.
    results = tuple([
        make(QuestionResult, (q, st, c, p, s, 0.0, 0.0, v, sev)) if d is None  # not counted: costs nothing
        else make(QuestionResult, (q, st, c, p, s, (f := share[d] * w * 100.0) * (1.0 - c), f * (c - p), v, sev))
        for q, st, c, p, s, w, d, v, sev in rows
    ])  # fmt: skip
    findings_likelihood = likelihood_of(worst.values())
    disqualified = any(k.kind == "disqualifying" for k in knockouts)
    critical = any(k.kind == "critical" for k in knockouts)
    floor = profile.floor

    def rating(likelihood: int, unproven: bool) -> ResidualRating:
        return rate(
            inherent, likelihood, knocked_out=critical, floor=floor, unproven=unproven,
            disqualified=disqualified,
        )  # fmt: skip

    # An unproven claim of a critical or high control counts like a medium finding (likelihood Low at least).
    likelihood = max(findings_likelihood, 1) if unproven_claim else findings_likelihood
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
        rating=rating(likelihood, unproven_claim or unproven_failed),
        inherent_reasons=tuple(inherent_reasons),
        evidence=evidence_counts,
        unanswered=unanswered,
        results=results,
        rating_basis=profile.rating_basis,
        if_proven=rating(findings_likelihood, unproven_failed),
        soc2_problems=problems,
    )


class _DomainKeys(dict[str, tuple[int, str]]):
    """Domain -> its sort key: the domains in DOMAIN_LABELS' order, any others after them by name."""

    def __missing__(self, domain: str) -> tuple[int, str]:
        return len(DOMAIN_ORDER), domain


DOMAIN_KEYS = _DomainKeys({domain: (index, domain) for domain, index in DOMAIN_ORDER.items()})
