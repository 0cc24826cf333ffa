"""Small public-list files in the real formats, for the demo (and the tests and benchmark that reuse the
writers): an OIG LEIE ``UPDATED.csv`` on which a BlueHarbor principal is planted, and an HHS OCR breach portal
export in which a client's report names Summit Revenue Partners as its billing company.

The writers produce the exact layouts of docs/screening.md; the demo imports their output through the same
service a user's download goes through.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

from vendorcheck.screening.formats import LEIE_COLUMNS, OCR_COLUMNS

# The demo's principals: (vendor, name, title, date of birth, state)
PRINCIPALS = [
    ("BlueHarbor Claims Co.", "Thomas Becker", "Owner", "1968-02-09", "ME"),
    ("ClearPath Medical Billing", "Maria Lopez", "Director of Compliance", "1979-06-30", "OH"),
    ("Summit Revenue Partners", "Rahul Mehta", "CISO", None, "IL"),
]

LEIE_ROWS = [
    # LASTNAME FIRSTNAME MIDNAME BUSNAME GENERAL SPECIALTY UPIN NPI DOB ADDRESS CITY STATE ZIP EXCLTYPE EXCLDATE
    # REINDATE WAIVERDATE WVRSTATE
    ["BECKER", "THOMAS", "", "", "BUSINESS OWNER/EXEC", "BILLING SERVICES", "", "0000000000", "19680209",
     "45 COMMERCIAL ST", "PORTLAND", "ME", "04101", "1128b7", "20250714", "00000000", "00000000", ""],
    ["BECKER", "THOMAS", "J", "", "IND- LIC HC SERV PRO", "NURSE/NURSE AIDE", "", "1234567893", "19550321",
     "12 ELM ST", "DALLAS", "TX", "75201", "1128a1", "20190410", "00000000", "00000000", ""],
    ["", "", "", "BLUE HARBOUR BILLING, LLC", "OTHER BUSINESS", "BILLING COMPANY", "", "0000000000", "",
     "9 BAY RD", "TAMPA", "FL", "33602", "1128b8", "20230102", "00000000", "00000000", ""],
    ["LOPEZ", "MARIA", "", "", "IND- LIC HC SERV PRO", "PHARMACY TECHNICIAN", "", "0000000000", "19850117",
     "77 MAIN ST", "MIAMI", "FL", "33101", "1128a4", "20210905", "20240905", "00000000", ""],
    ["", "", "", "RIVERBEND MEDICAL SUPPLY, INC.", "DME", "DME SUPPLIER", "", "0000000000", "",
     "300 RIVER RD", "AKRON", "OH", "44308", "1128b4", "20240220", "00000000", "00000000", ""],
]  # fmt: skip

OCR_ROWS = [
    ["Lakeshore Pediatrics, P.C.", "IL", "Healthcare Provider", "12480", "09/22/2025", "Hacking/IT Incident",
     "Network Server", "Yes",
     "On July 30, 2025, the covered entity's billing company, Summit Revenue Partners LLC, discovered that an "
     "unauthorized party had accessed a server holding patient names, dates of birth and insurance details. The "
     "business associate notified the covered entity, affected individuals, HHS and the media."],
    ["Harborview Family Dental", "ME", "Healthcare Provider", "2210", "03/03/2024", "Theft", "Laptop", "No",
     "A laptop was stolen from an employee's car."],
    ["Summit Ridge Health Plan", "CO", "Health Plan", "58000", "11/14/2023", "Unauthorized Access/Disclosure",
     "Email", "No", "Mailing error exposed member ID numbers."],
]  # fmt: skip


def csv_bytes(header: Sequence[str], rows: Iterable[Sequence[str]], *, quote_all: bool = True) -> bytes:
    """A CSV file as the lists publish it: CRLF line ends, fields quoted."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def leie_file(rows: Iterable[Sequence[str]] = LEIE_ROWS) -> bytes:
    """An OIG LEIE ``UPDATED.csv``."""
    return csv_bytes(LEIE_COLUMNS, rows, quote_all=False)


def ocr_file(rows: Iterable[Sequence[str]] = OCR_ROWS) -> bytes:
    """An HHS OCR breach portal export (the portal writes a BOM before its header)."""
    return b"\xef\xbb\xbf" + csv_bytes(OCR_COLUMNS, rows)
