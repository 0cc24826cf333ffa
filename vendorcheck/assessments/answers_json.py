"""Answers as JSON (format ``vendorcheck-answers/1``, documented in docs/cli.md), out and back in.

The same answers the spreadsheet carries, for scripts and for evidence packets; import reports every bad
entry by its path (``answers.<id>.value``) and returns nothing if there is any, so nothing is applied.
"""

from __future__ import annotations

import json
from typing import Any

from vendorcheck.assessments.answering import Entry
from vendorcheck.assessments.sheet import AnswerSheet
from vendorcheck.assessments.spreadsheet import MAX_BYTES, SheetError
from vendorcheck.questionnaire.model import AnswerError

JSON_FORMAT = "vendorcheck-answers/1"


def export_json(answer_sheet: AnswerSheet) -> dict[str, Any]:
    """The current answers as JSON-ready data (the format :func:`read_json` reads back)."""
    answers: dict[str, Any] = {}
    for question in answer_sheet.questions_in_order():
        answer = answer_sheet.answers.get(question.id)
        if answer is None:
            continue
        answers[question.id] = {
            "value": answer.value,
            "comment": answer.comment,
            "not_applicable": answer.not_applicable,
            "review_state": answer.review_state.value,
        }
    assessment = answer_sheet.assessment
    return {
        "format": JSON_FORMAT,
        "assessment": assessment.id,
        "vendor": assessment.vendor.name,
        "status": assessment.status.value,
        "questionnaires": [
            {"id": q.key, "version": q.version, "content_hash": q.content_hash} for q in answer_sheet.questionnaires
        ],
        "answers": answers,
    }


def read_json(answer_sheet: AnswerSheet, data: bytes) -> dict[str, Entry]:
    """Entries from the JSON form (``export_json``'s format); :class:`SheetError` on any problem."""
    if len(data) > MAX_BYTES:
        raise SheetError([f"The file is {len(data) / 1048576:.1f} MiB; an answers file is at most 5 MiB."])
    try:
        document = json.loads(data.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise SheetError([f"Not valid JSON: {error}."]) from None
    except RecursionError:
        raise SheetError(["Not an answers file: the JSON is nested far too deep."]) from None
    except ValueError:  # an integer of more than 4,300 digits (Python's int_max_str_digits)
        raise SheetError(["Not an answers file: it holds a number far too long to be an answer."]) from None
    if not isinstance(document, dict) or document.get("format") != JSON_FORMAT:
        raise SheetError([f'Not a vendorcheck answers file: "format" must be "{JSON_FORMAT}".'])
    answers = document.get("answers")
    if not isinstance(answers, dict):
        raise SheetError(['"answers" must be an object of question id to answer.'])
    problems: list[str] = []
    entries: dict[str, Entry] = {}
    for qid, item in answers.items():
        try:
            question = answer_sheet.question(qid)
        except KeyError:
            problems.append(f"answers.{qid}: unknown question id.")
            continue
        if not isinstance(item, dict):
            item = {"value": item}
        value = item.get("value")
        raw: str | list[str] | None
        if isinstance(value, list):
            raw = [str(v) for v in value]
        elif isinstance(value, bool):
            raw = "yes" if value else "no"
        else:
            raw = None if value is None else str(value)
        na = bool(item.get("not_applicable", False))
        if na and not question.na_allowed:
            problems.append(f"answers.{qid}.not_applicable: this question must be answered.")
            continue
        if question.type != "evidence":
            try:
                question.parse(raw)
            except AnswerError as error:
                problems.append(f"answers.{qid}.value: {error}")
                continue
        comment = item.get("comment")
        entries[qid] = Entry(raw=raw, comment=str(comment) if comment else None, not_applicable=na)
    if problems:
        raise SheetError(problems)
    return entries
