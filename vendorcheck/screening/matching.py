"""Finding candidates: a vendor and its principals against one list version's rows. Pure (rapidfuzz only).

Thresholds (docs/screening.md explains each with examples):

* company names: rapidfuzz ``token_sort_ratio`` of the normalized names (:mod:`.names`) at least
  ``COMPANY_MIN``; when both sides know the state and it differs, only an exact normalized name is kept
  (a similarly named company in another state is a different company); an address similarity of at least
  ``ADDRESS_MIN`` is recorded as corroboration;
* persons: first and last name at least ``PERSON_MIN``; a known date of birth on both sides must be equal
  (same name, other birthday: another person); without one, a known state on both sides must agree and
  the name must be at least ``PERSON_NO_DOB_MIN``;
* breach reports (OCR): the company's name as the covered entity (as above), or the normalized name,
  as whole words, inside the report's web description (how a client's report names its billing company);
  names shorter than ``MENTION_MIN_CHARS`` are too common to look for in free text.

Every candidate carries its reasons: which fields matched, with what score.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from rapidfuzz import fuzz, process

COMPANY_MIN = 90.0
PERSON_MIN = 92.0
PERSON_NO_DOB_MIN = 96.0
ADDRESS_MIN = 85.0
MENTION_MIN_CHARS = 8


@dataclass(frozen=True)
class Subject:
    """Who is screened: the company (under each name it goes by) or one of its principals."""

    kind: str  # company | principal
    label: str  # the name as entered
    keys: tuple[str, ...]  # normalized names
    principal_id: int | None = None
    dob: date | None = None
    state: str | None = None
    address: str | None = None


@dataclass(frozen=True)
class Row:
    """What matching reads of a list row."""

    id: int
    kind: str  # individual | entity | breach
    name: str
    name_key: str
    dob: date | None = None
    state: str | None = None
    address: str | None = None
    mentions: str | None = None


@dataclass
class Match:
    """A candidate: subject, row, the best score and why."""

    subject: Subject
    row: Row
    score: float
    reasons: list[dict[str, Any]] = field(default_factory=list)


def _reason(field_name: str, ours: Any, theirs: Any, score: float | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {"field": field_name, "ours": str(ours), "theirs": str(theirs)}
    if score is not None:
        out["score"] = round(score, 1)
    return out


def _company(subject: Subject, row: Row, key: str, name_score: float) -> Match | None:
    reasons = [_reason("name", key, row.name_key, name_score)]
    if subject.state and row.state and row.kind != "breach":
        if subject.state != row.state:
            if name_score < 100:
                return None  # a similar name in another state: another company
            reasons.append(_reason("state differs", subject.state, row.state))
        else:
            reasons.append(_reason("state", subject.state, row.state, 100.0))
    if subject.address and row.address:
        address_score = fuzz.token_set_ratio(subject.address.lower(), row.address.lower())
        if address_score >= ADDRESS_MIN:
            reasons.append(_reason("address", subject.address, row.address, address_score))
    return Match(subject, row, name_score, reasons)


def _person(subject: Subject, row: Row, name_score: float) -> Match | None:
    reasons = [_reason("name", subject.keys[0], row.name_key, name_score)]
    if subject.dob and row.dob:
        if subject.dob != row.dob:
            return None  # same name, another birthday: another person
        reasons.append(_reason("date of birth", subject.dob.isoformat(), row.dob.isoformat(), 100.0))
    else:
        if name_score < PERSON_NO_DOB_MIN:
            return None
        if subject.state and row.state:
            if subject.state != row.state:
                return None
            reasons.append(_reason("state", subject.state, row.state, 100.0))
    return Match(subject, row, name_score, reasons)


class Matcher:
    """One list version's rows, indexed once, matched against any number of subjects."""

    def __init__(self, rows: Sequence[Row]) -> None:
        self.companies = [r for r in rows if r.kind in ("entity", "breach")]
        self.people = [r for r in rows if r.kind == "individual"]
        self.described = [r for r in rows if r.mentions]
        self._company_keys = [r.name_key for r in self.companies]
        self._squeezed = [k.replace(" ", "") for k in self._company_keys]  # "blue harbor" = "blueharbor"
        self._person_keys = [r.name_key for r in self.people]

    def match(self, subjects: Sequence[Subject]) -> list[Match]:
        """Every candidate for ``subjects``, best first; one per subject and row (the best reason wins)."""
        best: dict[tuple[str, int | None, int], Match] = {}

        def keep(found: Match | None) -> None:
            if found is None:
                return
            slot = (found.subject.kind, found.subject.principal_id, found.row.id)
            if slot not in best or best[slot].score < found.score:
                best[slot] = found

        for subject in subjects:
            if subject.kind == "company":
                for key in subject.keys:
                    for choices, query, scorer in (
                        (self._company_keys, key, fuzz.token_sort_ratio),
                        (self._squeezed, key.replace(" ", ""), fuzz.ratio),
                    ):
                        for _, score, index in process.extract(
                            query, choices, scorer=scorer, score_cutoff=COMPANY_MIN, limit=None
                        ):
                            keep(_company(subject, self.companies[index], key, score))
                    for found in self._mentions(subject, key):
                        keep(found)
            elif subject.keys and subject.keys[0]:
                for _, score, index in process.extract(
                    subject.keys[0], self._person_keys, scorer=fuzz.token_sort_ratio, score_cutoff=PERSON_MIN,
                    limit=None,
                ):  # fmt: skip
                    keep(_person(subject, self.people[index], score))
        return sorted(best.values(), key=lambda m: (-m.score, m.row.id))

    def _mentions(self, subject: Subject, key: str) -> list[Match]:
        """Breach reports whose web description names the company (whole words)."""
        if len(key) < MENTION_MIN_CHARS:
            return []
        needle = f" {key} "
        return [
            Match(subject, row, 100.0, [_reason("named in the web description", key, row.name)])
            for row in self.described
            if needle in f" {row.mentions} "
        ]
