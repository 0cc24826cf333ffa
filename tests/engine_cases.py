"""Seeded inputs for the scoring engine, and a canonical text form of every :class:`Score` they give.

tests/unit/test_engine_equivalence.py scores these cases and compares the result, field by field, with
tests/data/engine_reference.json.gz, which ``python -m tests.engine_cases`` wrote with the engine as it was
before its speed-up (issue #22). The cases are built from ``random.Random(seed)`` only (never from the order of
a set), so they are the same on every run and machine; they cover what the engine reads: every answer type
(valid, out of bounds, of the wrong type), questions left unanswered or not applicable, document states, vendor
profiles, scoring profiles, dates around expiry, and the public and contract records.

Regenerate the reference only when the method itself changes (``METHOD_VERSION``), never to make the test pass.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import random
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from vendorcheck.demo.answers import PROFILES, SHARED, answers_for
from vendorcheck.questionnaire.loader import load_library
from vendorcheck.questionnaire.model import Question, Questionnaire, Thresholds
from vendorcheck.resources import questionnaires_dir
from vendorcheck.scoring import EvidenceState, Inputs, Score, ScoringProfile, VendorProfile, score
from vendorcheck.scoring.contracts import NO_CONTRACTS, BaaOnRecord, ContractRecord, MissingClause
from vendorcheck.scoring.impact import VOLUME_PATIENTS
from vendorcheck.scoring.profile import DEFAULT_WEIGHTS
from vendorcheck.scoring.risk import LEVELS
from vendorcheck.scoring.track import NO_RECORD, Breach, Exclusion, PublicRecord

REFERENCE = Path(__file__).parent / "data" / "engine_reference.json.gz"
TODAY = date(2026, 11, 23)
RANDOM_CASES = 300
SHOWN = {*(f"demo {name}" for name in PROFILES), *(f"random {seed}" for seed in range(16))}
STATES = list(EvidenceState)


@cache
def library() -> tuple[Questionnaire, ...]:
    """The shipped questionnaires, in their file order."""
    return tuple(load_library(questionnaires_dir()).values())


def cases() -> list[tuple[str, Inputs, ScoringProfile]]:
    """Every case: the demo vendors, bench-like vendors, then the seeded random ones."""
    found = []
    every = list(library())
    for name, (strength, fixed, _) in PROFILES.items():
        answers = {}
        for questionnaire in every:
            answers |= answers_for(questionnaire, strength, SHARED | fixed, TODAY, name)
        vendor = VendorProfile("moderate", stores=True, processes=True, transmits=True, subcontractors=True)
        found.append((f"demo {name}", Inputs(every, answers, frozenset(), {}, vendor, TODAY), ScoringProfile()))
    for number in range(20):
        strength = 0.35 + 0.6 * ((number * 37) % 100) / 100
        answers = {}
        for questionnaire in every:
            answers |= answers_for(questionnaire, strength, {}, TODAY, f"Bench Billing {number:03d}")
        vendor = VendorProfile(list(VOLUME_PATIENTS)[number % 4], stores=number % 2 == 0, offshore=number % 5 == 0)
        found.append((f"bench {number}", Inputs(every, answers, frozenset(), {}, vendor, TODAY), ScoringProfile()))
    for seed in range(RANDOM_CASES):
        rng = random.Random(seed)
        found.append((f"random {seed}", random_inputs(rng), random_profile(rng)))
    return found


def random_inputs(rng: random.Random) -> Inputs:
    """One random assessment: some questionnaires in some order, random answers, documents, vendor and records."""
    every = list(library())
    chosen = every if rng.random() < 0.6 else rng.sample(every, rng.randint(1, len(every)))
    today = TODAY + timedelta(days=rng.randint(-400, 400))
    questions = [q for questionnaire in chosen for q in questionnaire.questions]
    # How good the vendor is, and how much it answered: a third are nearly perfect and complete (where proof
    # alone holds the rating up), the rest spread.
    strong = rng.random() < 0.33
    strength, answered = (0.995, 1.0) if strong else (rng.random() ** 0.5, rng.random())
    answers = {q.id: random_answer(rng, q, today, strength) for q in questions if rng.random() < 0.2 + 0.8 * answered}
    not_applicable = frozenset(q.id for q in questions if rng.random() < 0.05)
    filed = rng.random()  # how many documents are on file, and how many of them were accepted
    weights = [1 + 8 * strength, 1, 1, 1, 1]  # STATES: accepted, pending, expired, rejected, missing
    documents = {q.id: rng.choices(STATES, weights)[0] for q in questions if rng.random() < filed}
    vendor = VendorProfile(
        rng.choice([*VOLUME_PATIENTS, "unknown"]),
        stores=rng.random() < 0.5,
        processes=rng.random() < 0.5,
        transmits=rng.random() < 0.5,
        offshore=rng.random() < 0.2,
        subcontractors=rng.random() < 0.4,
        patients=rng.choice([None, 0, 500, 5_000, 60_000, 400_000]),
        subcontractor_count=rng.choice([None, 0, 1, 2, 5]),
    )
    return Inputs(
        chosen, answers, not_applicable, documents, vendor, today, random_record(rng, today), random_contracts(rng)
    )


def random_answer(rng: random.Random, question: Question, today: date, strength: float) -> Any:
    """An answer of the question's type, the best one with chance ``strength``; now and then one of the wrong
    type or out of bounds (as older code could store)."""
    if rng.random() < 0.03 * (1 - strength):
        return rng.choice([None, True, 7, -1, 1e300, float("inf"), "maybe", "", ["yes"], {"a": 1}, "2026-02-30"])
    kind = question.type
    if kind in ("yes_no", "yes_no_partial", "single_choice"):
        best = max(question.options, key=lambda c: c.score)
        return best.value if rng.random() < strength else rng.choice(question.options).value
    if kind == "multi_choice":
        values = [c.value for c in question.options]
        if rng.random() < strength:
            return [max(question.options, key=lambda c: c.score).value]
        picked = rng.sample(values, rng.randint(1, min(3, len(values))))
        return picked if rng.random() < 0.95 else [*picked, "unknown"]
    if kind in ("number", "percent"):
        t = question.thresholds
        low, high = (t.poor, t.good) if t else (0, 100)
        span = abs(high - low) or 1
        number = min(low, high) + rng.uniform(-0.3, 1.3) * span
        if t and rng.random() < strength:
            number = t.good
        return rng.choice([round(number), round(number, 2), number, str(round(number))])
    if kind == "date":
        age = rng.choice([question.max_age_days or 365, 365, 457, 730, 30, 30]) + rng.randint(-3, 3)
        return (today - timedelta(days=age)).isoformat()
    if kind == "evidence":
        return rng.choice(["later", "not_available", None, "junk"])
    return rng.choice(["Described in our policy.", "", "See attached."])


def random_profile(rng: random.Random) -> ScoringProfile:
    """The default profile half the time; otherwise random weights, overrides, knock-outs off, floor and basis."""
    if rng.random() < 0.5:
        return ScoringProfile()
    weights = {d: rng.choice([0.0, 0.5, 1.0, 1.5, 3.0]) for d in DEFAULT_WEIGHTS if rng.random() < 0.7}
    questions = [q for questionnaire in library() for q in questionnaire.questions]
    numbers = [q for q in questions if q.type in ("number", "percent")]
    thresholds = {}
    for question in rng.sample(numbers, rng.randint(0, 4)):
        low, high = sorted(rng.sample(range(0, 200), 2))
        direction = rng.choice(["higher_is_better", "lower_is_better"])
        good, poor = (high, low) if direction == "higher_is_better" else (low, high)
        thresholds[question.id] = Thresholds(direction, float(good), float(poor))
    knockouts = [q.id for q in questions if q.knockout is not None]
    return ScoringProfile(
        version=rng.randint(1, 9),
        weights=weights,
        thresholds=thresholds,
        knockouts_off=frozenset(rng.sample(knockouts, rng.randint(0, len(knockouts)))),
        knockout_floor=rng.choice(LEVELS),
        rating_basis=rng.choice(["claimed", "proven"]),
    )


def random_record(rng: random.Random, today: date) -> PublicRecord:
    """Nothing confirmed most of the time; otherwise exclusions in force or ended, and breaches old and new."""
    if rng.random() < 0.75:
        return NO_RECORD
    exclusions = tuple(
        Exclusion(
            "OIG LEIE 2026-11-01",
            rng.choice(["the company", "Dana Whitlock (principal)"]),
            rng.choice([None, today - timedelta(days=900)]),
            rng.choice([None, today - timedelta(days=1), today + timedelta(days=rng.randint(0, 2))]),
            rng.random() < 0.8,
        )
        for _ in range(rng.randint(0, 2))
    )
    breaches = tuple(
        Breach(
            "HHS OCR breach portal",
            "Valley Clinic",
            today - timedelta(days=rng.randint(0, 2500)),
            rng.choice([None, 400, 5_000, 80_000]),
            rng.choice([None, "Hacking/IT Incident"]),
        )
        for _ in range(rng.randint(0, 2))
    )
    return PublicRecord(exclusions, breaches)


def random_contracts(rng: random.Random) -> ContractRecord:
    """No register record most of the time; otherwise a stage and BAAs with clauses missing or not."""
    if rng.random() < 0.7:
        return NO_CONTRACTS
    clauses = [MissingClause(f"clause_{n}", f"Clause {n}", f"Reports breaches within {n} days.", ("164.504",))
               for n in range(3)]  # fmt: skip
    baas = tuple(
        BaaOnRecord("Master BAA", "2026-01-01", tuple(rng.sample(clauses, rng.randint(0, 2))))
        for _ in range(rng.randint(0, 2))
    )
    return ContractRecord(rng.choice(["", "selected", "shortlisted", "rejected"]), baas)


def canonical(result: Score) -> dict[str, str]:
    """Every field of a score, and every derived list a page or export shows, as exact text (floats by repr)."""
    fields = {name: repr(getattr(result, name)) for name in result.__dataclass_fields__ if name != "results"}
    fields["evidence"] = repr(sorted(result.evidence.items()))
    fields["results"] = repr(
        [(r.question.id, *r[1:]) for r in result.results]  # the question by id: the questionnaire is fixed
    )
    for name in ("findings", "gaps", "unproven", "until_proven", "headline", "disqualified", "basis"):
        fields[name] = repr(getattr(result, name))
    return fields


def digest(text: str) -> str:
    """A short fingerprint of one field's text (64 bits: a chance collision is out of reach)."""
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def reference_of(scores: dict[str, dict[str, str]]) -> dict[str, Any]:
    """What the reference file keeps: every field's fingerprint for every case, and the full text of a few cases
    (the demo vendors and the first random ones), so that a failure there shows the difference itself."""
    return {
        "digests": {name: {k: digest(v) for k, v in fields.items()} for name, fields in scores.items()},
        "full": {name: fields for name, fields in scores.items() if name in SHOWN},
    }


def scored() -> dict[str, dict[str, str]]:
    """Case name -> the canonical form of its score, with the engine as it is now."""
    return {name: canonical(score(inputs, profile)) for name, inputs, profile in cases()}


def load_reference() -> dict[str, Any]:
    """The scores recorded before the speed-up (:func:`reference_of`)."""
    with gzip.open(REFERENCE, "rt", encoding="utf-8") as handle:
        return json.load(handle)


if __name__ == "__main__":
    REFERENCE.parent.mkdir(exist_ok=True)
    with gzip.GzipFile(REFERENCE, "wb", mtime=0) as raw:
        raw.write(json.dumps(reference_of(scored()), sort_keys=True, separators=(",", ":")).encode())
    print(f"wrote {REFERENCE} ({REFERENCE.stat().st_size:,} bytes)")
