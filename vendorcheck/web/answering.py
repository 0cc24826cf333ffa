"""What the vendor portal and the assessor's "enter on the vendor's behalf" page share: reading a section's form.

Field names: ``q-<id>`` (the answer; repeated for multiple choice), ``c-<id>`` (comment), ``na-<id>`` (not
applicable), ``seen-<id>`` (what the page showed, so a save writes only what the person changed: see
``vendorcheck.edit_conflicts``). Only the questions shown on the page are read; the service refuses anything
for a question the answers hide.
"""

from __future__ import annotations

from typing import Any

from flask import flash
from werkzeug.datastructures import MultiDict

from vendorcheck.assessments import Entry, Form
from vendorcheck.edit_conflicts import Seen
from vendorcheck.questionnaire.model import Question, Section


def section_at(form: Form, number: int) -> Section | None:
    """The ``number``-th section (1-based) across the assessment's questionnaires."""
    sections = form.sections
    return sections[number - 1][1] if 1 <= number <= len(sections) else None


def entries_from_post(form: Form, section: Section, posted: MultiDict[str, str]) -> dict[str, Entry]:
    """The entries a section's form posted (evidence slots excluded): every question shown, and any other the post
    names, so that the service refuses an answer to a hidden question out loud instead of it being dropped."""
    shown = {q.id for q in form.visible()}
    entries: dict[str, Entry] = {}
    for question in section.questions:
        named = any(f"{prefix}-{question.id}" in posted for prefix in ("q", "c", "na"))
        if (question.id not in shown and not named) or question.type == "evidence":
            continue
        raw: str | list[str] | None
        raw = posted.getlist(f"q-{question.id}") if question.type == "multi_choice" else posted.get(f"q-{question.id}")
        entries[question.id] = Entry(
            raw=raw,
            comment=posted.get(f"c-{question.id}"),
            not_applicable=posted.get(f"na-{question.id}") == "1",
            seen=Seen.parse(posted.get(f"seen-{question.id}")),
        )
    return entries


def flash_unshown(form: Form, section: Section, errors: dict[str, str]) -> None:
    """Say what was refused for questions the page does not show (hidden ones), since no field carries it."""
    shown = {q.id for q in form.visible()}
    for question in section.questions:
        if question.id in errors and question.id not in shown:
            flash(f"“{question.text}”: {errors[question.id]}", "error")


def kept_inputs(posted: MultiDict[str, str] | None, errors: dict[str, str]) -> dict[str, Any]:
    """What the person typed for refused answers (answer ``<id>``, ``c-<id>``, ``na-<id>``), shown again."""
    if posted is None:
        return {}
    kept: dict[str, Any] = {}
    for qid in errors:
        values = posted.getlist(f"q-{qid}")
        kept[qid] = values if len(values) != 1 else values[0]
        kept[f"c-{qid}"] = posted.get(f"c-{qid}", "")
        kept[f"na-{qid}"] = posted.get(f"na-{qid}") == "1"
    return kept


def affecting(form: Form) -> set[str]:
    """Ids of questions other questions' conditions look at: changing them may show or hide questions."""
    names: set[str] = set()
    for questionnaire in form.questionnaires:
        for question in questionnaire.questions:
            if question.when is not None:
                names |= question.when.names()
    return names


def question_view(form: Form, question: Question) -> dict[str, Any]:
    """Template data for one question: current value, comment, review state."""
    answer = form.answers.get(question.id)
    seen = Seen.of(answer.value, answer.not_applicable, answer.comment) if answer else Seen.of(None, False, None)
    return {
        "q": question,
        "value": answer.value if answer else None,
        "comment": answer.comment if answer else None,
        "na": bool(answer and answer.not_applicable),
        "answer": answer,
        "evidence": form.evidence.get(question.id, []),
        "seen": seen.token,
    }
