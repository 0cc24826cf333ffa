"""What one document proves, in plain words, for its page: the answers it speaks for and why it may prove less.

The rules are the scoring's (:mod:`vendorcheck.scoring.proof`): a document proves the answers its kind covers
(``proven_by`` in the questionnaires) plus those it was filed under, or exactly the covered ones the assessor
named; a SOC 2 report that is not usable (Type I, stale, qualified, service out of scope) proves only what it says
about itself. Only an accepted, unexpired document proves anything now. Not exported from the package: it reads
the vendor's answers through :mod:`vendorcheck.scores`, which itself builds on the evidence package.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy.orm import Session

from vendorcheck import scores
from vendorcheck.models import Evidence
from vendorcheck.questionnaire.model import Questionnaire
from vendorcheck.scoring.proof import SOC2, Document, EvidenceState, coverage, proved_by, soc2_problems


@dataclass(frozen=True)
class Proves:
    """The answers a document speaks for (id, question text, in questionnaire order) and its standing today."""

    state: EvidenceState
    questions: list[tuple[str, str]]
    narrowed: bool  # the assessor named covered questions: it proves exactly those
    soc2_problems: list[str] = field(default_factory=list)  # why a SOC 2 report proves none of the controls

    @property
    def summary(self) -> str:
        """One sentence saying what the document proves now."""
        count = len(self.questions)
        answers = f"{count} answer{'s' if count != 1 else ''}"
        if count == 0:
            return "It proves none of the vendor's answers."
        return {
            EvidenceState.ACCEPTED: f"It proves {answers}.",
            EvidenceState.PENDING: f"Once accepted, it will prove {answers}.",
            EvidenceState.EXPIRED: f"It has expired and proves nothing now; while current it proved {answers}.",
            EvidenceState.REJECTED: f"It was rejected and proves nothing; accepted, it would have proved {answers}.",
        }.get(self.state, f"It speaks for {answers}.")


def what_it_proves(session: Session, item: Evidence, library: Mapping[str, Questionnaire], today: date) -> Proves:
    """What ``item`` proves for its vendor as of ``today``, by the scoring's rules and the vendor's own answers."""
    questionnaires = list(library.values())
    documents = scores.documents_of([item], today)
    state = documents[0].state if documents else EvidenceState.PENDING
    document = Document(item.kind.value, state, tuple(item.question_ids))
    cover = coverage(questionnaires)
    named = proved_by(document, cover)
    problems: list[str] = []
    if item.kind.value == SOC2:
        entry = scores.score_vendors(session, [item.vendor], scores.current_profile(session, item.org_id), today)[0]
        problems = soc2_problems(entry.answers, today)
        if problems:
            named = named & (cover.soc2_self | cover.slots.get(SOC2, frozenset()))
    texts = [(q.id, q.text) for questionnaire in questionnaires for q in questionnaire.questions if q.id in named]
    narrowed = bool(frozenset(item.question_ids) & cover.covers.get(item.kind.value, frozenset()))
    return Proves(state, texts, narrowed, problems)
