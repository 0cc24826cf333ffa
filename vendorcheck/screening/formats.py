"""The three public list formats: their columns, and each row reduced to what matching needs. Pure.

docs/screening.md documents every column relied on. A header cell is compared after removing a byte-order
mark (also one mangled into ``ï»¿`` by a spreadsheet round trip), quotes, surrounding and repeated white
space, and case: the OCR portal's export is known to arrive with such a garbled header line. Columns the
list adds later are ignored; a missing one refuses the file.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from vendorcheck.enums import ListSource
from vendorcheck.screening import names

LEIE_COLUMNS = (
    "LASTNAME", "FIRSTNAME", "MIDNAME", "BUSNAME", "GENERAL", "SPECIALTY", "UPIN", "NPI", "DOB", "ADDRESS", "CITY",
    "STATE", "ZIP", "EXCLTYPE", "EXCLDATE", "REINDATE", "WAIVERDATE", "WVRSTATE",
)  # fmt: skip
SAM_COLUMNS = (
    "Classification", "Name", "First", "Middle", "Last", "Address 1", "City", "State / Province", "Zip Code",
    "Unique Entity ID", "Exclusion Program", "Exclusion Type", "Active Date", "Termination Date", "Record Status",
)  # fmt: skip
OCR_COLUMNS = (
    "Name of Covered Entity", "State", "Covered Entity Type", "Individuals Affected", "Breach Submission Date",
    "Type of Breach", "Location of Breached Information", "Business Associate Present", "Web Description",
)  # fmt: skip
LABELS = {
    ListSource.LEIE: "OIG LEIE",
    ListSource.SAM: "SAM.gov exclusions",
    ListSource.OCR: "HHS OCR breach portal",
}
_SPACES = re.compile(r"\s+")
_US_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
NAME_CHARS = 300
MAX_AFFECTED = 2**31 - 1


class RowError(ValueError):
    """A cell that cannot be read: the column it is in, and why."""

    def __init__(self, column: str, message: str) -> None:
        super().__init__(message)
        self.column = column


def header_key(cell: str) -> str:
    """A header cell as compared: no BOM (real or mangled), quotes or extra spaces, case folded."""
    cell = cell.replace("\ufeff", "").replace("ï»¿", "").replace("\u00a0", " ").strip().strip('"').strip()
    return _SPACES.sub(" ", cell).casefold()


@dataclass(frozen=True)
class Format:
    """One list's format: the columns relied on and how a row becomes a ``list_rows`` entry."""

    source: ListSource
    columns: tuple[str, ...]
    parse: Callable[[Mapping[str, str]], dict[str, Any]]

    @property
    def label(self) -> str:
        return LABELS[self.source]

    def positions(self, header: Sequence[str]) -> dict[str, int] | str:
        """Column name -> index in ``header``, or the first missing column."""
        found: dict[str, int] = {}
        for index, cell in enumerate(header):
            found.setdefault(header_key(cell), index)
        out = {}
        for column in self.columns:
            if header_key(column) not in found:
                return column
            out[column] = found[header_key(column)]
        return out


def _ymd(value: str, column: str) -> date | None:
    """LEIE dates: YYYYMMDD, with 00000000 (or blank) for none."""
    value = value.strip()
    if not value or value.strip("0") == "":
        return None
    if len(value) != 8 or not value.isdigit():
        raise RowError(column, f"{value[:20]!r} is not a date written YYYYMMDD")
    try:
        return date(int(value[:4]), int(value[4:6]), int(value[6:]))
    except ValueError:
        raise RowError(column, f"{value!r} is not a real date") from None


def _us_date(value: str, column: str, none_words: tuple[str, ...] = ()) -> date | None:
    """SAM and OCR dates: MM/DD/YYYY (an ISO date is accepted too); blank, or one of ``none_words``, for none."""
    value = value.strip()
    if not value or value.casefold() in none_words:
        return None
    found = _US_DATE.fullmatch(value)
    try:
        if found:
            return date(int(found[3]), int(found[1]), int(found[2]))
        return date.fromisoformat(value)
    except ValueError:
        raise RowError(column, f"{value[:20]!r} is not a date written MM/DD/YYYY") from None


def _text(value: str, column: str, limit: int = NAME_CHARS) -> str:
    value = _SPACES.sub(" ", value).strip()
    if len(value) > limit:
        raise RowError(column, f"longer than {limit} characters")
    return value


def _state(value: str) -> str | None:
    return value.strip().upper()[:40] or None


def parse_leie(row: Mapping[str, str]) -> dict[str, Any]:
    """An LEIE row: a business (BUSNAME, no LASTNAME) or a person (FIRSTNAME MIDNAME LASTNAME)."""
    last, first = _text(row["LASTNAME"], "LASTNAME"), _text(row["FIRSTNAME"], "FIRSTNAME")
    business = _text(row["BUSNAME"], "BUSNAME")
    if not last and not business:
        raise RowError("LASTNAME", "neither LASTNAME nor BUSNAME is filled in")
    listed_on = _ymd(row["EXCLDATE"], "EXCLDATE")
    if listed_on is None:
        raise RowError("EXCLDATE", "an exclusion needs its date")
    person = bool(last)
    name = " ".join(p for p in (first, _text(row["MIDNAME"], "MIDNAME"), last) if p) if person else business
    address = " ".join(p for p in (row["ADDRESS"].strip(), row["CITY"].strip(), row["ZIP"].strip()) if p)
    _ymd(row["WAIVERDATE"], "WAIVERDATE")  # checked like every date; the original row keeps it
    return {
        "kind": "individual" if person else "entity",
        "name": name,
        "name_key": names.person_key(first, last) if person else names.company_key(business),
        "dob": _ymd(row["DOB"], "DOB"),
        "address": _text(address, "ADDRESS") or None,
        "state": _state(row["STATE"]),
        "listed_on": listed_on,
        "ends_on": _ymd(row["REINDATE"], "REINDATE"),
        "type": _text(row["EXCLTYPE"], "EXCLTYPE", 200) or None,
        "record_active": True,  # a waiver (WAIVERDATE, WVRSTATE) lets one state pay one provider: still excluded
    }


def parse_sam(row: Mapping[str, str]) -> dict[str, Any]:
    """A SAM exclusion: an individual (First Middle Last) or a firm, entity or vessel (Name)."""
    person = row["Classification"].strip().casefold() == "individual"
    first, last = _text(row["First"], "First"), _text(row["Last"], "Last")
    name = " ".join(p for p in (first, _text(row["Middle"], "Middle"), last) if p) if person else ""
    name = name or _text(row["Name"], "Name")
    if not name:
        raise RowError("Name", "the record names nobody")
    status = row["Record Status"].strip()
    ends_on = _us_date(row["Termination Date"], "Termination Date", ("indefinite", "indef."))
    address = " ".join(p for p in (row["Address 1"].strip(), row["City"].strip(), row["Zip Code"].strip()) if p)
    return {
        "kind": "individual" if person else "entity",
        "name": name,
        "name_key": names.person_key(first, last) if person and last else names.company_key(name),
        "dob": None,
        "address": _text(address, "Address 1") or None,
        "state": _state(row["State / Province"]),
        "listed_on": _us_date(row["Active Date"], "Active Date"),
        "ends_on": ends_on,
        "type": _text(f"{row['Exclusion Program']} / {row['Exclusion Type']}".strip(" /"), "Exclusion Type", 200),
        "record_active": not status or status.casefold() == "active",
    }


def parse_ocr(row: Mapping[str, str]) -> dict[str, Any]:
    """A breach report: the covered entity that filed it, its size and date, and the web description."""
    name = _text(row["Name of Covered Entity"], "Name of Covered Entity")
    if not name:
        raise RowError("Name of Covered Entity", "empty")
    raw_affected = row["Individuals Affected"].strip().replace(",", "")
    if raw_affected and not raw_affected.isdigit():
        raise RowError("Individuals Affected", f"{raw_affected[:20]!r} is not a whole number")
    affected = int(raw_affected) if raw_affected else None
    if affected is not None and affected > MAX_AFFECTED:
        raise RowError("Individuals Affected", "implausibly large")
    submitted = _us_date(row["Breach Submission Date"], "Breach Submission Date")
    if submitted is None:
        raise RowError("Breach Submission Date", "a breach report needs its date")
    description = row["Web Description"]
    return {
        "kind": "breach",
        "name": name,
        "name_key": names.company_key(name),
        "state": _state(row["State"]),
        "listed_on": submitted,
        "type": _text(row["Type of Breach"], "Type of Breach", 200) or None,
        "affected": affected,
        "mentions": names.mentions(description) if description.strip() else None,
    }


FORMATS = {
    ListSource.LEIE: Format(ListSource.LEIE, LEIE_COLUMNS, parse_leie),
    ListSource.SAM: Format(ListSource.SAM, SAM_COLUMNS, parse_sam),
    ListSource.OCR: Format(ListSource.OCR, OCR_COLUMNS, parse_ocr),
}


def looks_like(header: Sequence[str]) -> ListSource | None:
    """The list whose columns ``header`` has, if any (to tell a user they picked the wrong source)."""
    for source, spec in FORMATS.items():
        if isinstance(spec.positions(header), dict):
            return source
    return None
