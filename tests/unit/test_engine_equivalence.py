"""The engine gives exactly the scores it gave before its speed-up (issue #22): same ratings, domain scores,
findings, gaps, knock-outs and per-question results, floats bit for bit.

The reference (tests/data/engine_reference.json.gz) was written by ``python -m tests.engine_cases`` with the
engine before any change for speed; the cases (demo vendors, bench-like vendors and 300 seeded random
assessments) are rebuilt here from the same seeds. ``METHOD_VERSION`` is unchanged, so nothing a user sees may
differ: any difference is a bug in the faster engine, not a reason to rewrite the file.
"""

from __future__ import annotations

from dataclasses import fields, replace
from decimal import Decimal
from functools import cache

import pytest

from tests.engine_cases import TODAY, cases, digest, library, load_reference, scored
from vendorcheck import numbers
from vendorcheck.questionnaire.expressions import parse
from vendorcheck.questionnaire.model import Thresholds
from vendorcheck.scoring import METHOD_VERSION, EvidenceState, ScoringProfile
from vendorcheck.scoring.engine import DomainScore, _compliance
from vendorcheck.scoring.plan import _fails, _measure, _number, _repeats, same_condition, steps


@cache
def reference() -> dict:
    return load_reference()


@cache
def now() -> dict[str, dict[str, str]]:
    return scored()


def test_the_reference_covers_every_case_and_the_same_method() -> None:
    assert sorted(reference()["digests"]) == sorted(name for name, _, _ in cases())
    assert all(fields["method_version"] == digest(repr(METHOD_VERSION)) for fields in reference()["digests"].values())


@pytest.mark.parametrize("name", sorted(name for name, _, _ in cases()))
def test_every_field_of_every_score_is_as_before(name: str) -> None:
    fields = now()[name]
    if name in reference()["full"]:  # kept in full: a failure shows the field's old and new text
        assert fields == reference()["full"][name]
    assert {field: digest(text) for field, text in fields.items()} == reference()["digests"][name]


NUMBERS = [0, 1, -1, 7, 7.0, 7.5, 59.5, 60, 60.0, 61, 49.999, 50, 100, 100.0, 100.5, 101, 250_000, 2_000_000,
           10**15 - 1, 10**15, -(10**15), 10**15 + 1, 2**64, 2**70, 0.1, 1e15, 1e15 - 0.5, -1e15, 1e300,
           float("inf"), float("-inf"), float("nan"), True, False, None, "12", "1,200", "12.5", "abc", "",
           Decimal("7"), Decimal("NaN"), [7], {"a": 7}]  # fmt: skip


def test_a_number_question_reads_every_value_as_the_general_rule_does() -> None:
    """plan._number's shortcut for plain ints and floats against engine._compliance (Question.stored and
    compliance), at the bounds, the limit and beyond, with and without a profile's threshold override."""
    assert float(numbers.LIMIT) == numbers.LIMIT  # what lets the shortcut compare with a float
    questions = [  # the engine reads only those that weigh something; the others are information whatever they say
        q
        for questionnaire in library()
        for q in questionnaire.questions
        if q.type in ("number", "percent") and q.weight
    ]
    unbounded = [replace(q, min=None, max=None) for q in questions if q.type == "number"]  # only the limit holds
    assert any(q.knockout for q in questions)  # "answer > 60"
    for question in questions + unbounded:
        measure, fails = _number(question), _fails(question)
        override = ScoringProfile(thresholds={question.id: Thresholds("lower_is_better", 3.0, 80.0)})
        for profile in (ScoringProfile(), override):
            for value in NUMBERS:
                expected = _compliance(question, value, EvidenceState.MISSING, profile, TODAY)
                assert repr(measure(value, profile, TODAY)) == repr(expected), (question.id, value)
                assert fails(value) is question.fails(value), (question.id, value)


DATES = [TODAY.isoformat(), "2025-11-23", "2025-11-22", "2025-11-24", "2025-08-23", "2024-08-23", "20251123",
         "2025-W47-1", "2026-02-30", "2026-11-23T10:00", "", "soon", None, 20251123, ["2025-11-23"], True]  # fmt: skip


def test_date_and_text_questions_read_every_value_as_the_general_rule_does() -> None:
    """plan._measure for dates (expiry by max_age_days, a day either side) and text against engine._compliance."""
    questions = [
        q for questionnaire in library() for q in questionnaire.questions if q.type in ("date", "text") and q.weight
    ]
    for question in [*questions, *(replace(q, max_age_days=None) for q in questions if q.type == "date")]:
        measure = _measure(question)
        for today in (TODAY, TODAY.replace(year=2027)):
            for value in DATES:
                expected = _compliance(question, value, EvidenceState.MISSING, ScoringProfile(), today)
                assert repr(measure(value, ScoringProfile(), today)) == repr(expected), (question.id, value)


def test_a_domain_score_made_quickly_is_the_one_the_constructor_makes() -> None:
    """DomainScore.of sets every field itself: a field added to DomainScore, or a __post_init__, fails here."""
    assert not hasattr(DomainScore, "__post_init__")
    made, built = DomainScore.of("encryption", 1.5, 87.5, 0.0, 4, 2), DomainScore("encryption", 1.5, 87.5, 0.0, 4, 2)
    assert made == built and hash(made) == hash(built) and repr(made) == repr(built)
    assert list(vars(made).items()) == list(vars(built).items())
    assert [f.name for f in fields(DomainScore)] == list(vars(made))


def test_a_condition_is_reused_only_when_the_answer_in_between_cannot_change_it() -> None:
    """plan._repeats: the question before has the same condition, and that condition does not read its answer."""
    first = next(q for questionnaire in library() for q in questionnaire.questions if q.when)
    same = replace(first, id="next_one")
    assert _repeats(same, first)
    assert not _repeats(replace(same, when=parse(f"{first.when.source} or x == 'y'")), first)
    reads_it = parse(f"{first.id} == 'yes'")  # the answer added between the two would change it
    assert not _repeats(replace(same, when=reads_it), replace(first, when=reads_it))
    assert not _repeats(same, None) and not _repeats(same, replace(first, when=None))
    assert sum(step.test is same_condition for q in library() for step in steps(q)) >= 20  # the SOC 2 block...
