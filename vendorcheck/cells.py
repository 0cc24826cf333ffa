"""Every value the app exports to something a spreadsheet opens (CSV, XLSX), written as inert text. Pure.

A vendor's comment such as ``=HYPERLINK("https://evil.example", "Click")`` or ``=WEBSERVICE(...)`` would run
as a formula in the practice's Excel if written raw (CSV injection, OWASP). All exports go through here:

* CSV: :func:`csv_writer` prefixes a text field starting with ``= + - @``, tab or carriage return with an
  apostrophe, which spreadsheet programs read as "this is text" (numbers are left as numbers).
* XLSX: :func:`append_row` stores such a value as a string cell marked with Excel's quote prefix, never as a
  formula; the cell shows the text exactly, and reading the workbook back gives the same text, so the
  spreadsheet round trip keeps working.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import IO, Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def defuse(value: Any) -> Any:
    """``value`` as a CSV field a spreadsheet shows as text: risky text gets a leading apostrophe."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


class DefusedWriter:
    """A ``csv.writer`` whose every field passes through :func:`defuse`."""

    def __init__(self, stream: IO[str]) -> None:
        self._writer = csv.writer(stream)

    def writerow(self, row: Iterable[Any]) -> Any:
        """Write one row, each field defused."""
        return self._writer.writerow([defuse(value) for value in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        """Write every row, each field defused."""
        for row in rows:
            self.writerow(row)


def csv_writer(stream: IO[str]) -> DefusedWriter:
    """The only CSV writer exports use."""
    return DefusedWriter(stream)


# Characters an XLSX file cannot hold (XML 1.0 forbids the C0 controls but tab, newline and carriage return);
# openpyxl raises on them, which turned a vendor's pasted control character into a failed export.
NOT_IN_XLSX = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f]")
REPLACEMENT = "\ufffd"  # shown where such a character was, so the cell still says something was there


def xlsx_text(value: Any) -> Any:
    """``value`` as an XLSX cell can hold it: control characters XML forbids become U+FFFD."""
    if isinstance(value, str) and NOT_IN_XLSX.search(value):
        return NOT_IN_XLSX.sub(REPLACEMENT, value)
    return value


def append_row(sheet: Any, values: Iterable[Any]) -> None:
    """Append ``values`` to an openpyxl worksheet with no cell ever becoming a formula.

    openpyxl turns any string starting with ``=`` into a formula cell; such cells are switched back to
    text, and every text cell that a spreadsheet could read as a formula carries the quote prefix. Control
    characters an XLSX file cannot hold are replaced (:func:`xlsx_text`).
    """
    sheet.append([xlsx_text(value) for value in values])
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str) and (cell.data_type == "f" or cell.value.startswith(FORMULA_STARTS)):
            cell.data_type = "s"
            cell.quotePrefix = True
