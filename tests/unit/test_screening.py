"""Screening: list import (formats, quirks, refusals), matching (planted matches and near-misses), decisions,
the score's knock-out and finding, re-screening."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.helpers import World
from tests.screening_files import leie, leie_row, ocr, ocr_row, sam
from vendorcheck import screening
from vendorcheck.audit import Actor, actions
from vendorcheck.models import AuditEvent, Candidate, ListRow, ListVersion, Vendor
from vendorcheck.scoring.track import Breach, Exclusion, PublicRecord, breach_findings, exclusion_knockout
from vendorcheck.screening import names
from vendorcheck.screening.scheduler import rescreen_due

CLI = Actor.cli("tests")


def _vendor(dbs: Session, world: World, name: str, state: str | None = "OH", **extra: str) -> Vendor:
    vendor = Vendor(org_id=world.org.id, name=name, state=state, **extra)
    dbs.add(vendor)
    dbs.flush()
    return vendor


def _import(dbs: Session, source: str, content: bytes, **kw):
    return screening.import_and_screen(dbs, CLI, source, io.BytesIO(content), "UPDATED.csv", **kw)


def _candidates(dbs: Session, vendor: Vendor) -> list[Candidate]:
    return list(dbs.scalars(select(Candidate).where(Candidate.vendor_id == vendor.id)))


def test_names_drop_legal_forms_and_split_aliases():
    assert names.company_keys("The Acme Med. Billing Co., L.L.C. d/b/a QuickClaims, Inc.") == [
        "acme medical billing",
        "quickclaims",
    ]
    assert names.person_key_of("Dr. Dana R. Whitlock Jr.") == names.person_key_of("Whitlock, Dana") == "dana whitlock"


def test_leie_import_stores_a_dated_hashed_version_with_quirks(dbs: Session, world: World):
    content = leie(
        leie_row(business="ACME BILLING, LLC", excl="20250301"),  # a quoted comma in the name
        leie_row(last="DOE", first="JANE", dob="19700102", excl="20231001", rein="20241001"),
    )
    imported = _import(dbs, "leie", content)
    version = imported.version
    assert imported.created and version.row_count == 2 and version.version_date == date(2025, 3, 1)
    assert len(version.sha256) == 64 and not version.older
    rows = {r.name: r for r in dbs.scalars(select(ListRow).where(ListRow.version_id == version.id))}
    assert rows["ACME BILLING, LLC"].name_key == "acme billing" and rows["ACME BILLING, LLC"].ends_on is None
    assert rows["JANE DOE"].dob == date(1970, 1, 2) and rows["JANE DOE"].ends_on == date(2024, 10, 1)
    assert rows["JANE DOE"].raw["MIDNAME"] == ""
    again = _import(dbs, "leie", content)
    assert not again.created and again.version.id == version.id
    assert dbs.scalar(select(func.count()).select_from(ListVersion)) == 1


def test_an_older_list_is_accepted_but_flagged(dbs: Session, world: World):
    _import(dbs, "leie", leie(leie_row(business="A CO", excl="20250301")))
    older = _import(dbs, "leie", leie(leie_row(business="B CO", excl="20240301")))
    assert older.created and older.version.older
    assert screening.newest_version(dbs, older.version.source, None).version_date == date(2025, 3, 1)


@pytest.mark.parametrize(
    ("source", "content", "expected"),
    [
        ("ocr", leie(leie_row(business="X")), "this looks like the OIG LEIE file: import it as `leie`"),
        ("leie", leie(leie_row(business="X")).replace(b"EXCLDATE", b"EXCL_DATE"), "column 'EXCLDATE' is missing"),
        ("leie", leie(leie_row(business="X"), leie_row(business="Y"))[:-30] + b"\r\n", "line 3: "),
        ("leie", leie(leie_row(business="X"))[:-5], "ends in the middle of a line"),
        ("leie", leie(leie_row(business="CAFÉ BILLING")).decode().encode("latin-1"), "line 2, character"),
        ("leie", leie(leie_row(business="X")).decode().encode("utf-16"), "line 1, character 1: the file is in UTF-16"),
        ("leie", leie(leie_row(business="X", excl="20241345")), "line 2, column EXCLDATE: '20241345' is not a real"),
        ("leie", leie(leie_row(business="X", dob="1970-01-02")), "line 2, column DOB"),
        ("ocr", ocr(ocr_row("A", "OH", "many", "01/02/2025")), "line 2, column Individuals Affected"),
        ("leie", leie(), "header but no rows"),
    ],
    ids=[
        "wrong-source",
        "missing-column",
        "truncated-row",
        "cut-mid-line",
        "latin-1",
        "utf-16",
        "bad-date",
        "iso-dob",
        "bad-number",
        "no-rows",
    ],
)
def test_bad_files_are_refused_naming_line_and_column_and_nothing_is_stored(
    dbs: Session, world: World, source: str, content: bytes, expected: str
):
    _vendor(dbs, world, "Acme Billing")
    with pytest.raises(screening.ListImportError, match=expected.replace("(", r"\(").replace("`", "`")):
        _import(dbs, source, content)
    assert dbs.scalar(select(func.count()).select_from(ListVersion)) == 0
    assert dbs.scalar(select(func.count()).select_from(ListRow)) == 0
    assert not dbs.scalar(select(AuditEvent.id).where(AuditEvent.action == actions.SCREENING_LIST_IMPORTED))


def test_company_matches_and_a_similar_company_in_another_state_does_not(dbs: Session, world: World):
    vendor = _vendor(dbs, world, "Harbor Light Billing Group, Inc.", address="12 Pier Rd, Columbus 43215")
    _import(
        dbs,
        "leie",
        leie(
            leie_row(business="HARBOR LIGHT BILLING GROUP LLC", state="OH", address="12 PIER RD"),
            leie_row(business="HARBOR LITE BILLING GROUP", state="FL"),  # near-miss: another state
        ),
    )
    [found] = _candidates(dbs, vendor)
    assert found.row.state == "OH" and found.score == 100
    fields = {r["field"] for r in found.reasons}
    assert {"name", "state", "address"} <= fields


def test_person_matches_on_name_and_birthday_not_on_name_alone(dbs: Session, world: World):
    vendor = _vendor(dbs, world, "Quiet Billing")
    screening.add_principal(dbs, CLI, vendor, "Dana R. Whitlock", "Owner", date(1971, 4, 12), "OH")
    other = _vendor(dbs, world, "Loud Billing")
    screening.add_principal(dbs, CLI, other, "Dana Whitlock", "CFO", date(1980, 1, 1), "OH")
    _import(dbs, "leie", leie(leie_row(last="WHITLOCK", first="DANA", dob="19710412")))
    [found] = _candidates(dbs, vendor)
    assert found.principal_id is not None and {r["field"] for r in found.reasons} == {"name", "date of birth"}
    assert _candidates(dbs, other) == []  # same name, different date of birth


def test_sam_individual_and_firm(dbs: Session, world: World):
    vendor = _vendor(dbs, world, "Northwind Claims LLC", state="TX")
    screening.add_principal(dbs, CLI, vendor, "Lee Park", "Officer", None, "TX")
    content = sam(
        {"Classification": "Firm", "Name": "NORTHWIND CLAIMS, L.L.C.", "State / Province": "TX",
         "Exclusion Program": "Reciprocal", "Exclusion Type": "Prohibition/Restriction", "Active Date": "02/03/2025",
         "Termination Date": "Indefinite", "Record Status": "Active", "Unique Entity ID": "ABCDEFGH1234"},
        {"Classification": "Individual", "First": "LEE", "Last": "PARK", "State / Province": "TX",
         "Active Date": "01/05/2024", "Termination Date": "01/05/2027", "Record Status": "Active"},
    )  # fmt: skip
    _import(dbs, "sam", content)
    assert sorted(c.subject for c in _candidates(dbs, vendor)) == ["Lee Park", "Northwind Claims LLC"]


def test_ocr_matches_the_covered_entity_and_a_mention_in_the_web_description(dbs: Session, world: World):
    vendor = _vendor(dbs, world, "Pinecrest Revenue Services, Inc.")
    _import(
        dbs,
        "ocr",
        ocr(
            ocr_row(
                "Valley Clinic",
                "WA",
                "1,200",
                "05/06/2025",
                "Its billing vendor, Pinecrest Revenue Services, LLC, found malware.",
            ),
            ocr_row("Pinecrest Revenue Services", "OH", "800", "02/01/2024"),
            ocr_row("Pinecrest Dental", "OH", "900", "02/01/2024"),  # near-miss
        ),
    )
    found = {c.row.name: c for c in _candidates(dbs, vendor)}
    assert set(found) == {"Valley Clinic", "Pinecrest Revenue Services"}
    assert found["Valley Clinic"].reasons[0]["field"] == "named in the web description"
    assert found["Valley Clinic"].row.affected == 1200


def test_decisions_are_audited_and_final(dbs: Session, world: World):
    vendor = _vendor(dbs, world, "Acme Billing")
    _import(dbs, "leie", leie(leie_row(business="ACME BILLING LLC")))
    [candidate] = _candidates(dbs, vendor)
    with pytest.raises(screening.ScreeningError, match="why"):
        screening.decide(dbs, CLI, candidate, True, "  ")
    screening.decide(dbs, CLI, candidate, False, "Different company: Ohio registration differs")
    with pytest.raises(screening.ScreeningError, match="already dismissed"):
        screening.decide(dbs, CLI, candidate, True, "changed my mind")
    event = dbs.scalars(select(AuditEvent).where(AuditEvent.action == actions.SCREENING_DISMISSED)).one()
    assert event.vendor_id == vendor.id and "Ohio" in event.details["note"]
    # a newer list naming the same company neither duplicates nor reopens the dismissed candidate
    _import(dbs, "leie", leie(leie_row(business="ACME BILLING LLC"), leie_row(business="OTHER", excl="20250101")))
    assert len(_candidates(dbs, vendor)) == 1


def test_confirmed_exclusion_in_force_is_a_disqualifying_knockout_and_a_reinstated_one_is_not():
    today = date(2026, 11, 1)
    active = PublicRecord(exclusions=(Exclusion("OIG LEIE 2026-10-01", "the company", date(2024, 1, 1), None),))
    knockout = exclusion_knockout(active, {"company_excluded": "no"}, today)
    assert knockout is not None and knockout.kind == "disqualifying" and knockout.question_id == "company_excluded"
    ended = PublicRecord(exclusions=(Exclusion("OIG LEIE", "x", date(2020, 1, 1), date(2023, 1, 1)),))
    assert exclusion_knockout(ended, {}, today) is None


def test_confirmed_breach_is_a_finding_and_contradicting_the_answer_makes_it_high():
    today = date(2026, 11, 1)
    record = PublicRecord(
        breaches=(Breach("HHS OCR breach portal", "Valley Clinic", today - timedelta(days=1000), 900),)
    )
    [plain] = breach_findings(record, {"breaches_last_5_years": "yes"}, today)
    [denied] = breach_findings(record, {"breaches_last_5_years": "no"}, today)
    assert plain.label == "Medium" and denied.label == "High" and "contradiction" in denied.why
    assert "900 individuals" in plain.why


def test_monthly_rescreen_screens_only_what_is_due(dbs: Session, world: World):
    vendor = _vendor(dbs, world, "Acme Billing")
    _import(dbs, "leie", leie(leie_row(business="NOBODY")))
    assert rescreen_due(dbs) == 0  # the import screened it just now
    assert rescreen_due(dbs, now=screening.status(dbs, vendor)[0].screening.screened_at + timedelta(days=31)) == 1
