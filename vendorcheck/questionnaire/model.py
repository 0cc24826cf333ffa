"""A loaded questionnaire: sections and questions, how each type of answer is read and how much it complies.

Built only by :mod:`vendorcheck.questionnaire.loader`, which validates first, so every object here is
consistent: ids are unique, conditions parse and name earlier questions, choices exist.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property
from typing import Any

from vendorcheck.numbers import NumberError, parse_number, stored_number
from vendorcheck.questionnaire.expressions import Expression

YES_NO = (("yes", "Yes", 1.0), ("no", "No", 0.0))
YES_NO_PARTIAL = (("yes", "Yes", 1.0), ("partial", "Partly", 0.5), ("no", "No", 0.0))
MAX_TEXT = 5000
INVALID_STORED = "(not a valid answer: please answer again)"
SCORED_TYPES = frozenset({"yes_no", "yes_no_partial", "single_choice", "multi_choice", "number", "percent", "date"})
# How bad a failed answer is, least to worst (a partial answer counts one step milder: see docs/scoring.md).
SEVERITIES = ("low", "medium", "high", "critical")
# Knock-out rules: "disqualifying" (the law or a legal bar: do not use) and "critical" (at least High).
KNOCKOUT_KINDS = ("disqualifying", "critical")
# What a vendor may answer to a question that asks for a document it has not filed: the question is then
# answered (the assessment can be submitted) and counts as an unproven gap.
EVIDENCE_ANSWERS = (("later", "We will send it later"), ("not_available", "Not available"))


class AnswerError(ValueError):
    """An answer that does not fit its question; the message is meant for the person who typed it."""


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    score: float


@dataclass(frozen=True)
class Thresholds:
    direction: str  # higher_is_better | lower_is_better
    good: float
    poor: float

    def score(self, number: float) -> float:
        """1 at or beyond ``good``, 0 at or beyond ``poor``, linear in between."""
        span = self.good - self.poor
        return min(1.0, max(0.0, (number - self.poor) / span))


@dataclass(frozen=True)
class EvidenceRule:
    kind: str
    required: bool = False
    valid_days: int | None = None
    description: str = ""

    def expires(self, issued: date | None) -> date | None:
        """When a document issued on ``issued`` stops counting as proof (None if either is unknown)."""
        if not (issued and self.valid_days):
            return None
        try:
            return issued + timedelta(days=self.valid_days)
        except OverflowError:  # valid beyond the calendar's last day: it never expires
            return date.max


@dataclass(frozen=True)
class KnockOutRule:
    """A must-have control: an answer for which ``fail_if`` holds fails it, whatever the average says."""

    fail_if: Expression
    reason: str
    kind: str = "critical"  # disqualifying | critical (KNOCKOUT_KINDS)

    @property
    def disqualifying(self) -> bool:
        return self.kind == "disqualifying"


@dataclass(frozen=True)
class Question:
    id: str
    text: str
    help: str
    type: str
    domain: str
    weight: int
    controls: tuple[str, ...]
    section_id: str
    knockout: KnockOutRule | None = None
    evidence: EvidenceRule | None = None
    severity: str = "medium"  # of the finding a failed answer makes (SEVERITIES)
    proven_by: tuple[str, ...] = ()  # document kinds that prove this answer besides its own evidence slot
    when: Expression | None = None
    na_allowed: bool = False
    invert: bool = False
    choices: tuple[Choice, ...] = ()
    unit: str | None = None
    min: float | None = None
    max: float | None = None
    thresholds: Thresholds | None = None
    max_age_days: int | None = None
    contract_clause: str | None = None  # what to write into the contract when the answer falls short

    @property
    def critical(self) -> KnockOutRule | None:
        """The knock-out rule under its older name (kept for callers not yet moved to ``knockout``)."""
        return self.knockout

    @cached_property
    def proof_kinds(self) -> frozenset[str]:
        """Every document kind that proves this answer: its own evidence slot's kind and ``proven_by``."""
        own = (self.evidence.kind,) if self.evidence is not None else ()
        return frozenset(own + self.proven_by)

    @cached_property
    def options(self) -> tuple[Choice, ...]:
        """The choices a person picks from: the file's, or the implicit yes/no(/partly) ones."""
        if self.type == "yes_no":
            return tuple(Choice(v, label, _flip(score, self.invert)) for v, label, score in YES_NO)
        if self.type == "yes_no_partial":
            return tuple(Choice(v, label, _flip(score, self.invert)) for v, label, score in YES_NO_PARTIAL)
        return self.choices

    @cached_property
    def _option_values(self) -> frozenset[str]:
        return frozenset(c.value for c in self.options)

    def label_of(self, value: str) -> str:
        for choice in self.options:
            if choice.value == value:
                return choice.label
        return value

    def parse(self, raw: str | Sequence[str] | None) -> Any:
        """The stored value for what someone typed or picked; ``None`` when left blank.

        Raises :class:`AnswerError` with a message fit to show beside the field.
        """
        if self.type == "multi_choice":
            picked = [raw] if isinstance(raw, str) else list(raw or [])
            picked = [p.strip() for p in picked if p and p.strip()]
            known = {c.value for c in self.choices}
            for value in picked:
                if value not in known:
                    raise AnswerError(f"“{value}” is not one of the choices.")
            ordered = [c.value for c in self.choices if c.value in picked]
            return ordered or None
        if raw is not None and not isinstance(raw, str):
            raw = raw[0] if raw else None
        text = (raw or "").strip()
        if not text:
            return None
        if self.type in ("yes_no", "yes_no_partial", "single_choice"):
            value = text.lower() if self.type != "single_choice" else text
            if value not in {c.value for c in self.options}:
                allowed = ", ".join(c.label for c in self.options)
                raise AnswerError(f"Choose one of: {allowed}.")
            return value
        if self.type in ("number", "percent"):
            return self._parse_number(text)
        if self.type == "date":
            try:
                return date.fromisoformat(text).isoformat()
            except ValueError:
                raise AnswerError("Enter a date as YYYY-MM-DD, for example 2026-06-30.") from None
        if self.type == "text":
            if len(text) > MAX_TEXT:
                raise AnswerError(f"Keep this under {MAX_TEXT:,} characters (it has {len(text):,}).")
            return text
        if text in dict(EVIDENCE_ANSWERS):  # an evidence question: "later" or "not available" instead of a file
            return text
        allowed = " or ".join(f"“{label}”" for _, label in EVIDENCE_ANSWERS)
        raise AnswerError(f"Upload the document, or answer {allowed}.")

    def is_answered(self, value: Any, has_document: bool = False) -> bool:
        """Whether an answer (and, for an evidence question, a filed document) counts as answered for submitting.

        An evidence question is answered by a document, or by "will send later" / "not available": the vendor
        can submit without every file, and the missing document counts as an unproven gap in the score.
        """
        if self.type == "evidence" and has_document:
            return True
        return self.stored(value) is not None

    def _parse_number(self, text: str) -> int | float:
        cleaned = text.replace(",", "").replace("$", "").replace("%", "").strip()
        if self.unit:
            cleaned = re.sub(rf"\s*{re.escape(self.unit)}$", "", cleaned, flags=re.IGNORECASE)
        try:
            return parse_number(cleaned, *self.bounds)
        except NumberError as error:
            raise AnswerError(str(error)) from None

    @property
    def bounds(self) -> tuple[float | None, float | None]:
        """The lowest and highest number this question takes (a percentage is 0 to 100 unless it says otherwise)."""
        if self.type == "percent":
            return (0 if self.min is None else self.min, 100 if self.max is None else self.max)
        return self.min, self.max

    def stored(self, value: Any) -> Any:
        """A value read back from storage if it is one this question could accept today, else ``None``.

        Older code stored numbers of any size (even infinity); such a value reads as "no valid answer" so
        that scoring and display never break on it, and the person can simply answer again.
        """
        if value is None:
            return None
        if self.type in ("number", "percent"):
            number = stored_number(value, *self.bounds)
            return None if number is None else int(number) if number.is_integer() else number
        if self.type == "multi_choice":
            known = self._option_values
            ok = isinstance(value, list) and value and all(isinstance(v, str) and v in known for v in value)
            return value if ok else None
        if self.type in ("yes_no", "yes_no_partial", "single_choice"):
            return value if isinstance(value, str) and value in self._option_values else None
        if self.type == "date":
            try:
                return date.fromisoformat(value).isoformat() if isinstance(value, str) else None
            except ValueError:
                return None
        if self.type == "evidence":
            return value if isinstance(value, str) and value in dict(EVIDENCE_ANSWERS) else None
        return value if isinstance(value, str) else None

    def display(self, value: Any) -> str:
        """How an answer reads on a page or in a spreadsheet."""
        if value is None:
            return ""
        value = self.stored(value)
        if value is None:
            return INVALID_STORED
        if self.type == "multi_choice":
            return "; ".join(self.label_of(v) for v in value)
        if self.type in ("yes_no", "yes_no_partial", "single_choice"):
            return self.label_of(value)
        if self.type == "evidence":
            return dict(EVIDENCE_ANSWERS)[value]
        if self.type == "percent":
            return f"{_plain(value)}%"
        if self.type == "number":
            return f"{_plain(value)} {self.unit}".strip() if self.unit else _plain(value)
        return str(value)

    def compliance(self, value: Any, today: date | None = None) -> float | None:
        """How far an answer meets the bar, 0..1; ``None`` when it is not scored (text, blank, no rule)."""
        return self.compliance_of_stored(self.stored(value), today)

    def compliance_of_stored(self, value: Any, today: date | None = None) -> float | None:
        """:meth:`compliance` of a value already read through :meth:`stored` (the scoring's hot loop)."""
        if value is None or self.type not in SCORED_TYPES:
            return None
        if self.type == "multi_choice":
            scores = [c.score for c in self.choices if c.value in value]
            return min(scores) if scores else None
        if self.type in ("yes_no", "yes_no_partial", "single_choice"):
            for choice in self.options:
                if choice.value == value:
                    return choice.score
            return None
        if self.type in ("number", "percent"):
            return self.thresholds.score(value) if self.thresholds else None
        if self.max_age_days is None:
            return None
        age = ((today or date.today()) - date.fromisoformat(value)).days
        return 1.0 if age <= self.max_age_days else 0.0

    def fails(self, value: Any) -> bool:
        """True when the answer trips this question's knock-out rule."""
        if self.knockout is None:
            return False
        value = self.stored(value)
        return self.knockout is not None and value is not None and self.knockout.fail_if.evaluate({"answer": value})


@dataclass(frozen=True)
class Section:
    id: str
    title: str
    intro: str
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Questionnaire:
    key: str
    version: str
    title: str
    description: str
    sections: tuple[Section, ...]
    content: Mapping[str, Any]  # the validated file, as data: what an assessment pins
    content_hash: str
    _by_id: dict[str, Question] = field(default_factory=dict, repr=False, compare=False)

    def __post_init__(self) -> None:
        self._by_id.update({q.id: q for s in self.sections for q in s.questions})

    @property
    def questions(self) -> list[Question]:
        return list(self.ordered)

    @cached_property
    def ordered(self) -> tuple[Question, ...]:
        """Every question in the order asked (computed once: a questionnaire never changes)."""
        return tuple(q for s in self.sections for q in s.questions)

    @cached_property
    def conditions(self) -> tuple[tuple[Question, Callable[[Mapping[str, Any]], bool] | None, bool], ...]:
        """Per question in order: its compiled ``when`` (None when always asked) and whether a condition reads
        its answer. What :meth:`visible` walks, and the scoring engine too (vendorcheck.scoring.plan)."""
        read = {name for q in self.ordered if q.when is not None for name in q.when.names()}
        return tuple((q, q.when.test if q.when is not None else None, q.id in read) for q in self.ordered)

    def question(self, question_id: str) -> Question:
        return self._by_id[question_id]

    @property
    def by_id(self) -> Mapping[str, Question]:
        """Every question, by id."""
        return self._by_id

    def __contains__(self, question_id: object) -> bool:
        return question_id in self._by_id

    def visible(self, answers: Mapping[str, Any]) -> list[Question]:
        """The questions asked given these answers, in order; a hidden question counts as unanswered."""
        seen: dict[str, Any] = {}  # the answers of the questions shown so far that some condition reads
        shown: list[Question] = []
        for question, test, read in self.conditions:
            if test is None or test(seen):
                shown.append(question)
                if read:
                    seen[question.id] = answers.get(question.id)
        return shown


def _flip(score: float, invert: bool) -> float:
    return 1.0 - score if invert else score


def _plain(number: float) -> str:
    return f"{number:,.0f}" if float(number).is_integer() else f"{number:,}"
