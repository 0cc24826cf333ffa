"""Findings: what a failed or partial answer means, how bad it is, what to ask; and the documents still needed.

Pure helpers of :mod:`vendorcheck.scoring.engine` (docs/scoring.md, steps 4 and 6):

* a failed answer (compliance 0, or unanswered) is a finding of the severity its question declares; a partial
  one is milder: one step below under 0.75 compliance, two steps at 0.75 or more (never below low);
* the most recent breach is rated by its size and recency; proven remediation lowers it a step, never erases it;
* per rated domain the worst finding counts; across domains the worst wins, and three or more domains whose
  worst is the same severity count one step higher (many medium gaps make a high one).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from vendorcheck.questionnaire.model import SEVERITIES, Question
from vendorcheck.scoring.proof import KIND_LABELS, EvidenceState

# Billing performance and price: their findings are listed and cost points (so rank), but move no rating.
PERFORMANCE_DOMAINS = frozenset({"operations", "pricing"})
LOW, MEDIUM, HIGH, CRITICAL = range(4)
SPREAD = 3  # this many domains at the same worst severity count one step higher
BREACH_RECENT_DAYS = 730  # "a breach in the last 24 months"
BREACH_REPORTABLE = 500  # HHS is told at once and the breach portal lists it (164.408)
BREACH_MASSIVE = 50_000
SEVERITY_INDEX = {name: index for index, name in enumerate(SEVERITIES)}
SEVERITY_WORDS = {LOW: "Low", MEDIUM: "Medium", HIGH: "High", CRITICAL: "Critical"}


@dataclass(frozen=True)
class KnockOut:
    question_id: str
    text: str
    answer: str
    reason: str
    controls: tuple[str, ...]
    kind: str = "critical"  # disqualifying | critical


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
class Finding:
    """One failed or partial answer, with the severity that sets the rating."""

    question_id: str
    text: str
    domain: str
    level: int  # index into SEVERITIES
    answer: str
    why: str
    ask: str
    controls: tuple[str, ...]
    points: float
    rated: bool  # False for billing performance and price: listed, but no effect on the rating

    @property
    def severity(self) -> str:
        return SEVERITIES[self.level]

    @property
    def label(self) -> str:
        return SEVERITY_WORDS[self.level]


@dataclass(frozen=True)
class NeededDocument:
    """A document that would prove unproven critical or high controls."""

    kind: str
    label: str
    question_ids: tuple[str, ...]


def severity_at(declared: int, compliance: float) -> int:
    """The finding's severity for an answer of this compliance (< 1), from the index of the severity its question
    declares: that one when it fails outright, milder when partial."""
    if compliance <= 1e-9:
        return declared
    return max(LOW, declared - (2 if compliance >= 0.75 else 1))


def breach_severity(answers: Mapping[str, Any], documents: Mapping[str, EvidenceState], today: date) -> int:
    """The most recent breach by size and recency; remediation shown by an accepted document lowers it a step."""
    size = answers.get("breach_individuals")
    size = size if isinstance(size, int | float) and not isinstance(size, bool) else None
    try:
        found = date.fromisoformat(answers["breach_date"]) if isinstance(answers.get("breach_date"), str) else None
    except ValueError:
        found = None
    recent = found is None or (today - found).days <= BREACH_RECENT_DAYS  # an unknown date counts as recent
    big = size is None or size >= BREACH_REPORTABLE  # and an unknown size as reportable
    if recent and size is not None and size >= BREACH_MASSIVE:
        level = CRITICAL
    elif recent and big:
        level = HIGH
    elif recent or big:
        level = MEDIUM
    else:
        level = LOW
    proven_fix = answers.get("breach_remediated") == "yes" and documents.get("breach_remediated") == "accepted"
    return max(LOW, level - 1) if proven_fix else level


def likelihood_of(worst: Iterable[int]) -> int:
    """Likelihood (0 Very Low .. 4 Very High) from each rated domain's worst finding (docs/scoring.md, step 6)."""
    counts = [0, 0, 0, 0]
    for level in worst:
        if level >= 0:
            counts[level] += 1
    found = -1
    for level, count in enumerate(counts):
        if count:
            found = max(found, level + (1 if count >= SPREAD else 0))
    return max(found, 0)  # low findings alone leave likelihood Very Low; severity index = likelihood index


def needed_documents(results: Iterable[Any]) -> tuple[NeededDocument, ...]:
    """The fewest documents that would prove every unproven, claimed critical or high control (greedy)."""
    wanted = {
        r.question.id: r.question
        for r in results
        if r.status == "scored"
        and r.compliance > 0
        and r.evidence != EvidenceState.ACCEPTED
        and r.question.severity in ("high", "critical")
        and r.question.proof_kinds
        and r.question.domain not in PERFORMANCE_DOMAINS
    }
    needed: list[NeededDocument] = []
    while wanted:
        shared = {kind for question in wanted.values() for kind in question.proven_by}
        options: dict[str, list[str]] = {}
        for qid, question in wanted.items():
            for kind in question.proven_by:
                options.setdefault(kind, []).append(qid)
            if question.evidence is not None:  # its own slot: the shared document, or one of its own
                own = question.evidence.kind
                options.setdefault(own if own in shared else f"slot:{qid}", []).append(qid)
        key = max(options, key=lambda k: (len(options[k]), not k.startswith("slot:"), k))
        covered = tuple(options[key])
        if key.startswith("slot:"):
            question = wanted[covered[0]]
            rule = question.evidence
            label = rule.description if rule and rule.description else KIND_LABELS.get(rule.kind if rule else "", "")
            needed.append(NeededDocument(rule.kind if rule else "other", label.rstrip("."), covered))
        else:
            needed.append(NeededDocument(key, KIND_LABELS.get(key, key), covered))
        for qid in covered:
            del wanted[qid]
    return tuple(needed)


def finding_of(result: Any) -> Finding:
    """The finding a result with a severity makes."""
    gap = gap_of(result)
    question = result.question
    return Finding(
        question.id, question.text, question.domain, result.severity, gap.answer, gap.why, gap.ask,
        question.controls, result.loss, question.domain not in PERFORMANCE_DOMAINS,
    )  # fmt: skip


def gap_of(result: Any) -> Gap:
    """What an answer costs, why, and what to ask next."""
    question = result.question
    value = result.value
    if question.type == "evidence":
        if result.evidence == EvidenceState.REJECTED:
            answer = "Document rejected"
        elif result.evidence == EvidenceState.EXPIRED:
            answer = "Document expired"
        else:
            answer = question.display(value) if question.stored(value) else "No document yet"
        why = "The document that proves this has not been received, or no longer counts."
        ask = f"Ask for {_lower(question.evidence.description) if question.evidence else 'the document'}"
    elif result.status == "unanswered":
        answer, why, ask = "Not answered", "Unanswered questions count as gaps.", "Ask the vendor to answer this."
    else:
        answer = question.display(value)
        failed = question.fails(value)
        if failed:
            why = question.knockout.reason  # type: ignore[union-attr]
        elif question.type in ("number", "percent"):
            why = "The figure falls short of the benchmark."
        elif question.type == "date":
            why = "This is out of date."
        elif result.compliance > 0:
            why = "Meets this control only in part."
        else:
            why = "Does not meet this control."
        ask = _ask(question, failed)
    return Gap(question.id, question.text, result.loss, answer, why, ask, question.controls)


def unproven_gap(result: Any) -> Gap:
    """A claim that no accepted document backs yet."""
    question = result.question
    wanted = question.evidence.description if question.evidence and question.evidence.description else ""
    if not wanted and question.proven_by:
        wanted = KIND_LABELS.get(question.proven_by[0], "")
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
