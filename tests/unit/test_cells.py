"""One neutralizing writer for every exported cell: formulas become inert text, numbers stay numbers."""

from __future__ import annotations

import io

import openpyxl

from vendorcheck.cells import append_row, csv_writer, defuse


def test_risky_text_is_prefixed_and_everything_else_kept() -> None:
    for risky in ("=1+1", "+1", "-2", "@SUM(A1)", "\tcmd", "\rcmd"):
        assert defuse(risky) == "'" + risky
    assert defuse("plain") == "plain" and defuse(-2) == -2 and defuse(None) is None


def test_the_csv_writer_defuses_every_field() -> None:
    buffer = io.StringIO()
    csv_writer(buffer).writerows([["=HYPERLINK(1)", 5, -3.5, "ok"], ["@x", None, "", "-y"]])
    assert buffer.getvalue().splitlines() == ["'=HYPERLINK(1),5,-3.5,ok", "'@x,,,'-y"]


def test_xlsx_rows_never_hold_formulas_yet_show_the_text_exactly() -> None:
    book = openpyxl.Workbook()
    append_row(book.active, ["=WEBSERVICE(1)", "-5 days", 7, "fine"])
    out = io.BytesIO()
    book.save(out)
    cells = next(openpyxl.load_workbook(io.BytesIO(out.getvalue())).active.iter_rows())
    assert [c.value for c in cells] == ["=WEBSERVICE(1)", "-5 days", 7, "fine"]
    assert [c.data_type for c in cells] == ["s", "s", "n", "s"]
    assert cells[0].quotePrefix and cells[1].quotePrefix and not cells[3].quotePrefix


def test_control_characters_a_workbook_cannot_hold_are_replaced_not_fatal() -> None:
    """A pasted control character in a vendor's comment made the whole XLSX export fail (found by the fuzz test)."""
    book = openpyxl.Workbook()
    append_row(book.active, ["a\x01b\x1f", "tab\tline\nbreak", "=\x00x"])
    out = io.BytesIO()
    book.save(out)
    cells = next(openpyxl.load_workbook(io.BytesIO(out.getvalue())).active.iter_rows())
    assert [c.value for c in cells] == ["a\ufffdb\ufffd", "tab\tline\nbreak", "=\ufffdx"]
    assert cells[2].quotePrefix  # still inert text
