"""Answers as a spreadsheet (XLSX, for vendors who live in Excel) read back in; JSON is in ``answers_json``.

``workbook`` writes the file: a "Read me" sheet and an "Answers" sheet with the columns below. Import reads a
filled copy back into entries (in today's column order or the earlier one), reporting every bad cell by sheet,
row and column; if there is any problem nothing is returned, so nothing is applied. :func:`diff` says what
would change. No Flask: the web and the CLI both use it (the limits and :class:`SheetError` serve the JSON form
too). openpyxl is imported by the functions that need it, so an app process that never reads or writes a
workbook does not carry it (the server's resident memory is measured).
"""

from __future__ import annotations

import io
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from vendorcheck.assessments.answering import Entry
from vendorcheck.assessments.sheet import AnswerSheet
from vendorcheck.questionnaire.model import AnswerError, Question

SHEET = "Answers"
# What the vendor reads and fills first; then where the question sits and how to answer it.
COLUMNS = ("Question ID", "Question", "Answer", "Comment", "Not applicable", "Section", "Type", "Choices", "Help")
# The order exports had until November 2026: files sent out then are still read back by their own header.
LEGACY_COLUMNS = (
    "Question ID",
    "Section",
    "Question",
    "Type",
    "Choices",
    "Help",
    "Answer",
    "Comment",
    "Not applicable",
)
MAX_BYTES = 5 * 1024 * 1024
MAX_UNCOMPRESSED = 50 * 1024 * 1024
MAX_ROWS = 2000
MAX_SCAN_ROWS = 10 * MAX_ROWS  # rows read at most, blank ones included
READ_COLUMNS = 26  # A to Z: enough to point at values typed beside the columns, and no wider
TYPE_HINTS = {
    "yes_no": "Yes or No",
    "yes_no_partial": "Yes, Partly or No",
    "single_choice": "One of the choices",
    "multi_choice": "Choices separated by ;",
    "number": "A number",
    "percent": "A percentage, 0 to 100",
    "date": "A date, YYYY-MM-DD",
    "text": "Free text",
    "evidence": "Upload the document in vendorcheck",
}
NA_WORDS = {"yes", "y", "true", "1", "x", "n/a", "na"}


class SheetError(ValueError):
    """A file that cannot be imported; ``problems`` lists each bad cell (``Answers!G12: ...``)."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        super().__init__("; ".join(problems[:5]) + (f" (and {len(problems) - 5} more)" if len(problems) > 5 else ""))


@dataclass(frozen=True)
class Change:
    """One answer an import would change."""

    question_id: str
    text: str
    before: str
    after: str


# Export


def current_display(question: Question, answer_sheet: AnswerSheet) -> tuple[str, str, str]:
    """(answer, comment, "Yes" if not applicable) as the sheet's cells show the current answer."""
    answer = answer_sheet.answers.get(question.id)
    if answer is None:
        return "", "", ""
    valid = question.stored(answer.value) is not None  # a bad stored value exports blank, to be answered again
    value = "" if answer.not_applicable or not valid else question.display(answer.value)
    return value, answer.comment or "", "Yes" if answer.not_applicable else ""


# Import


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _raw_for(question: Question, text: str) -> str | list[str]:
    """Spreadsheet text to the raw form value: choice labels become values."""
    by_label = {c.label.casefold(): c.value for c in question.options}
    by_label.update({c.value.casefold(): c.value for c in question.options})
    if question.type == "multi_choice":
        parts = [p.strip() for p in text.replace("|", ";").split(";") if p.strip()]
        return [by_label.get(p.casefold(), p) for p in parts]
    if question.type in ("yes_no", "yes_no_partial", "single_choice"):
        return by_label.get(text.casefold(), text)
    return text


def read_xlsx(answer_sheet: AnswerSheet, data: bytes) -> dict[str, Entry]:
    """Entries from a filled workbook; :class:`SheetError` listing every bad cell if anything is wrong.

    The sheet is read row by row and the reading stops at the limits, so memory stays flat whatever the
    file claims: its own ``<dimension>`` (which may say ``A1:XFD1048576``) is ignored.
    """
    book = _open_workbook(data)
    reader = _AnswerRows(answer_sheet)
    try:
        if SHEET not in book.sheetnames:
            found = ", ".join(book.sheetnames)
            raise SheetError([f"The workbook has no sheet named {SHEET!r} (it has: {found})."])
        sheet = book[SHEET]
        sheet.reset_dimensions()
        try:
            for row, cells in enumerate(sheet.iter_rows(max_col=READ_COLUMNS), start=1):
                if row > MAX_SCAN_ROWS:
                    raise SheetError(
                        [f"{SHEET}: more than {MAX_SCAN_ROWS:,} rows; a questionnaire has {MAX_ROWS:,} at most."]
                    )
                reader.add(row, cells)
        except SheetError:
            raise
        except DAMAGED as error:
            raise SheetError(
                [f"{SHEET}!{reader.rows + 1}: this row cannot be read ({type(error).__name__}); the file is damaged."]
            ) from None
    finally:
        book.close()
    return reader.entries()


# What openpyxl and the XML and ZIP layers under it raise for a damaged sheet part met while reading rows:
# ParseError (a SyntaxError), bad cell values, a corrupt or truncated ZIP member.
DAMAGED = (SyntaxError, ValueError, TypeError, KeyError, OverflowError, EOFError, zipfile.BadZipFile, zlib.error)


def _open_workbook(data: bytes) -> Any:
    """The workbook opened read-only, after the size, expansion and macro checks."""
    from openpyxl import load_workbook

    if len(data) > MAX_BYTES:
        raise SheetError([f"The file is {len(data) / 1048576:.1f} MiB; a filled questionnaire is at most 5 MiB."])
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNCOMPRESSED:
                raise SheetError(["The workbook expands to more than 50 MiB; it is not a filled questionnaire."])
            if any(name.lower().endswith("vbaproject.bin") for name in archive.namelist()):
                raise SheetError(["The workbook contains macros; save it as a plain .xlsx workbook."])
        return load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except SheetError:
        raise
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        raise SheetError(
            ["This is not an .xlsx workbook. Export the questionnaire again and fill that file."]
        ) from None


class _AnswerRows:
    """Checks the Answers sheet one row at a time, collecting entries and every bad cell."""

    def __init__(self, answer_sheet: AnswerSheet) -> None:
        self.answer_sheet = answer_sheet
        self.rows = 0  # rows read so far, blank ones included
        self.filled = 0  # rows with anything in them
        self.problems: list[str] = []
        self._entries: dict[str, Entry] = {}
        self.columns = COLUMNS  # the layout the header row shows (today's or the legacy one)

    def add(self, row: int, cells: tuple[Any, ...]) -> None:
        """Read row number ``row``; raises SheetError at once for a bad header or too many rows."""
        self.rows = row
        values = [c.value for c in cells]
        if row == 1:
            self._header(values)
            return
        if not any(v not in (None, "") for v in values):
            return
        self.filled += 1
        if self.filled > MAX_ROWS:
            raise SheetError([f"{SHEET}: more than {MAX_ROWS} filled rows; a questionnaire has at most {MAX_ROWS}."])
        self._answer(row, cells, values)

    def entries(self) -> dict[str, Entry]:
        """The entries read, or SheetError listing every problem."""
        if self.rows == 0:
            raise SheetError([f"{SHEET}: the sheet is empty."])
        if self.problems:
            raise SheetError(self.problems)
        return self._entries

    def _header(self, values: list[Any]) -> None:
        from openpyxl.utils import get_column_letter

        header = [_cell_text(v) for v in values]
        while header and header[-1] == "":
            header.pop()
        problems = []
        if tuple(header[: len(LEGACY_COLUMNS)]) == LEGACY_COLUMNS:
            self.columns = LEGACY_COLUMNS
        elif tuple(header[: len(COLUMNS)]) != COLUMNS:
            problems.append(f"{SHEET}!1: the header row must be: {', '.join(COLUMNS)}.")
        for extra in range(len(COLUMNS), len(header)):
            problems.append(f"{SHEET}!{get_column_letter(extra + 1)}1: extra column {header[extra]!r}; remove it.")
        if problems:
            raise SheetError(problems)

    def _letter(self, column: str) -> str:
        """The letter of a column in the file's layout."""
        from openpyxl.utils import get_column_letter

        return get_column_letter(self.columns.index(column) + 1)

    def _answer(self, row: int, cells: tuple[Any, ...], values: list[Any]) -> None:
        from openpyxl.utils import get_column_letter

        problems = self.problems
        for cell in cells:
            if cell.data_type == "f":  # text that merely starts with "=" is text (exports write such text)
                problems.append(f"{SHEET}!{cell.coordinate}: formulas are not accepted; type the value itself.")
        for index in range(len(COLUMNS), len(values)):
            if values[index] not in (None, ""):
                problems.append(f"{SHEET}!{get_column_letter(index + 1)}{row}: a value outside the columns; remove it.")
        qid = _cell_text(values[0]) if values else ""
        try:
            question = self.answer_sheet.question(qid)
        except KeyError:
            problems.append(f"{SHEET}!A{row}: unknown question id {qid!r}.")
            return
        if qid in self._entries:
            problems.append(f"{SHEET}!A{row}: question {qid!r} appears twice.")
            return
        cell_of = {name: values[i] if i < len(values) else None for i, name in enumerate(self.columns)}
        answer = _cell_text(cell_of["Answer"])
        comment = _cell_text(cell_of["Comment"]) or None
        na = _cell_text(cell_of["Not applicable"]).casefold() in NA_WORDS
        if question.type == "evidence":
            if comment:
                self._entries[qid] = Entry(comment=comment)
            return
        if na and not question.na_allowed:
            problems.append(
                f"{SHEET}!{self._letter('Not applicable')}{row}: {qid} must be answered;"
                " it cannot be marked not applicable."
            )
            return
        raw = _raw_for(question, answer)
        try:
            question.parse(raw)
        except AnswerError as error:
            problems.append(f"{SHEET}!{self._letter('Answer')}{row}: {qid}: {error}")
            return
        self._entries[qid] = Entry(raw=raw, comment=comment, not_applicable=na)


def diff(answer_sheet: AnswerSheet, entries: Mapping[str, Entry]) -> list[Change]:
    """The answers these entries would change, in questionnaire order."""
    changes: list[Change] = []
    for question in answer_sheet.questions_in_order():
        entry = entries.get(question.id)
        if entry is None:
            continue
        before_value, before_comment, before_na = current_display(question, answer_sheet)
        if question.type == "evidence":
            after_value = before_value
        else:
            after_value = "" if entry.not_applicable else question.display(question.parse(entry.raw))
        after_comment = (entry.comment or "").strip()
        after_na = "Yes" if entry.not_applicable else ""
        if (before_value, before_comment, before_na) == (after_value, after_comment, after_na):
            continue
        changes.append(
            Change(
                question.id,
                question.text,
                _describe(before_value, before_comment, before_na),
                _describe(after_value, after_comment, after_na),
            )
        )
    return changes


def _describe(value: str, comment: str, na: str) -> str:
    text = "Not applicable" if na else (value or "(blank)")
    return f"{text} — comment: {comment}" if comment else text


def entries_to_payload(entries: Mapping[str, Entry]) -> dict[str, Any]:
    """Entries as plain data (to carry from a preview to its confirmation)."""
    return {qid: [e.raw, e.comment, e.not_applicable] for qid, e in entries.items()}


def entries_from_payload(payload: Mapping[str, Any]) -> dict[str, Entry]:
    """The entries :func:`entries_to_payload` carried."""
    return {qid: Entry(raw, comment, bool(na)) for qid, (raw, comment, na) in payload.items()}
