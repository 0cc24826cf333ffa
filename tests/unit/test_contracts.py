"""The contract register: the clause catalogue, agreements and their refusals, dates in the due list, missing
clauses in the score (and its cache), offboarding to the end, and the migration that made room for them."""

from __future__ import annotations

import copy
from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
import yaml
from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.helpers import World
from vendorcheck import contracts, db, evidence, scores
from vendorcheck import vendors as vendor_service
from vendorcheck.audit import Actor, actions
from vendorcheck.contracts.agreements import add_months
from vendorcheck.contracts.clauses import CATALOGUE_FILE, CatalogueError, parse_catalogue
from vendorcheck.lifecycle.due import DueKind, due_items
from vendorcheck.models import AgreementKind, AuditEvent, EvidenceKind, EvidenceVersion, Vendor, VendorStatus
from vendorcheck.scores.cache import SCORES
from vendorcheck.web import database

TODAY = date(2026, 11, 29)
ACTOR = Actor.cli("tests")
REQUIRED = [c.id for c in contracts.catalogue().clauses if c.required]


def _document() -> dict:
    return yaml.safe_load(CATALOGUE_FILE.read_text())


# The catalogue


def test_the_shipped_catalogue_holds_every_required_baa_element_with_its_citation() -> None:
    found = contracts.catalogue()
    required = {c.id: c for c in found.clauses if c.required}
    assert set(required) >= {
        "permitted_uses", "safeguards", "report_incidents", "subcontractors", "individual_rights",
        "hhs_books_records", "return_or_destroy", "termination_material_breach",
    }  # fmt: skip
    assert required["return_or_destroy"].citations == ("HIPAA 164.504(e)(2)(ii)(J)",)
    assert "HIPAA 164.410" in required["report_incidents"].citations
    assert "HIPAA 164.314(a)" in required["termination_material_breach"].citations
    recommended = {c.id for c in found.clauses if not c.required}
    assert recommended == {"breach_notice_days", "contingency_notice_24h", "data_export_at_exit", "ar_runout"}
    assert all(c.applies(AgreementKind.BAA) for c in required.values())
    assert [c.id for c in found.for_kind(AgreementKind.SERVICES)] == [
        "contingency_notice_24h", "data_export_at_exit", "ar_runout",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d["clauses"][0].pop("citations"), "clause 'permitted_uses': field 'citations' is missing"),
        (lambda d: d["clauses"][0].update(citations=["Practice policy"]), "must cite a HIPAA section"),
        (lambda d: d["clauses"][1].update(id="permitted_uses"), "clause 'permitted_uses': field 'id' repeats"),
        (lambda d: d["clauses"][2].update(required="yes"), "field 'required' must be true or false"),
        (lambda d: d["clauses"][3].update(applies_to=["lease"]), "field 'applies_to' must list kinds"),
        (lambda d: d["clauses"][0].update(colour="red"), "clause 'permitted_uses': unknown field 'colour'"),
        (lambda d: d.update(format="other/1"), "field 'format' must be"),
        (lambda d: [c.update(required=False) for c in d["clauses"]], "no clause is required"),
        (lambda d: d["clauses"][0].update(applies_to=["services"]), "required clause must include baa"),
    ],
)
def test_a_bad_catalogue_is_refused_naming_the_clause_and_field(change, expected: str) -> None:
    document = copy.deepcopy(_document())
    change(document)
    with pytest.raises(CatalogueError, match=expected) as raised:
        parse_catalogue(document, "clauses.yaml")
    assert str(raised.value).startswith("clauses.yaml: ")


def test_an_unreadable_catalogue_file_is_one_clear_error(tmp_path: Path) -> None:
    bad = tmp_path / "clauses.yaml"
    bad.write_text("clauses: [unclosed\n")
    with pytest.raises(CatalogueError, match=r"clauses\.yaml: cannot be read"):
        contracts.load_catalogue(bad)


# Agreements


@pytest.fixture
def vendor(dbs: Session, world: World) -> Vendor:
    """A shortlisted vendor that stores PHI."""
    found = vendor_service.create(
        dbs, ACTOR, world.org.id, "Acme Billing", {"stores_phi": True, "phi_volume": "moderate"},
        status=VendorStatus.SHORTLISTED,
    )  # fmt: skip
    dbs.commit()
    return found


def _baa(clauses: list[str] | None = None, **changes) -> contracts.AgreementInput:
    values = {"kind": "baa", "title": "BAA 2026", "effective_on": date(2026, 1, 1), "term_months": 24}
    values.update(changes)
    return contracts.AgreementInput(**values, clauses={c: f"§{i}" for i, c in enumerate(clauses or REQUIRED)})


@pytest.mark.parametrize(
    ("changes", "field", "words"),
    [
        ({"effective_on": TODAY + timedelta(days=400)}, "effective_on", "more than a year ahead"),
        ({"effective_on": date(1901, 1, 1)}, "effective_on", "before 1970"),
        ({"effective_on": None}, "effective_on", "give the date"),
        ({"term_months": 12, "notice_days": 400}, "notice_days", "not shorter than the term"),
        ({"term_months": None, "ends_on": date(2025, 12, 1)}, "ends_on", "before it starts"),
        ({"term_months": 12, "ends_on": date(2027, 6, 1)}, "ends_on", "ends on 2027-01-01"),
        ({"term_months": None, "auto_renews": True}, "auto_renews", "give the term in months"),
        ({"term_months": None, "notice_days": 30}, "notice_days", "needs a term or an end date"),
        ({"term_months": 0}, "term_months", "from 1 to 600"),
        ({"terminated_on": date(2025, 1, 1)}, "terminated_on", "before it takes effect"),
        ({"title": "  "}, "title", "give the agreement a title"),
        ({"title": "a\x00b"}, "title", "control character"),
        ({"notes": "x\x1b[31m"}, "notes", "control character"),
        ({"kind": "lease"}, "kind", "choose one of"),
        ({"document_id": 999_999}, "document_id", "this vendor's documents"),
    ],
)
def test_refusals_name_the_field_and_store_nothing(
    dbs: Session, vendor: Vendor, changes: dict, field: str, words: str
) -> None:
    with pytest.raises(contracts.ContractError) as raised:
        contracts.add(dbs, ACTOR, vendor, _baa(**changes), TODAY)
    assert any(name == field and words in message for name, message in raised.value.problems), raised.value.problems
    dbs.rollback()
    assert contracts.agreements_of(dbs, [vendor.id]) == {}


def test_a_baa_may_be_signed_ahead_up_to_a_year(dbs: Session, vendor: Vendor) -> None:
    found = contracts.add(dbs, ACTOR, vendor, _baa(effective_on=TODAY + timedelta(days=200)), TODAY)
    assert found.ends_on == add_months(TODAY + timedelta(days=200), 24)


def test_clause_checks_are_refused_without_a_reference_or_off_the_checklist(dbs: Session, vendor: Vendor) -> None:
    data = _baa()
    data.clauses = {"permitted_uses": " ", "ar_runout": "§9", "no_such": "§1"}
    with pytest.raises(contracts.ContractError) as raised:
        contracts.add(dbs, ACTOR, vendor, data, TODAY)
    fields = {name for name, _ in raised.value.problems}
    assert fields == {"clause:permitted_uses", "clause:ar_runout", "clause:no_such"}


def test_an_auto_renewing_term_rolls_on_and_notice_counts_back_from_it(dbs: Session, vendor: Vendor) -> None:
    data = contracts.AgreementInput(
        "services", "Services", date(2023, 3, 31), term_months=12, auto_renews=True, notice_days=60
    )
    found = contracts.add(dbs, ACTOR, vendor, data, TODAY)
    assert found.ends_on == date(2024, 3, 31)
    assert contracts.term_end(found, TODAY) == date(2027, 3, 31)
    assert contracts.notice_by(found, TODAY) == date(2027, 1, 30)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)


def test_adding_and_changing_are_audited_with_what_changed(dbs: Session, vendor: Vendor) -> None:
    found = contracts.add(dbs, ACTOR, vendor, _baa([c for c in REQUIRED if c != "return_or_destroy"]), TODAY)
    assert contracts.update(dbs, ACTOR, found, _baa([c for c in REQUIRED if c != "return_or_destroy"]), TODAY) == []
    assert contracts.update(dbs, ACTOR, found, _baa(), TODAY) == ["clauses"]
    dbs.commit()
    events = dbs.scalars(select(AuditEvent).where(AuditEvent.target_type == "agreement").order_by(AuditEvent.seq))
    added, changed = list(events)
    assert (added.action, changed.action) == (actions.AGREEMENT_ADDED, actions.AGREEMENT_UPDATED)
    assert added.details["missing_required"] == ["return_or_destroy"]
    assert changed.details["clauses_confirmed"] == ["return_or_destroy"] and changed.details["missing_required"] == []


# Dates in the due list


def test_renewal_and_notice_dates_are_due_items_for_assessors(dbs: Session, vendor: Vendor, world: World) -> None:
    end = TODAY + timedelta(days=45)
    data = contracts.AgreementInput(
        "services", "Services", add_months(end, -12), term_months=12, auto_renews=True, notice_days=30
    )
    found = contracts.add(dbs, ACTOR, vendor, data, TODAY)
    dbs.commit()
    items = {i.kind: i for i in due_items(dbs, world.org.id, TODAY) if i.subject == f"agreement:{found.id}"}
    assert items[DueKind.CONTRACT_RENEWAL].due_on == end
    assert items[DueKind.CONTRACT_NOTICE].due_on == end - timedelta(days=30)
    assert {i.audience.value for i in items.values()} == {"assessors"}
    assert items[DueKind.CONTRACT_NOTICE].endpoint_args == (("agreement_id", found.id),)
    found.terminated_on = TODAY  # a terminated agreement, or one of a vendor no longer current, has no dates due
    dbs.commit()
    assert not [i for i in due_items(dbs, world.org.id, TODAY) if i.subject == f"agreement:{found.id}"]


# The score


def _contract_findings(dbs: Session, vendor: Vendor) -> tuple[list[str], str | None]:
    dbs.expire_all()
    profile = scores.current_profile(dbs, vendor.org_id)
    [entry] = scores.score_vendors(dbs, [dbs.get(Vendor, vendor.id)], profile, TODAY)
    assert entry.score is not None
    return [f.question_id for f in entry.score.findings if f.question_id.startswith("contract:")], entry.digest


def test_a_missing_required_clause_is_a_finding_until_confirmed(demo_data: World, dbs: Session) -> None:
    summit = dbs.scalars(select(Vendor).where(Vendor.name == "Summit Revenue Partners")).one()
    SCORES.clear()
    found, digest = _contract_findings(dbs, summit)
    assert found == ["contract:return_or_destroy"]
    [baa] = contracts.agreements_of(dbs, [summit.id])[summit.id]
    [finding] = [
        f
        for f in scores.score_vendors(dbs, [summit], scores.current_profile(dbs, summit.org_id), TODAY)[
            0
        ].score.findings
        if f.question_id == "contract:return_or_destroy"
    ]
    assert finding.controls == ("HIPAA 164.504(e)(2)(ii)(J)",) and finding.rated and finding.severity == "high"
    assert "returns or destroys" in finding.why
    data = contracts.AgreementInput(
        "baa", baa.title, baa.effective_on, notes=baa.notes or "", clauses={**baa.clauses, "return_or_destroy": "§14"}
    )
    contracts.update(dbs, ACTOR, baa, data, TODAY)
    dbs.commit()
    misses = SCORES.misses
    again, new_digest = _contract_findings(dbs, summit)
    assert again == [] and new_digest != digest
    assert SCORES.misses == misses + 1, "the clause check changed the digest: the score was computed afresh"


def test_no_baa_is_a_listed_finding_when_shortlisted_and_a_rated_one_when_selected(
    demo_data: World, dbs: Session
) -> None:
    blueharbor = dbs.scalars(select(Vendor).where(Vendor.name == "BlueHarbor Claims Co.")).one()
    profile = scores.current_profile(dbs, blueharbor.org_id)

    def no_baa():
        [entry] = scores.score_vendors(dbs, [blueharbor], profile, TODAY)
        return next(f for f in entry.score.findings if f.question_id == "contract:no_baa")

    assert (no_baa().severity, no_baa().rated) == ("medium", False)
    blueharbor.status = VendorStatus.SELECTED
    assert (no_baa().severity, no_baa().rated) == ("high", True)
    apex = dbs.scalars(select(Vendor).where(Vendor.name == "ClearPath Medical Billing")).one()
    [entry] = scores.score_vendors(dbs, [apex], profile, TODAY)
    assert not [f for f in entry.score.findings if f.question_id.startswith("contract:")], "a complete BAA: none"


# Offboarding


def test_offboarding_walks_to_ended_with_every_step_audited(
    app: Flask, dbs: Session, vendor: Vendor, world: World
) -> None:
    with pytest.raises(contracts.ContractError, match="due_on: 2026-11-28 is in the past"):
        contracts.start(dbs, ACTOR, vendor, "Switching", TODAY - timedelta(days=1), TODAY)
    with pytest.raises(contracts.ContractError, match="reason: say in a sentence"):
        contracts.start(dbs, ACTOR, vendor, " ", TODAY, TODAY)
    offboarding = contracts.start(dbs, ACTOR, vendor, "Switching billing companies", TODAY + timedelta(days=30), TODAY)
    assert vendor.status == VendorStatus.OFFBOARDING
    with pytest.raises(contracts.ContractError, match="already offboarding"):
        contracts.start(dbs, ACTOR, vendor, "Again", TODAY, TODAY)
    open_items = [i for i in due_items(dbs, world.org.id, TODAY) if i.kind == DueKind.OFFBOARDING]
    assert len(open_items) == len(contracts.STEPS) and {i.due_on for i in open_items} == {TODAY + timedelta(days=30)}
    with pytest.raises(contracts.ContractError, match=r"evidence_id: .*certificate"):
        contracts.complete_step(dbs, ACTOR, offboarding, "phi_returned_or_destroyed")
    with pytest.raises(contracts.ContractError, match="note: "):
        contracts.complete_step(dbs, ACTOR, offboarding, "surviving_obligations_noted", "")
    with pytest.raises(contracts.ContractError, match="no step 'bogus'"):
        contracts.complete_step(dbs, ACTOR, offboarding, "bogus")
    dbs.commit()
    # the certificate is filed through the one evidence upload path
    version_id = evidence.store_bytes(
        lambda: db.transaction(database.engine(app)), app.extensions["vendorcheck.vault"], ACTOR, vendor.id,
        vendor.org_id, "certificate.txt", iter([b"Certificate of destruction\n"]),
        details=evidence.EvidenceDetails(EvidenceKind.CERTIFICATE, "Certificate of destruction"),
    )  # fmt: skip
    dbs.rollback()
    certificate = dbs.get(EvidenceVersion, version_id).evidence_id
    ended = [
        contracts.complete_step(dbs, ACTOR, offboarding, "access_revoked", "Accounts closed"),
        contracts.complete_step(dbs, ACTOR, offboarding, "phi_returned_or_destroyed", "", certificate),
        contracts.complete_step(dbs, ACTOR, offboarding, "final_export_received"),
        contracts.complete_step(dbs, ACTOR, offboarding, "ar_runout_arranged", "90 days"),
    ]
    assert ended == [False] * 4 and vendor.status == VendorStatus.OFFBOARDING
    with pytest.raises(contracts.ContractError, match="already done"):
        contracts.complete_step(dbs, ACTOR, offboarding, "access_revoked")
    assert contracts.complete_step(dbs, ACTOR, offboarding, "surviving_obligations_noted", "Backups kept 6 years")
    dbs.commit()
    assert vendor.status == VendorStatus.ENDED and offboarding.ended_at is not None
    assert not [i for i in due_items(dbs, world.org.id, TODAY) if i.kind == DueKind.OFFBOARDING]
    trail = [
        e.action
        for e in dbs.scalars(select(AuditEvent).where(AuditEvent.vendor_id == vendor.id).order_by(AuditEvent.seq))
        if e.action.startswith("offboarding.")
    ]
    assert trail == ["offboarding.started", *["offboarding.step_done"] * 5, "offboarding.ended"]
    record = contracts.offboarding_json(offboarding)
    assert record and record["steps"][1]["evidence_id"] == certificate and record["ended_at"]


def test_offboarding_statuses_are_not_set_by_an_edit(dbs: Session, vendor: Vendor) -> None:
    with pytest.raises(vendor_service.VendorError, match="status: a vendor becomes offboarding"):
        vendor_service.update(dbs, ACTOR, vendor, {"status": "ended"})
    contracts.start(dbs, ACTOR, vendor, "Switching", TODAY, TODAY)
    with pytest.raises(vendor_service.VendorError, match="status: "):
        vendor_service.update(dbs, ACTOR, vendor, {"status": "selected"})


# The migration


def test_the_migration_keeps_rows_that_refer_to_vendors(tmp_path: Path) -> None:
    """0013 widens the vendor status constraint without rebuilding the table: a rebuild drops it first, and with
    foreign keys on that cascades to every vendor's contacts (it did, before the constraint was edited in place)."""
    engine = db.make_engine(f"sqlite:///{tmp_path / 'm.db'}")
    db.upgrade(engine, "0010")
    with engine.begin() as c:
        c.execute(
            sa.text("INSERT INTO organizations (id, name, mfa_required, created_at) VALUES (1, 'o', 0, '2026-01-01')")
        )
        c.execute(sa.text(
            "INSERT INTO vendors (id, org_id, name, status, services, phi_volume, stores_phi, processes_phi,"
            " transmits_phi, offshore, uses_subcontractors, created_at, updated_at) VALUES (1, 1, 'v', 'selected',"
            " '[]', 'none', 0, 0, 0, 0, 0, '2026-01-01', '2026-01-01')"
        ))  # fmt: skip
        c.execute(sa.text("INSERT INTO vendor_contacts (vendor_id, name, email, is_primary) VALUES (1, 'a', 'a@b', 1)"))
    db.upgrade(engine)
    with engine.begin() as c:
        assert c.execute(sa.text("SELECT count(*) FROM vendor_contacts")).scalar() == 1
        c.execute(sa.text("UPDATE vendors SET status = 'offboarding'"))
    with pytest.raises(sa.exc.IntegrityError), engine.begin() as c:
        c.execute(sa.text("UPDATE vendors SET status = 'bogus'"))
    engine.dispose()
