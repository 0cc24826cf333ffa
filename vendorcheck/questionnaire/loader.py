"""Load and validate questionnaire files: JSON Schema for shape, then the checks a schema cannot make.

Every problem names its file, the line where one is known, the question id and the field, so a person
editing YAML can go straight to it. Nothing invalid is ever returned as a :class:`Questionnaire`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import yaml
from jsonschema import Draft202012Validator

from vendorcheck.numbers import LIMIT as NUMBER_LIMIT
from vendorcheck.questionnaire.expressions import Compare, Expression, ExpressionError, Literal, Name, parse
from vendorcheck.questionnaire.model import (
    SCORED_TYPES,
    Choice,
    EvidenceRule,
    KnockOutRule,
    Question,
    Questionnaire,
    Section,
    Thresholds,
)

SCHEMA_FILE = "questionnaire.schema.json"
STRUCTURE = ("sections", "questions")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a questionnaire file."""

    file: str
    line: int | None
    question: str | None
    field: str | None
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        parts = [where, *(p for p in (self.question, self.field) if p), self.message]
        return ": ".join(parts)


class QuestionnaireError(ValueError):
    """A questionnaire (or a set of them) that must not be loaded; ``problems`` says everything wrong."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@cache
def _schema_validator(schema_path: Path) -> Draft202012Validator:
    schema = json.loads(schema_path.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


def content_hash(content: Mapping[str, Any]) -> str:
    """SHA-256 of the canonical JSON of a questionnaire's content: what an assessment pins."""
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


class _Lines:
    """Line numbers of every mapping key and list item in a YAML document, by path; duplicate keys too."""

    def __init__(self) -> None:
        self.by_path: dict[tuple[Any, ...], int] = {}
        self.duplicates: list[tuple[tuple[Any, ...], int]] = []

    def walk(self, node: yaml.Node, path: tuple[Any, ...] = ()) -> None:
        self.by_path.setdefault(path, node.start_mark.line + 1)
        if isinstance(node, yaml.MappingNode):
            seen: set[Any] = set()
            for key_node, value_node in node.value:
                key = key_node.value
                if key in seen:
                    self.duplicates.append(((*path, key), key_node.start_mark.line + 1))
                seen.add(key)
                self.by_path[(*path, key)] = key_node.start_mark.line + 1
                self.walk(value_node, (*path, key))
        elif isinstance(node, yaml.SequenceNode):
            for index, item in enumerate(node.value):
                self.walk(item, (*path, index))

    def line(self, path: Iterable[Any]) -> int | None:
        path = tuple(path)
        while path not in self.by_path and path:
            path = path[:-1]
        return self.by_path.get(path)


class _Checker:
    def __init__(self, source: str, data: Any, lines: _Lines) -> None:
        self.source = source
        self.data = data
        self.lines = lines
        self.problems: list[Problem] = []

    def add(self, path: tuple[Any, ...], field: str | None, message: str) -> None:
        self.problems.append(Problem(self.source, self.lines.line(path), self._question_at(path), field, message))

    def _question_at(self, path: tuple[Any, ...]) -> str | None:
        if len(path) >= 4 and path[0] == "sections" and path[2] == "questions":
            try:
                question = self.data["sections"][path[1]]["questions"][path[3]]
            except (KeyError, IndexError, TypeError):
                return None
            return question.get("id") if isinstance(question, dict) else None
        return None

    def schema(self, validator: Draft202012Validator) -> None:
        errors = sorted(validator.iter_errors(self.data), key=lambda e: [str(p) for p in e.absolute_path])
        for error in errors:
            path = tuple(error.absolute_path)
            field = next((p for p in reversed(path) if isinstance(p, str) and p not in STRUCTURE), None)
            if error.validator == "required":
                field = next(iter(set(error.validator_value) - set(error.instance)), field)
            self.add(path, field, _schema_message(error))

    def semantics(self) -> None:
        section_ids: set[str] = set()
        positions: dict[str, tuple[int, int]] = {}
        for s_index, section in enumerate(self.data["sections"]):
            if section["id"] in section_ids:
                self.add(("sections", s_index, "id"), "id", f"section id {section['id']!r} is used twice")
            section_ids.add(section["id"])
            for q_index, question in enumerate(section["questions"]):
                path = ("sections", s_index, "questions", q_index)
                if question["id"] in positions:
                    self.add((*path, "id"), "id", "this question id is used twice in the file")
                else:
                    positions[question["id"]] = (s_index, q_index)
        order = {qid: n for n, qid in enumerate(positions)}
        by_id = {q["id"]: q for s in self.data["sections"] for q in s["questions"]}
        for s_index, section in enumerate(self.data["sections"]):
            for q_index, question in enumerate(section["questions"]):
                self._question(("sections", s_index, "questions", q_index), question, order, by_id)

    def _question(
        self, path: tuple[Any, ...], question: dict[str, Any], order: dict[str, int], by_id: dict[str, Any]
    ) -> None:
        qid = question["id"]
        values = [c["value"] for c in question.get("choices", [])]
        if len(values) != len(set(values)):
            self.add((*path, "choices"), "choices", "two choices share a value")
        if question["type"] == "text" and question["weight"] != 0:
            self.add((*path, "weight"), "weight", "text answers are not scored: give this question weight 0")
        if question["type"] in ("number", "percent") and question["weight"] > 0 and "thresholds" not in question:
            self.add((*path, "thresholds"), "thresholds", "a scored number needs thresholds (good and poor)")
        low, high = question.get("min"), question.get("max")
        if question["type"] == "number" and high is None:
            self.add((*path, "type"), "max", "a number needs a max: the largest answer that could be true")
        for name, bound in (("min", low), ("max", high)):
            if bound is not None and not abs(bound) < NUMBER_LIMIT:  # NaN and infinity fail too
                self.add((*path, name), name, f"{name} must be below {NUMBER_LIMIT:,} in size")
        if low is not None and high is not None and low >= high:
            self.add((*path, "min"), "min", f"min ({low}) must be below max ({high})")
        thresholds = question.get("thresholds")
        if thresholds:
            good, poor = thresholds["good"], thresholds["poor"]
            if thresholds["direction"] == "higher_is_better" and not good > poor:
                self.add((*path, "thresholds"), "thresholds", "higher_is_better needs good above poor")
            if thresholds["direction"] == "lower_is_better" and not good < poor:
                self.add((*path, "thresholds"), "thresholds", "lower_is_better needs good below poor")
        critical = question.get("critical")
        if critical and not question.get("controls"):
            self.add((*path, "controls"), "controls", "a critical question must cite at least one control")
        if critical and question["type"] in ("text", "evidence"):
            self.add((*path, "critical"), "critical", f"a {question['type']} answer cannot fail a knock-out rule")
        scored = question["weight"] > 0 and question["type"] in (*SCORED_TYPES, "evidence")
        if scored and "severity" not in question:
            self.add((*path, "weight"), "severity", "a scored question needs a severity: critical, high, medium or low")
        if "contract_clause" in question and not scored:
            # the memo puts a clause in its conditions when the answer falls short, which only a scored answer can
            self.add((*path, "contract_clause"), "contract_clause", "only a scored question (weight above 0) needs one")
        if "when" in question:
            self._expression(path, "when", question["when"], qid, order, by_id, allow_answer=False)
        if critical:
            self._expression((*path, "critical"), "critical.fail_if", critical["fail_if"], qid, order, by_id, True)

    def _expression(
        self,
        path: tuple[Any, ...],
        field: str,
        source: str,
        qid: str,
        order: dict[str, int],
        by_id: dict[str, Any],
        allow_answer: bool,
    ) -> None:
        where = (*path, field.split(".")[-1])
        try:
            expression = parse(source)
        except ExpressionError as error:
            self.add(where, field, f"{error} in {source!r}")
            return
        for name in sorted(expression.names()):
            if name == "answer" and allow_answer:
                continue
            if name == qid:
                self.add(where, field, f"the condition names this question itself (a cycle): {source!r}")
            elif name not in order:
                self.add(where, field, f"names unknown question {name!r}")
            elif order[name] > order[qid]:
                cycle = _cycle(name, qid, by_id)
                message = (
                    f"conditions form a cycle: {' -> '.join(cycle)}"
                    if cycle
                    else f"names {name!r}, which comes later; a condition may only look at earlier answers"
                )
                self.add(where, field, message)
        for name, literal in _compared_literals(expression):
            target = by_id[qid] if name == "answer" else by_id.get(name)
            if target is None:
                continue
            known = _known_values(target)
            if known is not None:
                for value in literal if isinstance(literal, list) else [literal]:
                    if isinstance(value, str) and value not in known:
                        self.add(where, field, f"{value!r} is not a choice of {target['id']!r}")


def _known_values(question: Mapping[str, Any]) -> set[str] | None:
    kind = question["type"]
    if kind == "yes_no":
        return {"yes", "no"}
    if kind == "yes_no_partial":
        return {"yes", "partial", "no"}
    if kind in ("single_choice", "multi_choice"):
        return {c["value"] for c in question.get("choices", [])}
    return None


def _compared_literals(expression: Expression) -> list[tuple[str, Any]]:
    found: list[tuple[str, Any]] = []

    def walk(node: Any) -> None:
        if isinstance(node, Compare):
            for a, b in ((node.left, node.right), (node.right, node.left)):
                if isinstance(a, Name) and isinstance(b, Literal):
                    found.append((a.name, b.value))
        for child in getattr(node, "operands", ()) or ():
            walk(child)
        if hasattr(node, "operand"):
            walk(node.operand)

    walk(expression.tree)
    return found


def _cycle(start: str, goal: str, by_id: dict[str, Any]) -> list[str] | None:
    """A chain of ``when`` references from ``start`` back to ``goal``, if there is one."""
    stack: list[tuple[str, list[str]]] = [(start, [goal, start])]
    seen: set[str] = set()
    while stack:
        current, trail = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        source = by_id.get(current, {}).get("when")
        try:
            names = parse(source).names() if source else set()
        except ExpressionError:
            continue
        for name in names:
            if name == goal:
                return [*trail, goal]
            stack.append((name, [*trail, name]))
    return None


def _schema_message(error: Any) -> str:
    if error.validator == "required":
        return "is missing"
    if error.validator == "additionalProperties":
        unknown = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        return f"unknown field(s): {', '.join(map(str, unknown))}"
    if error.validator == "enum":
        return f"{error.instance!r} is not one of {', '.join(map(str, error.validator_value))}"
    if error.validator == "not":
        return "this field does not belong to a question of this type"
    if error.validator == "pattern":
        return f"{error.instance!r} does not have the expected form ({error.validator_value})"
    return error.message


def check_text(text: str, source: str, schema_path: Path) -> tuple[dict[str, Any] | None, list[Problem]]:
    """Parse and check one file's text: its data (if it parsed) and every problem found."""
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        return None, [Problem(source, line, None, None, f"not valid YAML: {getattr(error, 'problem', error)}")]
    lines = _Lines()
    if node is not None:
        lines.walk(node)
    checker = _Checker(source, data, lines)
    for path, line in lines.duplicates:
        checker.problems.append(Problem(source, line, checker._question_at(path), str(path[-1]), "key given twice"))
    if not isinstance(data, dict):
        checker.add((), None, "a questionnaire file must be a mapping with id, version, title and sections")
        return None, checker.problems
    checker.schema(_schema_validator(schema_path))
    if not checker.problems:
        checker.semantics()
    return data, checker.problems


def build(content: Mapping[str, Any]) -> Questionnaire:
    """The :class:`Questionnaire` for already validated content (a file's data, or a pinned version's)."""
    sections = []
    for section in content["sections"]:
        questions = []
        for q in section["questions"]:
            critical = q.get("critical")
            evidence = q.get("evidence")
            thresholds = q.get("thresholds")
            questions.append(
                Question(
                    id=q["id"],
                    text=q["text"].strip(),
                    help=q["help"].strip(),
                    type=q["type"],
                    domain=q["domain"],
                    weight=q["weight"],
                    controls=tuple(q.get("controls", ())),
                    section_id=section["id"],
                    knockout=KnockOutRule(
                        parse(critical["fail_if"]), critical["reason"].strip(), critical.get("kind", "critical")
                    )
                    if critical
                    else None,
                    severity=q.get("severity") or _default_severity(q),
                    proven_by=tuple(q.get("proven_by", ())),
                    evidence=EvidenceRule(
                        evidence["kind"],
                        evidence.get("required", False),
                        evidence.get("valid_days"),
                        evidence.get("description", "").strip(),
                    )
                    if evidence
                    else None,
                    when=parse(q["when"]) if q.get("when") else None,
                    na_allowed=q.get("na_allowed", False),
                    invert=q.get("invert", False),
                    choices=tuple(Choice(c["value"], c["label"], float(c["score"])) for c in q.get("choices", ())),
                    unit=q.get("unit"),
                    min=q.get("min"),
                    max=q.get("max"),
                    thresholds=Thresholds(thresholds["direction"], thresholds["good"], thresholds["poor"])
                    if thresholds
                    else None,
                    max_age_days=q.get("max_age_days"),
                    contract_clause=" ".join(q["contract_clause"].split()) if q.get("contract_clause") else None,
                )
            )
        sections.append(Section(section["id"], section["title"], section.get("intro", "").strip(), tuple(questions)))
    return Questionnaire(
        key=content["id"],
        version=content["version"],
        title=content["title"],
        description=content.get("description", "").strip(),
        sections=tuple(sections),
        content=content,
        content_hash=content_hash(content),
    )


def _default_severity(question: Mapping[str, Any]) -> str:
    """The severity of a question pinned before severities were declared (method 1 content): by its weight."""
    if question.get("critical"):
        return "critical"
    weight = question.get("weight", 0)
    return "high" if weight >= 5 else "medium" if weight >= 3 else "low"


def load_file(path: Path, schema_path: Path | None = None) -> Questionnaire:
    """One validated questionnaire file; raises :class:`QuestionnaireError` listing every problem."""
    schema_path = schema_path or path.parent / SCHEMA_FILE
    data, problems = check_text(path.read_text(encoding="utf-8"), str(path), _schema_for(schema_path))
    if problems or data is None:
        raise QuestionnaireError(problems)
    return build(data)


def _schema_for(schema_path: Path) -> Path:
    if schema_path.is_file():
        return schema_path
    from vendorcheck.resources import questionnaires_dir

    return questionnaires_dir() / SCHEMA_FILE


def validate_paths(paths: Iterable[Path]) -> tuple[dict[str, Questionnaire], list[Problem]]:
    """Check files (folders are searched for ``*.yaml``) alone and together: ids unique across them all."""
    files: list[Path] = []
    for path in paths:
        files.extend(sorted(path.glob("*.yaml")) if path.is_dir() else [path])
    loaded: dict[str, Questionnaire] = {}
    problems: list[Problem] = []
    owner: dict[str, str] = {}
    for file in files:
        if not file.is_file():
            problems.append(Problem(str(file), None, None, None, "no such file"))
            continue
        try:
            questionnaire = load_file(file)
        except QuestionnaireError as error:
            problems.extend(error.problems)
            continue
        if questionnaire.key in loaded:
            problems.append(Problem(str(file), 1, None, "id", f"questionnaire id {questionnaire.key!r} is used twice"))
            continue
        for question in questionnaire.questions:
            if question.id in owner:
                problems.append(
                    Problem(str(file), None, question.id, "id", f"question id also used in {owner[question.id]}")
                )
            owner.setdefault(question.id, str(file))
        loaded[questionnaire.key] = questionnaire
    return loaded, problems


def load_library(folder: Path) -> dict[str, Questionnaire]:
    """Every questionnaire in a folder, keyed by id; raises :class:`QuestionnaireError` if any is invalid."""
    loaded, problems = validate_paths([folder])
    if problems:
        raise QuestionnaireError(problems)
    return dict(sorted(loaded.items()))
