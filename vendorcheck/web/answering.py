"""What the vendor portal and the assessor's "enter on the vendor's behalf" page share: reading a section's form.

Request parsing and template data only; what shows, who may change what and what is saved is the service's
(:mod:`vendorcheck.assessments`).

Field names: ``q-<id>`` (the answer; repeated for multiple choice), ``c-<id>`` (comment), ``na-<id>`` (not
applicable), ``seen-<id>`` (what the page showed, so a save writes only what the person changed: see
``vendorcheck.assessments.answering``). Only the questions shown on the page are read; the service refuses anything
for a question the answers hide.
"""

from __future__ import annotations

from typing import Any

from flask import flash
from werkzeug.datastructures import MultiDict

from vendorcheck.assessments import AnswerSheet, Entry, Seen
from vendorcheck.questionnaire.model import EVIDENCE_ANSWERS, Question, Section


def entries_from_post(sheet: AnswerSheet, section: Section, posted: MultiDict[str, str]) -> dict[str, Entry]:
    """The entries a section's form posted: every question shown, and any other the post names, so that the
    service refuses an answer to a hidden question out loud instead of it being dropped. A question that asks for
    a document posts "later", "not_available" or "" (the file answers it); the file itself is uploaded apart."""
    shown = {q.id for q in sheet.visible()}
    entries: dict[str, Entry] = {}
    for question in section.questions:
        named = any(f"{prefix}-{question.id}" in posted for prefix in ("q", "c", "na"))
        if question.id not in shown and not named:
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


def flash_unshown(sheet: AnswerSheet, section: Section, errors: dict[str, str]) -> None:
    """Say what was refused for questions the page does not show (hidden ones), since no field carries it."""
    shown = {q.id for q in sheet.visible()}
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


def question_view(sheet: AnswerSheet, question: Question) -> dict[str, Any]:
    """Template data for one question: current value, comment, review state."""
    answer = sheet.answers.get(question.id)
    seen = Seen.of(answer.value, answer.not_applicable, answer.comment) if answer else Seen.of(None, False, None)
    return {
        "q": question,
        "value": answer.value if answer else None,
        "comment": answer.comment if answer else None,
        "na": bool(answer and answer.not_applicable),
        "answer": answer,
        "evidence": sheet.evidence.get(question.id, []),
        "evidence_answers": EVIDENCE_ANSWERS if question.type == "evidence" else (),
        "seen": seen.token,
    }


def section_context(
    sheet: AnswerSheet, number: int, errors: dict[str, str], posted: MultiDict[str, str] | None, editable: set[str]
) -> dict[str, Any]:
    """Template data for ``portal/section.html``: section ``number``'s visible questions, refused entries kept."""
    questionnaire, section = sheet.sections[number - 1]
    return {
        "number": number,
        "section": section,
        "questionnaire": questionnaire,
        "total_sections": len(sheet.sections),
        "rows": [question_view(sheet, q) for q in sheet.visible() if q.section_id == section.id],
        "errors": errors,
        "kept": kept_inputs(posted, errors),
        "affecting": sheet.affecting(),
        "editable": editable,
        "clarifying": sheet.under_clarification(),
    }
