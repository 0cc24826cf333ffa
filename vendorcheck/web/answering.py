"""What the vendor portal and the assessor's "enter on the vendor's behalf" page share: reading a section's form.

Request parsing and template data only; what shows, who may change what and what is saved is the service's
(:mod:`vendorcheck.assessments`).

Field names: ``q-<id>`` (the answer; repeated for multiple choice), ``c-<id>`` (comment), ``na-<id>`` (not
applicable), ``seen-<id>`` (what the page showed, so a save writes only what the person changed: see
``vendorcheck.assessments.answering``). Only the questions the post names are read: a question the page did not
show (a follow-up hidden when it was rendered) sends nothing and is left as it is, never cleared; the service
refuses anything for a question the answers hide.

A section page renders every question of its section, the hidden follow-ups as ``hidden`` disabled fieldsets, so
that the page's script can show them when a save (:func:`saved_json`, the autosave) says the answers now ask them.
"""

from __future__ import annotations

import re
from typing import Any

from flask import Response, flash, jsonify, request
from sqlalchemy.orm import Session
from werkzeug.datastructures import MultiDict

from vendorcheck import assessments as service
from vendorcheck.assessments import AnswerSheet, AssessmentError, Entry, SaveResult, Seen
from vendorcheck.audit import Actor
from vendorcheck.models import Evidence, EvidenceReview, utcnow
from vendorcheck.questionnaire.model import EVIDENCE_ANSWERS, Question, Section
from vendorcheck.web.forms import ActionForm

FIELD = re.compile(r"(?:q|c|na|seen)-(.+)", re.DOTALL)
NOT_IN_SECTION = "This question is not part of this section; nothing was saved for it."
NOT_IN_ASSESSMENT = "This question is not part of the assessment."
MAX_STRAYS = 10  # a hostile post naming thousands of fields gets a short answer


def entries_from_post(sheet: AnswerSheet, section: Section, posted: MultiDict[str, str]) -> dict[str, Entry]:
    """The entries a section's form posted: the questions the post names, so that the service refuses an answer to
    a hidden question out loud instead of it being dropped. A question the post does not name at all is left as
    it is: the page did not show it (an editable question always posts its ``seen`` token and comment), and
    reading its absence as "cleared" would erase an answer given elsewhere meanwhile. A question that asks for
    a document posts "later", "not_available" or "" (the file answers it); the file itself is uploaded apart."""
    entries: dict[str, Entry] = {}
    for question in section.questions:
        if not any(f"{prefix}-{question.id}" in posted for prefix in ("q", "c", "na", "seen")):
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


def stray_fields(sheet: AnswerSheet, section: Section, posted: MultiDict[str, str]) -> dict[str, str]:
    """Messages for answer fields the post names outside ``section``: another section's question (saved only from
    its own page) or one the assessment does not ask. The section's form never sends them; a script might."""
    mine = {q.id for q in section.questions}
    strays: dict[str, str] = {}
    for name in posted:
        found = FIELD.fullmatch(name)
        if found is None or found.group(1) in mine or found.group(1) in strays:
            continue
        qid = found.group(1)
        try:
            sheet.question(qid)
            strays[qid] = NOT_IN_SECTION
        except KeyError:
            strays[qid] = NOT_IN_ASSESSMENT
        if len(strays) >= MAX_STRAYS:
            break
    return strays


def autosave(session: Session, actor: Actor, sheet: AnswerSheet, number: int, on_behalf: bool) -> tuple[Response, int]:
    """The autosave of section ``number`` (the portal's and the assessor's "enter on behalf" page): the posted
    section saved through the same service and rules as the form's "Save draft", answered in JSON (200 saved, 400
    refusals by question, 404 no such section, 409 locked)."""
    current = sheet.section(number)
    if current is None:
        return jsonify(saved=False, message="There is no such section."), 404
    if not ActionForm().validate_on_submit():
        return jsonify(saved=False, message="The page expired. Reload it to go on; your last saved answers stay."), 400
    strays = stray_fields(sheet, current, request.form)
    try:
        entries = entries_from_post(sheet, current, request.form)
        result = service.save(session, actor, sheet, entries, on_behalf=on_behalf)
    except AssessmentError as error:
        session.rollback()
        return jsonify(saved=False, message=str(error)), 409
    session.commit()
    report = saved_json(sheet, current, result, strays)
    return jsonify(report), (400 if report["errors"] else 200)


def saved_json(sheet: AnswerSheet, section: Section, result: SaveResult, strays: dict[str, str]) -> dict[str, Any]:
    """What the autosave answers: the refusals by question id, each question's new ``seen`` token, which of the
    section's questions the answers now ask (follow-ups appear and go without a reload), and the progress."""
    errors = {**strays, **result.errors}
    shown = sheet.visible_ids()
    answered, asked = sheet.progress()
    follow_ups, _ = sheet.follow_ups()
    return {
        "saved": not errors,
        "changed": sorted(result.changed),
        "errors": errors,
        "texts": {qid: _text(sheet, qid) for qid in errors},
        "seen": {q.id: question_view(sheet, q)["seen"] for q in section.questions},
        "shown": [q.id for q in section.questions if q.id in shown],
        "answered": answered,
        "asked": asked,
        "follow_ups": follow_ups,
    }


def _text(sheet: AnswerSheet, qid: str) -> str:
    try:
        return sheet.question(qid).text
    except KeyError:
        return qid


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


def document_state(item: Evidence) -> str:
    """What the vendor is told of a document filed under a question: accepted, received (not yet reviewed),
    rejected (with the practice's reason, and a new one invited) or expired."""
    if item.review_state == EvidenceReview.REJECTED:
        return "rejected"
    if item.is_expired(utcnow().date()):
        return "expired"
    return "accepted" if item.review_state == EvidenceReview.ACCEPTED else "received"


def question_view(sheet: AnswerSheet, question: Question, shown: bool = True) -> dict[str, Any]:
    """Template data for one question: current value, comment, review state, its documents and whether the
    answers ask it now (``shown``; a hidden follow-up is rendered hidden, for the script to show)."""
    answer = sheet.answers.get(question.id)
    seen = Seen.of(answer.value, answer.not_applicable, answer.comment) if answer else Seen.of(None, False, None)
    documents = [(item, document_state(item)) for item in sheet.evidence.get(question.id, [])]
    return {
        "q": question,
        "shown": shown,
        "documents": documents,
        "has_document": any(state in ("accepted", "received") for _, state in documents),
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
    """Template data for ``portal/section.html``: section ``number``'s questions (those the answers hide marked
    so), refused entries kept."""
    questionnaire, section = sheet.sections[number - 1]
    shown = sheet.visible_ids()
    return {
        "number": number,
        "section": section,
        "questionnaire": questionnaire,
        "total_sections": len(sheet.sections),
        "rows": [question_view(sheet, q, q.id in shown) for q in section.questions],
        "errors": errors,
        "kept": kept_inputs(posted, errors),
        "affecting": sheet.affecting(),
        "editable": editable,
        "clarifying": sheet.under_clarification(),
    }
