"""Which answers the documents on file prove: one document proves every answer its kind covers.

Pure: the service (:mod:`vendorcheck.scores`) turns the vendor's documents into :class:`Document` records and
calls :func:`proof`; the engine reads the resulting state per question. The rules (docs/scoring.md, step 3):

* A document of kind K covers the questions that declare K in ``proven_by``. Filed under any question K does not
  cover (its own evidence slot, say), it proves the questions it is filed under and everything K covers; filed
  by the assessor under questions K covers, that list is a narrowing, and it proves exactly the questions named.
* Only an accepted, unexpired document proves anything; pending, expired and rejected ones are shown as such.
* A SOC 2 report proves the security controls only if it is usable (:func:`soc2_problems` finds nothing wrong
  with it): otherwise it still proves what it says about itself (its type, period, opinion: the SOC 2 questions).
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from vendorcheck.questionnaire.model import Questionnaire

SOC2 = "soc2_report"
SOC2_DOMAIN = "soc2_report"  # questions about the report itself
SOC2_FRESH_DAYS = 365  # the period should have ended within the last 12 months (REGULATORY-FACTS, SOC 2)
BRIDGE_DAYS = 92  # a bridge letter covers about 3 months
KIND_LABELS = {
    "soc2_report": "A SOC 2 Type II report with the billing service in scope, period ended in the last 12 months",
    "baa": "The signed business associate agreement",
    "pentest_letter": "The penetration tester's summary letter from the last 12 months",
    "policy": "The written policy",
    "certificate": "The certificate",
    "insurance": "The certificate of cyber insurance",
    "contract": "The signed agreement",
    "other": "The document",
}


class EvidenceState(enum.StrEnum):
    """The best document covering a question, as of the scoring date."""

    ACCEPTED = "accepted"  # accepted by the assessor and not expired: the answer is proven
    PENDING = "pending"  # received, not reviewed yet
    EXPIRED = "expired"  # accepted once, past its valid-until date
    REJECTED = "rejected"
    MISSING = "missing"


RANK = {EvidenceState.ACCEPTED: 4, EvidenceState.PENDING: 3, EvidenceState.EXPIRED: 2, EvidenceState.REJECTED: 1}


@dataclass(frozen=True)
class Document:
    """One complete document filed for the vendor, as the scoring sees it."""

    kind: str
    state: EvidenceState
    question_ids: tuple[str, ...] = ()


@dataclass(frozen=True)
class Coverage:
    """For each document kind, the questions it covers and the questions whose slot asks for it."""

    covers: Mapping[str, frozenset[str]]
    slots: Mapping[str, frozenset[str]]
    soc2_self: frozenset[str]  # questions a SOC 2 report proves even when it cannot prove controls


def coverage(questionnaires: Sequence[Questionnaire]) -> Coverage:
    """The coverage declared by a set of questionnaires (cached by content: a questionnaire never changes)."""
    key = tuple(q.content_hash for q in questionnaires)
    found = _COVERAGE.get(key)
    if found is None:
        if len(_COVERAGE) > 256:  # pinned versions are few; this only bounds memory
            _COVERAGE.clear()
        found = _COVERAGE[key] = _coverage(questionnaires)
    return found


_COVERAGE: dict[tuple[str, ...], Coverage] = {}


def _coverage(questionnaires: Sequence[Questionnaire]) -> Coverage:
    covers: dict[str, set[str]] = {}
    slots: dict[str, set[str]] = {}
    soc2_self: set[str] = set()
    for questionnaire in questionnaires:
        for question in questionnaire.questions:
            for kind in question.proven_by:
                covers.setdefault(kind, set()).add(question.id)
            if question.evidence is not None:
                slots.setdefault(question.evidence.kind, set()).add(question.id)
            if question.domain == SOC2_DOMAIN:
                soc2_self.add(question.id)
    return Coverage(
        {k: frozenset(v) for k, v in covers.items()}, {k: frozenset(v) for k, v in slots.items()}, frozenset(soc2_self)
    )


def proved_by(document: Document, cover: Coverage) -> frozenset[str]:
    """The questions one document speaks for (whatever its state)."""
    covered = cover.covers.get(document.kind, frozenset())
    named = frozenset(document.question_ids)
    if named & covered:
        return named  # the assessor named the covered questions it proves: exactly those
    return named | covered


def proof(
    questionnaires: Sequence[Questionnaire], documents: Iterable[Document], answers: Mapping[str, Any], today: date
) -> dict[str, EvidenceState]:
    """Question id -> the best state among the documents that speak for it (absent = missing)."""
    cover = coverage(questionnaires)
    soc2_ok = not soc2_problems(answers, today)
    best: dict[str, EvidenceState] = {}
    for document in documents:
        questions = proved_by(document, cover)
        if document.kind == SOC2 and not soc2_ok:
            questions = questions & (cover.soc2_self | cover.slots.get(SOC2, frozenset()))
        rank = RANK.get(document.state, 0)
        for qid in questions:
            if rank > RANK.get(best.get(qid, EvidenceState.MISSING), 0):
                best[qid] = document.state
    return best


def soc2_problems(answers: Mapping[str, Any], today: date) -> list[str]:
    """Why the vendor's SOC 2 report cannot prove its controls, in plain words (empty when it can)."""
    if answers.get("soc2_has_report") != "yes":
        return ["The vendor has no SOC 2 report."] if answers.get("soc2_has_report") == "no" else []
    problems = []
    if answers.get("soc2_report_type") == "type_1":
        problems.append("It is a Type I report: it checks the design of controls on one day, not that they worked.")
    elif answers.get("soc2_report_type") != "type_2":
        problems.append("The report's type (Type I or II) is not given.")
    ended = _date(answers.get("soc2_period_end"))
    if ended is None:
        problems.append("The end of the report's period is not given.")
    elif (today - ended).days > SOC2_FRESH_DAYS:
        bridge = _date(answers.get("soc2_bridge_letter_date"))
        bridged = (
            bridge is not None
            and answers.get("soc2_bridge_letter") == "yes"
            and bridge >= ended
            and (today - bridge).days <= BRIDGE_DAYS
            and (today - ended).days <= SOC2_FRESH_DAYS + BRIDGE_DAYS
        )
        if not bridged:
            months = (today - ended).days // 30
            problems.append(
                f"Its period ended {ended.isoformat()}, about {months} months ago, and no bridge letter from the "
                "last 3 months covers the gap."
            )
    opinion = answers.get("soc2_opinion")
    if opinion in ("adverse", "disclaimer"):
        problems.append("The auditor's opinion is adverse or disclaimed: the controls could not be relied on.")
    elif opinion == "qualified" and answers.get("soc2_exceptions_remediated") != "yes":
        problems.append("The auditor's opinion is qualified and the exceptions are not all fixed.")
    elif opinion is None:
        problems.append("The auditor's opinion is not given.")
    if answers.get("soc2_billing_in_scope") == "no":
        problems.append("The billing service is not in the report's scope.")
    return problems


def _date(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None
