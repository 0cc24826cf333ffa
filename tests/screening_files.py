"""Public-list files in their exact real formats, written by the tests (with the real files' quirks)."""

from __future__ import annotations

from vendorcheck.demo.lists import csv_bytes
from vendorcheck.screening.formats import LEIE_COLUMNS, OCR_COLUMNS, SAM_COLUMNS

SAM_FULL = (
    "Classification", "Name", "Prefix", "First", "Middle", "Last", "Suffix", "Address 1", "Address 2", "Address 3",
    "Address 4", "City", "State / Province", "Country", "Zip Code", "Open Data Flag", "Blank (Deprecated)",
    "Unique Entity ID", "Exclusion Program", "Excluding Agency", "CT Code", "Exclusion Type", "Additional Comments",
    "Active Date", "Termination Date", "Record Status", "Cross-Reference", "SAM Number", "CAGE", "NPI",
    "Creation_Date",
)  # fmt: skip


def leie(*rows: list[str]) -> bytes:
    """An LEIE UPDATED.csv (unquoted header, fields quoted only where needed, CRLF)."""
    return csv_bytes(LEIE_COLUMNS, rows, quote_all=False)


def leie_row(last="", first="", mid="", business="", dob="", state="OH", excl="20240115", rein="00000000",
             address="1 MAIN ST", city="COLUMBUS", zip_code="43215") -> list[str]:  # fmt: skip
    """One LEIE row; blank middle names and 00000000 dates as the real file has them."""
    return [last, first, mid, business, "OTHER BUSINESS", "BILLING", "", "0000000000", dob, address, city, state,
            zip_code, "1128b7", excl, rein, "00000000", ""]  # fmt: skip


def ocr(*rows: list[str], garbled: bool = True) -> bytes:
    """An OCR breach portal export: quoted, with the BOM-mangled, space-padded header line the portal produces."""
    body = csv_bytes(OCR_COLUMNS, rows)
    if garbled:
        header, _, rest = body.partition(b"\r\n")
        header = "ï»¿".encode() + header.replace(b'"State"', b'" State "').replace(
            b'"Web Description"', b'"Web  Description"'
        )
        body = header + b",\r\n" + rest  # and a trailing empty column
    return body


def ocr_row(entity: str, state: str, affected: str, submitted: str, description: str = "") -> list[str]:
    """One breach report (dates MM/DD/YYYY)."""
    return [entity, state, "Healthcare Provider", affected, submitted, "Hacking/IT Incident", "Network Server", "Yes",
            description]  # fmt: skip


def sam(*rows: dict[str, str]) -> bytes:
    """A SAM Exclusions Public Extract V2 CSV with every column of the real file."""
    return csv_bytes(SAM_FULL, [[row.get(c, "") for c in SAM_FULL] for row in rows])


assert set(SAM_COLUMNS) <= set(SAM_FULL)
