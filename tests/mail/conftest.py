"""The mail tests' server and objects: a real SMTP server on loopback, a vendor with a contact, an assessment
with a due date and a live link, and a document that expires."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date

import pytest
from flask import Flask
from sqlalchemy.orm import Session

from tests.helpers import World
from tests.smtp import LoopbackSmtp
from vendorcheck import assessments, db, evidence
from vendorcheck.audit import Actor
from vendorcheck.models import EvidenceKind, EvidenceVersion, Vendor, VendorContact
from vendorcheck.web import database

DUE = date(2027, 3, 1)  # the assessment's due date and the document's end of validity
CONTACT = "jane@acme-billing.example"
PRIMARY = "sales@acme-billing.example"


@pytest.fixture
def smtp() -> Iterator[LoopbackSmtp]:
    """A running SMTP server on a loopback port, collecting what it accepts."""
    server = LoopbackSmtp()
    server.start()
    yield server
    server.stop()


@dataclass
class Lifecycle:
    """The objects reminders are about."""

    vendor_id: int
    assessment_id: int
    evidence_id: int


def transaction_for(app: Flask):
    """Transactions on the app's database, as the scheduler opens them."""
    engine = database.engine(app)
    return lambda: db.transaction(engine)


@pytest.fixture
def lifecycle(app: Flask, dbs: Session, world: World) -> Lifecycle:
    """Acme Billing: an assessment due on ``DUE`` sent to Jane with a live link, a SOC 2 report valid until ``DUE``."""
    vendor = Vendor(org_id=world.org.id, name="Acme Billing")
    vendor.contacts.append(VendorContact(name="Sales", email=PRIMARY, is_primary=True))
    dbs.add(vendor)
    dbs.flush()
    library = app.extensions["vendorcheck.questionnaires"]
    assessment = assessments.create(
        dbs, Actor.cli(), vendor, [library["hipaa-security"]], due_date=DUE, title="HIPAA security review",
        contact_name="Jane", contact_email=CONTACT, today=date(2026, 1, 1),
    )  # fmt: skip
    assessments.issue_link(dbs, Actor.cli(), assessment, days=120)
    dbs.commit()
    version_id = evidence.store_bytes(
        lambda: db.transaction(database.engine(app)),
        app.extensions["vendorcheck.vault"],
        Actor.cli(),
        vendor.id,
        world.org.id,
        "soc2.txt",
        iter([b"SOC 2 report: the report's secret content\n"]),
        details=evidence.EvidenceDetails(EvidenceKind.SOC2_REPORT, "SOC 2 Type II report", valid_until=DUE),
    )
    dbs.rollback()
    return Lifecycle(vendor.id, assessment.id, dbs.get(EvidenceVersion, version_id).evidence_id)
