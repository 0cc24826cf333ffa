"""The demo's contract register and offboarding, through the contracts service (so every step is audited).

* ClearPath: its countersigned BAA (the demo document) with every required clause confirmed;
* Summit: a BAA that says nothing about returning or destroying patient information at termination
  (164.504(e)(2)(ii)(J)): a high finding in Summit's score until an amendment is recorded;
* BlueHarbor: no BAA on record (its template was unsigned), a to-do listed on its score;
* Keystone Billing Services, the practice's outgoing billing company: its services agreement renews within
  60 days (notice due sooner), and its offboarding is under way with two steps done.

Dates are counted from today, so the renewal is always near. Idempotent: what exists is left alone.
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from vendorcheck import contracts
from vendorcheck.contracts.agreements import add_months
from vendorcheck.demo.people import DEMO_ACTOR
from vendorcheck.demo.vendors import create_vendor
from vendorcheck.models import Agreement, Evidence, EvidenceKind, Organization, PhiVolume, Vendor, VendorStatus

OUTGOING = {
    "name": "Keystone Billing Services",
    "website": "https://keystonebilling.example",
    "address": "88 Market St, Harrisburg 17101",
    "state": "PA",
    "description": "The practice's billing company since 2019, being replaced: slow denial follow-up.",
    "status": VendorStatus.SELECTED,
    "services": ["Claims submission", "Payment posting", "A/R follow-up"],
    "phi_volume": PhiVolume.MODERATE,
    "stores_phi": True,
    "processes_phi": True,
    "transmits_phi": True,
    "offshore": False,
    "uses_subcontractors": True,
    "subcontractors": "Availity (clearinghouse)",
    "contacts": [("Dana Kowalski", "accounts@keystonebilling.example", "Account Manager", "+1 717 555 0175")],
}
REQUIRED = [c.id for c in contracts.catalogue().clauses if c.required]
SECTIONS = {clause_id: f"§{index + 2}" for index, clause_id in enumerate(REQUIRED)}


def _refs(ids: list[str], prefix: str = "") -> dict[str, str]:
    return {clause_id: f"{prefix}{SECTIONS.get(clause_id, '§12')}" for clause_id in ids}


def _vendor(session: Session, org: Organization, name: str) -> Vendor | None:
    return session.scalars(select(Vendor).where(Vendor.org_id == org.id, Vendor.name == name)).first()


def _has(session: Session, vendor: Vendor, title: str) -> bool:
    return (
        session.scalar(select(Agreement.id).where(Agreement.vendor_id == vendor.id, Agreement.title == title))
        is not None
    )


def _add(session: Session, vendor: Vendor | None, data: contracts.AgreementInput, today: date) -> int:
    if vendor is None or _has(session, vendor, data.title):
        return 0
    contracts.add(session, DEMO_ACTOR, vendor, data, today)
    return 1


def seed_contracts(session: Session, org_name: str, today: date | None = None) -> int:
    """Record the demo's agreements and offboarding where missing; returns how many agreements were added."""
    today = today or date.today()
    org = session.scalars(select(Organization).where(Organization.name == org_name)).one()
    added = 0
    clearpath = _vendor(session, org, "ClearPath Medical Billing")
    if clearpath is not None:
        signed = session.scalar(
            select(Evidence.id).where(Evidence.vendor_id == clearpath.id, Evidence.kind == EvidenceKind.BAA)
        )
        data = contracts.AgreementInput(
            "baa", "Business associate agreement (countersigned)", date(2026, 10, 2), document_id=signed,
            clauses={**_refs(REQUIRED), "breach_notice_days": "§4.2 (10 calendar days)"},
            notes="Runs as long as the services agreement; the clauses were checked against the signed copy.",
        )  # fmt: skip
        added += _add(session, clearpath, data, today)
    summit = _vendor(session, org, "Summit Revenue Partners")
    data = contracts.AgreementInput(
        "baa", "Business associate agreement (Summit paper)", date(2026, 9, 15),
        clauses=_refs([c for c in REQUIRED if c != "return_or_destroy"]),
        notes="Summit's own form. It is silent on what happens to patient data when the agreement ends.",
    )  # fmt: skip
    added += _add(session, summit, data, today)
    added += _seed_outgoing(session, org, today)
    return added


def _seed_outgoing(session: Session, org: Organization, today: date) -> int:
    """The outgoing billing company: a complete BAA, a services agreement renewing soon, offboarding under way."""
    vendor = _vendor(session, org, OUTGOING["name"]) or create_vendor(session, org, OUTGOING)
    renewal = today + timedelta(days=45)
    started = add_months(renewal, -60)  # five yearly terms ago: the current one ends in 45 days
    added = _add(
        session, vendor,
        contracts.AgreementInput(
            "services", "Billing services agreement", started, term_months=12, auto_renews=True, notice_days=30,
            clauses={"data_export_at_exit": "§9.3 (CSV and PDF claim history)"},
            notes="Renews for a year unless notice is given 30 days before the end of a term.",
        ),
        today,
    )  # fmt: skip
    added += _add(
        session, vendor,
        contracts.AgreementInput("baa", "Business associate agreement", started, clauses=_refs(REQUIRED)),
        today,
    )  # fmt: skip
    session.flush()
    offboarding = contracts.of_vendor(session, vendor.id)
    if offboarding is None and vendor.status not in (VendorStatus.OFFBOARDING, VendorStatus.ENDED):
        offboarding = contracts.start(
            session, DEMO_ACTOR, vendor,
            "Switching billing companies: claims denied for missing information are not reworked in time.",
            today + timedelta(days=40), today,
        )  # fmt: skip
    if offboarding is not None:
        done = {row.step for row in offboarding.steps if row.done_at is not None}
        for step, note in (
            ("access_revoked", "Keystone's EHR accounts and the shared SFTP folder closed."),
            ("final_export_received", "Claim history export received and opened (CSV and PDF)."),
        ):
            if step not in done:
                contracts.complete_step(session, DEMO_ACTOR, offboarding, step, note)
    return added
