"""The exported workbook as vendors see it: opened and printed by LibreOffice, and read back in either column order."""

import os
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from tests.helpers import run_cli
from vendorcheck.assessments import spreadsheet, workbook

VENDOR = "BlueHarbor Claims Co."


def _soffice() -> str:
    found = shutil.which("soffice")
    if found is None:
        pytest.fail("LibreOffice is missing: run scripts/setup-system (installs Debian's libreoffice-calc-nogui)")
    return found


def _export(demo_home: Path, tmp_path: Path) -> Path:
    out = tmp_path / "answers.xlsx"
    result = run_cli(demo_home, "answers", "export", VENDOR, "--out", str(out))
    assert result.exit_code == 0, result.output
    return out


def _pdf_pages(workbook: Path) -> list[str]:
    """The workbook printed to PDF by headless LibreOffice, as the text of each page."""
    profile = workbook.parent / "lo-profile"  # a profile of its own: parallel runs do not share a lock
    subprocess.run(
        [_soffice(), f"-env:UserInstallation=file://{profile}", "--headless", "--convert-to", "pdf",
         "--outdir", str(workbook.parent), str(workbook)],
        check=True, capture_output=True, timeout=120, env={**os.environ, "HOME": str(workbook.parent)},
    )  # fmt: skip
    pdf = workbook.with_suffix(".pdf")
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], check=True, capture_output=True, text=True).stdout
    return text.split("\f")[:-1]


def test_libreoffice_prints_the_read_me_then_questions_with_their_answers_beside_them(
    demo_home: Path, tmp_path: Path
) -> None:
    pages = _pdf_pages(_export(demo_home, tmp_path))
    assert "Fill in the Answer column" in pages[0] and "Question ID" not in pages[0]  # the read-me comes first
    assert "send" in pages[0] and "the file back." in pages[0]  # wrapped inside the page, not cut at its edge
    answers = pages[1:]
    assert 4 <= len(answers) <= 20, f"{len(answers)} pages: the printed columns should fit the page width"
    for page in answers:
        header = next(line for line in page.splitlines() if "Question ID" in line)
        positions = [header.index(word) for word in ("Question ID", "Question ", "Answer", "Comment")]
        assert positions == sorted(positions), header  # the header repeats on every page, answer columns first
        assert "Section" not in header and "Help" not in header  # only the columns a vendor fills are printed
    printed = "\n".join(answers)
    assert "Answer only if the answer to baa_breach_reporting is Yes." in printed  # conditions in words
    assert "==" not in printed and "only if:" not in printed
    assert "Choose: Yes / Partly / No" in printed


def test_numbers_and_dates_are_written_as_values_and_rows_fit_their_text(demo_home: Path, tmp_path: Path) -> None:
    book = openpyxl.load_workbook(_export(demo_home, tmp_path))
    assert book.sheetnames == ["Read me", "Answers"] and book.active.title == "Read me"
    sheet = book["Answers"]
    assert [cell.value for cell in sheet[1]] == list(spreadsheet.COLUMNS)
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    notice = rows["baa_breach_notice_days"][2]
    assert notice.value == 45 and notice.data_type == "n"  # not the text "45 days"
    assert rows["risk_analysis_date"][2].is_date
    assert sheet.freeze_panes == "C2" and sheet.print_title_rows == "$1:$1"
    assert sheet.page_setup.orientation == "landscape" and sheet.sheet_properties.pageSetUpPr.fitToPage
    for qid, row in rows.items():
        height = sheet.row_dimensions[row[0].row].height
        longest = max(len(str(cell.value or "")) for cell in row)
        assert height is not None and height >= workbook.LINE_POINTS, qid
        if longest > 200:
            assert height > 2 * workbook.LINE_POINTS, f"{qid}: {longest} characters in a {height} pt row"


def test_a_file_in_the_earlier_column_order_is_still_read_back(demo_home: Path, tmp_path: Path) -> None:
    """Workbooks sent to vendors before the columns moved keep working: the header says the order."""
    book = openpyxl.load_workbook(_export(demo_home, tmp_path))
    sheet = book["Answers"]
    legacy = openpyxl.Workbook()
    target = legacy.active
    target.title = "Answers"
    order = [spreadsheet.COLUMNS.index(name) for name in spreadsheet.LEGACY_COLUMNS]
    for row in sheet.iter_rows(values_only=True):
        target.append([row[index] for index in order])
    answer_column = spreadsheet.LEGACY_COLUMNS.index("Answer") + 1
    rows = {target.cell(r, 1).value: r for r in range(2, target.max_row + 1)}
    target.cell(rows["baa_breach_notice_days"], answer_column).value = 30
    target.cell(rows["baa_will_sign"], answer_column).value = "Perhaps"
    path = tmp_path / "legacy.xlsx"
    legacy.save(path)
    refused = run_cli(demo_home, "answers", "import", VENDOR, str(path), "--dry-run")
    assert refused.exit_code != 0
    assert f"Answers!G{rows['baa_will_sign']}: baa_will_sign: Choose one of: Yes, No." in refused.output
    target.cell(rows["baa_will_sign"], answer_column).value = "Yes"
    legacy.save(path)
    preview = run_cli(demo_home, "answers", "import", VENDOR, str(path), "--dry-run")
    assert preview.exit_code == 0, preview.output
    assert "baa_breach_notice_days" in preview.output and "30" in preview.output
