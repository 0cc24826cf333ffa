"""What the engine works out once per questionnaire rather than once per question of every assessment.

A loaded :class:`~vendorcheck.questionnaire.model.Questionnaire` never changes (the library loads each version
once, and an assessment pins its versions), so everything the scoring loop needs to know about a question that
does not depend on the answers is computed on first use and kept with the questionnaire object (:func:`steps`):
its compiled condition (or a marker that it repeats the one before), domain, weight and declared severity,
whether it must be proven; for a choice question (most of them) a table from each allowed answer to its status,
compliance and finding, and the knock-out each failing answer makes; for a number or a date, a closure that
reads and weighs the answer with the question's bounds and rule looked up once. The engine then reads one tuple
per question instead of re-deriving all this from the question's attributes (issue #22: the engine ran at less
than half its target speed). Nothing here changes a result: tests/unit/test_engine_equivalence.py holds the
engine to the scores it gave before, and each shortcut to the general rule it replaces.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Mapping
from datetime import date
from typing import Any, NamedTuple

from vendorcheck.numbers import LIMIT, stored_number
from vendorcheck.questionnaire.model import KnockOutRule, Question, Questionnaire
from vendorcheck.scoring.findings import PERFORMANCE_DOMAINS, SEVERITY_INDEX, KnockOut, severity_at
from vendorcheck.scoring.profile import ScoringProfile

MUST_PROVE = frozenset({"high", "critical"})  # a Low rating needs these controls proven
CHOICES = frozenset({"yes_no", "yes_no_partial", "single_choice"})
NUMBERS = frozenset({"number", "percent"})
BREACH_QUESTION = "breaches_last_5_years"  # rated by the breach's size and date (findings.breach_severity)
PLANS_KEPT = 256  # questionnaire versions in use at once are few; this only bounds memory
FLOAT_LIMIT = float(LIMIT)  # 10**15 is exact as a float: comparing with it is comparing with the Decimal (a test)
Measure = Callable[[Any, ScoringProfile, date], tuple[str, float]]  # (value, profile, today) -> status, compliance
Outcome = tuple[str, float, int]  # status, compliance as claimed, severity of the finding it makes (-1: none)


class Step(NamedTuple):
    """One question as the scoring loop reads it (fields in the order the loop unpacks them)."""

    question: Question
    id: str
    test: Callable[[Mapping[str, Any]], bool] | None  # its compiled ``when``; None: always asked
    read: bool  # a later condition reads this answer
    slot: bool  # it has an evidence slot of its own (counted in Score.evidence)
    knockout: KnockOutRule | None
    weight: float  # as a float: the sums add floats (float(int) is exact, so they add the same values)
    domain: str
    rated: bool  # its domain moves the rating (billing performance and price do not)
    must_prove: bool  # a rated critical or high control that a document can prove
    declared: int  # index into SEVERITIES of the finding a failed answer makes
    breach: bool  # the breach question: its finding is rated by the breach (findings.breach_severity)
    choices: Mapping[str, Outcome] | None  # a choice question: allowed answer -> its outcome; else None
    blank: Outcome  # a choice question's outcome when unanswered (or answered with something not allowed)
    failing: Mapping[str, KnockOut]  # a choice question: each answer that trips its knock-out rule -> the knock-out
    fails: Callable[[Any], bool]  # Question.fails, for a question that is not a choice
    measure: Measure | None  # the question's compliance for its type (numbers, dates); None: the general rule


def steps(questionnaire: Questionnaire) -> tuple[Step, ...]:
    """The questionnaire's steps in order, built on first use and kept while the questionnaire is in use."""
    kept = _PLANS.get(id(questionnaire))
    if kept is not None and kept[0] is questionnaire:  # the same object: an id is only reused after it is freed
        return kept[1]
    if len(_PLANS) >= PLANS_KEPT:
        _PLANS.clear()
    built, previous = [], None
    for question, test, read in questionnaire.conditions:
        if test is not None and _repeats(question, previous):
            test = same_condition
        built.append(_step(question, test, read))
        previous = question
    found = tuple(built)
    _PLANS[id(questionnaire)] = (questionnaire, found)  # keeps the questionnaire alive, so its id stays unique
    return found


def same_condition(values: Mapping[str, Any]) -> bool:
    """A step's ``test`` when its question repeats the condition of the question just before (the engine keeps
    that answer rather than asking again; a run of questions shown under one condition is common)."""
    raise RuntimeError("a marker: the engine reuses the previous answer instead of calling it")


def _repeats(question: Question, previous: Question | None) -> bool:
    """Whether ``question``'s condition must give what ``previous``'s gave: the same text, and it does not read
    ``previous``'s answer, the only one added between the two evaluations."""
    if previous is None or previous.when is None or question.when is None:
        return False
    return question.when.source == previous.when.source and previous.id not in question.when.names()


_PLANS: dict[int, tuple[Questionnaire, tuple[Step, ...]]] = {}


def _step(question: Question, test: Callable[[Mapping[str, Any]], bool] | None, read: bool) -> Step:
    """One question's step (``test`` and ``read`` from Questionnaire.conditions)."""
    rated = question.domain not in PERFORMANCE_DOMAINS
    declared = SEVERITY_INDEX[question.severity]
    choices: dict[str, Outcome] | None = None
    failing: dict[str, KnockOut] = {}
    if question.type in CHOICES:  # what the engine's _compliance and severity_at give for each allowed answer
        choices = {}
        for choice in question.options:  # the first choice of a value counts, as in compliance_of_stored()
            if choice.value not in choices:
                severity = severity_at(declared, choice.score) if choice.score < 1 - 1e-9 else -1
                choices[choice.value] = ("scored", choice.score, severity)
        rule = question.knockout
        failing = {value: knockout_of(question, rule, value) for value in choices if rule and question.fails(value)}
    domain = sys.intern(question.domain)  # one object per domain name: the engine tells domains apart by identity
    return Step(
        question, question.id, test, read, question.evidence is not None, question.knockout, float(question.weight),
        domain, rated, rated and question.severity in MUST_PROVE and bool(question.proof_kinds),
        declared, question.id == BREACH_QUESTION, choices, ("unanswered", 0.0, declared), failing, _fails(question),
        _measure(question),
    )  # fmt: skip


def knockout_of(question: Question, rule: KnockOutRule, value: Any) -> KnockOut:
    """The knock-out an answer that fails the question's rule makes (a frozen value: one can serve every score)."""
    return KnockOut(question.id, question.text, question.display(value), rule.reason, question.controls, rule.kind)


def _measure(question: Question) -> Measure | None:
    """The engine's ``_compliance`` specialised to the question's type, for the types worth it (None: the rest)."""
    if question.type in NUMBERS:
        return _number(question)
    if question.type == "date":
        return _date(question)
    return None


def _date(question: Question) -> Measure:
    """A date question's compliance: as Question.stored and compliance_of_stored, parsing the date once."""
    max_age = question.max_age_days

    def measure(value: Any, profile: ScoringProfile, today: date) -> tuple[str, float]:
        if not isinstance(value, str):
            return "unanswered", 0.0
        try:
            day = date.fromisoformat(value)
        except ValueError:
            return "unanswered", 0.0
        if max_age is None:
            return "information", 0.0
        return "scored", 1.0 if ((today or date.today()) - day).days <= max_age else 0.0

    return measure


def _number(question: Question) -> Measure:
    """The engine's ``_compliance`` for a number or percentage, with the question's bounds and rule looked up
    once: (status, compliance as claimed) for a stored value and the profile's threshold overrides."""
    qid, rule, read = question.id, question.thresholds, _stored_number(question)
    poor, span = (rule.poor, rule.good - rule.poor) if rule is not None else (0.0, 1.0)
    low, high = question.bounds
    lowest, highest = -math.inf if low is None else low, math.inf if high is None else high

    def measure(value: Any, profile: ScoringProfile, today: date) -> tuple[str, float]:
        kind = value.__class__  # the usual plain int or float in bounds: _stored_number's shortcut, inline
        if (kind is int or kind is float) and -FLOAT_LIMIT < value < FLOAT_LIMIT and lowest <= value <= highest:
            number = int(value) if kind is float and value.is_integer() else value
        else:
            number = read(value)
            if number is None:
                return "unanswered", 0.0
        override = profile.thresholds.get(qid)
        if override is not None:
            return "scored", override.score(number)
        if rule is None:
            return "information", 0.0
        share = (number - poor) / span  # Thresholds.score: min(1.0, max(0.0, share)), without the two calls
        return "scored", (1.0 if share >= 1.0 else share) if share > 0.0 else 0.0

    return measure


def _fails(question: Question) -> Callable[[Any], bool]:
    """Question.fails for a question that is not a choice: a number's read through the shortcut below."""
    if question.knockout is None or question.type not in NUMBERS:
        return question.fails
    read, test = _stored_number(question), question.knockout.fail_if.test
    return lambda value: (number := read(value)) is not None and test({"answer": number})


def _stored_number(question: Question) -> Callable[[Any], int | float | None]:
    """Question.stored for a number or percentage, with a shortcut for the usual plain int or float in bounds
    (what stored_number does for them, without comparing with its Decimal limit); anything else goes through
    stored_number itself."""
    low, high = question.bounds
    lowest = -math.inf if low is None else low
    highest = math.inf if high is None else high

    def read(value: Any) -> int | float | None:
        kind = value.__class__
        if (kind is int or kind is float) and -FLOAT_LIMIT < value < FLOAT_LIMIT and lowest <= value <= highest:
            return int(value) if kind is float and value.is_integer() else value
        number = stored_number(value, low, high)  # text, a bool, NaN, out of bounds: mostly no answer
        return None if number is None else int(number) if number.is_integer() else number

    return read
