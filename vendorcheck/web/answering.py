"""What the vendor portal and the assessor's "enter on the vendor's behalf" page share: reading a section's form.

Field names: ``q-<id>`` (the answer; repeated for multiple choice), ``c-<id>`` (comment), ``na-<id>`` (not
applicable). Only the questions shown on the page are read, so a hidden question is never changed by a post.
"""

from __future__ import annotations

from typing import Any

from werkzeug.datastructures import MultiDict

from vendorcheck.assessments import Entry, Form
from vendorcheck.questionnaire.model import Question, Section


def section_at(form: Form, number: int) -> Section | None:
    """The ``number``-th section (1-based) across the assessment's questionnaires."""
    sections = form.sections
    return sections[number - 1][1] if 1 <= number <= len(sections) else None


def entries_from_post(form: Form, section: Section, posted: MultiDict[str, str]) -> dict[str, Entry]:
    """The entries a section's form posted, for the questions it showed (evidence slots excluded)."""
    shown = {q.id for q in form.visible()}
    entries: dict[str, Entry] = {}
    for question in section.questions:
        if question.id not in shown or question.type == "evidence":
            continue
        raw: str | list[str] | None
        raw = posted.getlist(f"q-{question.id}") if question.type == "multi_choice" else posted.get(f"q-{question.id}")
        entries[question.id] = Entry(
            raw=raw,
            comment=posted.get(f"c-{question.id}"),
            not_applicable=posted.get(f"na-{question.id}") == "1",
        )
    return entries


def kept_inputs(posted: MultiDict[str, str] | None, errors: dict[str, str]) -> dict[str, Any]:
    """What the person typed for refused answers, so the page shows it again beside the message."""
    if posted is None:
        return {}
    kept: dict[str, Any] = {}
    for qid in errors:
        values = posted.getlist(f"q-{qid}")
        kept[qid] = values if len(values) != 1 else values[0]
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
    return {
        "q": question,
        "value": answer.value if answer else None,
        "comment": answer.comment if answer else None,
        "na": bool(answer and answer.not_applicable),
        "answer": answer,
        "evidence": form.evidence.get(question.id, []),
    }
