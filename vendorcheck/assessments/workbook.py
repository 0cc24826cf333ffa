"""The questionnaire workbook a vendor fills in: layout, print set-up and read-me (reading it back: ``spreadsheet``).

Laid out for the person filling and printing it: the answer columns beside the question, whose cell says the
choices and, for a follow-up, when to answer it in words; rows tall enough for their wrapped text (spreadsheets
do not grow rows on open); a landscape print of the answer columns fitted to the page width. No Flask;
openpyxl is imported when a workbook is written.
"""

from __future__ import annotations

import io
from datetime import date
from typing import Any

from vendorcheck.assessments.sheet import AnswerSheet
from vendorcheck.assessments.spreadsheet import COLUMNS, SHEET, TYPE_HINTS, current_display
from vendorcheck.cells import append_row
from vendorcheck.questionnaire.expressions import in_words
from vendorcheck.questionnaire.model import Question

WIDTHS = (22, 60, 26, 36, 10, 28, 22, 30, 50)  # characters, one per column of COLUMNS
PRINTED = "A:E"  # printed columns: the question (with its choices and condition), the answer, comment and N/A
LINE_POINTS = 15  # one line of 11 pt text
MAX_ROW_POINTS = 409  # the tallest row a spreadsheet allows
README_WIDTH = 72  # characters: fits a portrait page


def export_xlsx(answer_sheet: AnswerSheet, with_answers: bool = True) -> bytes:
    """The assessment's questions (and current answers) as an XLSX workbook, ready to fill, read and print.

    A "Read me" sheet comes first; the "Answers" sheet has a row per question with the answer columns next to
    the question, rows tall enough for their wrapped text, a frozen header and a landscape print set-up that
    fits the printed columns to the page width. Numbers, percentages and dates are written as such.
    """
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    book = Workbook()
    _read_me(book.active, answer_sheet)
    sheet = book.create_sheet(SHEET)
    append_row(sheet, COLUMNS)
    for cell in sheet[1]:
        cell.font = Font(bold=True, color="FFFFFF")
        cell.fill = PatternFill("solid", fgColor="1F4E79")
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    sheet.row_dimensions[1].height = 2 * LINE_POINTS  # "Not applicable" wraps in its narrow column
    wrap = Alignment(wrap_text=True, vertical="top")
    for questionnaire, section in answer_sheet.sections:
        for question in section.questions:
            value, comment, na = _current_cells(question, answer_sheet) if with_answers else ("", "", "")
            cells = [
                question.id,
                _question_text(question, answer_sheet),
                value,
                comment,
                na,
                f"{questionnaire.title}: {section.title}",
                TYPE_HINTS[question.type],
                " | ".join(c.label for c in question.options),
                question.help,
            ]
            append_row(sheet, cells)
            row = sheet.max_row
            for column in range(1, len(COLUMNS) + 1):
                sheet.cell(row, column).alignment = wrap
            _typed_answer_cell(sheet.cell(row, 3), question)
            sheet.row_dimensions[row].height = _row_height(cells)
    for column, width in enumerate(WIDTHS, start=1):
        sheet.column_dimensions[get_column_letter(column)].width = width
    sheet.freeze_panes = "C2"
    _print_setup(sheet)
    book.active = 0
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _current_cells(question: Question, answer_sheet: AnswerSheet) -> tuple[Any, str, str]:
    """The current answer as cells: numbers, percentages and dates as values of their type, the rest as text."""
    value, comment, na = current_display(question, answer_sheet)
    answer = answer_sheet.answers.get(question.id)
    if value and answer is not None and question.type in ("number", "percent", "date"):
        stored = question.stored(answer.value)
        if question.type == "date" and isinstance(stored, str):
            return date.fromisoformat(stored), comment, na
        if isinstance(stored, int | float):
            return stored, comment, na
    return value, comment, na


def _question_text(question: Question, answer_sheet: AnswerSheet) -> str:
    """The question as the vendor reads it: its text, the choices to type and when it is asked."""
    lines = [question.text]
    if question.options:
        lines.append("Choose: " + " / ".join(c.label for c in question.options))
    elif question.type in ("number", "percent"):
        lines.append(f"Type a number{f' ({question.unit})' if question.unit else ''}, digits only.")
    if question.when is not None:
        lines.append(f"Answer only if {condition_in_words(question, answer_sheet)}.")
    return "\n".join(lines)


def condition_in_words(question: Question, answer_sheet: AnswerSheet) -> str:
    """When ``question`` is asked, as a sentence naming the other questions by id and their choices by label."""
    assert question.when is not None

    def label(qid: str, value: Any) -> str:
        try:
            other = answer_sheet.question(qid)
        except KeyError:
            return str(value)
        if other.options and isinstance(value, str):
            return other.label_of(value)
        return str(value)

    return in_words(question.when, lambda qid: f"the answer to {qid}", label)


def _typed_answer_cell(cell: Any, question: Question) -> None:
    """Formats and a drop-down list on the answer cell of ``question``."""
    if question.type == "date":
        cell.number_format = "yyyy-mm-dd"
    elif question.type in ("number", "percent"):
        cell.number_format = "General"
    if question.type in ("yes_no", "yes_no_partial", "single_choice"):
        from openpyxl.worksheet.datavalidation import DataValidation

        labels = ",".join(c.label.replace(",", " ") for c in question.options)
        if len(labels) < 250:
            check = DataValidation(type="list", formula1=f'"{labels}"', allow_blank=True)
            cell.parent.add_data_validation(check)
            check.add(cell)


def _row_height(cells: list[Any]) -> float:
    """Points for a row tall enough to show every wrapped cell in full (spreadsheets do not grow rows on open)."""
    lines = 1
    for value, width in zip(cells, WIDTHS, strict=True):
        text = str(value) if value is not None else ""
        # Wrapped text fits about one character per unit of width; each paragraph starts a line.
        needed = sum(max(1, -(-len(part) // max(1, width - 2))) for part in text.split("\n"))
        lines = max(lines, needed)
    return float(min(MAX_ROW_POINTS, lines * LINE_POINTS + 3))


def _print_setup(sheet: Any) -> None:
    """Landscape, the printed columns fitted to the page width, the header repeated on every page."""
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_LETTER
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0  # as many pages tall as needed
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_title_rows = "1:1"
    sheet.print_area = f"{PRINTED.split(':')[0]}1:{PRINTED.split(':')[1]}{sheet.max_row}"
    sheet.page_margins.left = sheet.page_margins.right = 0.4
    sheet.page_margins.top = sheet.page_margins.bottom = 0.5
    sheet.oddFooter.center.text = "Page &P of &N"


def _read_me(readme: Any, answer_sheet: AnswerSheet) -> None:
    """The first sheet: how to fill the Answers sheet and send it back."""
    from openpyxl.styles import Alignment, Font

    readme.title = "Read me"
    assessment = answer_sheet.assessment
    for line in (
        [f"Questionnaire for {assessment.vendor.name}: {assessment.title}"],
        [],
        ["Fill in the Answer column (and Comment where useful) on the Answers sheet, then send the file back."],
        ["Each question says the choices to type and, for a follow-up question, when to answer it."],
        ["Do not add, remove or reorder columns, and do not type formulas: such files are refused."],
        ["Choice questions: type one of the listed choices. Several choices: separate them with ;"],
        ["Dates: YYYY-MM-DD. Numbers and percentages: digits only (12.5, not 'about 12')."],
        ["Not applicable: write Yes in that column, only where the question allows it."],
        ["Documents (type 'Upload the document'): upload them through your vendorcheck link."],
        [],
        ["Questionnaire versions (content hash):"],
        *([f"{q.key} version {q.version}: {q.content_hash}"] for q in answer_sheet.questionnaires),
    ):
        append_row(readme, line)
    readme["A1"].font = Font(bold=True, size=13)
    readme.column_dimensions["A"].width = README_WIDTH
    for (cell,) in readme.iter_rows(min_row=1, max_col=1):
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        lines = -(-len(str(cell.value or "")) // (README_WIDTH - 8))
        readme.row_dimensions[cell.row].height = max(1, lines) * (LINE_POINTS + 3 if cell.row == 1 else LINE_POINTS)
