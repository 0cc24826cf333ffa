"""The demo's vendor lifecycle: a vendor in use whose reassessment is overdue, its documents about to expire,
and a vendor that has not answered the questionnaire sent to it, so the officer's home page has work to show.

* Northwind Transcription Services: selected a little over a year ago (tier 1: it stores transcripts), its one
  assessment completed 400 days back, so its yearly reassessment is overdue; its cyber insurance certificate
  and penetration-test letter run out within the month.
* Copperline Document Destruction: a prospect sent the HIPAA questionnaire, due a week ago, not answered.

Everything goes through the services (vendors, assessments, evidence) like the rest of the demo; only the
dates that make the story (when the assessment was completed, the questionnaire's due date) are set back
afterwards, since the services date things today. The dates are relative to today, so the story holds on any
day. Idempotent: a vendor, assessment or document the organization already has is left alone.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from contextlib import AbstractContextManager
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vendorcheck import assessments, evidence
from vendorcheck.assessments import Entry
from vendorcheck.audit import Actor
from vendorcheck.demo.answers import SHARED, answers_for
from vendorcheck.demo.documents import DemoDocument, render_pdf
from vendorcheck.demo.vendors import create_vendor
from vendorcheck.evidence import EvidenceDetails, Vault
from vendorcheck.models import (
    Assessment,
    Evidence,
    EvidenceKind,
    EvidenceVersion,
    Organization,
    PhiVolume,
    Vendor,
    VendorStatus,
)
from vendorcheck.questionnaire.model import EVIDENCE_ANSWERS, Questionnaire

NORTHWIND = "Northwind Transcription Services"
COPPERLINE = "Copperline Document Destruction"
COMPLETED_DAYS_AGO = 400  # tier 1 is reassessed every 12 months: overdue by about a month
UNANSWERED_DAYS_LATE = 7

VENDORS: list[dict[str, Any]] = [
    {
        "name": NORTHWIND,
        "website": "https://northwind-transcription.example",
        "address": "88 Canal St, Providence 02903",
        "state": "RI",
        "description": "Transcribes the physicians' dictation into the EHR; chosen last year.",
        "status": VendorStatus.SELECTED,
        "services": ["Medical transcription", "Dictation hosting"],
        "phi_volume": PhiVolume.MODERATE,
        "stores_phi": True,
        "processes_phi": True,
        "transmits_phi": True,
        "offshore": False,
        "uses_subcontractors": False,
        "contacts": [("Dana Whitfield", "compliance@northwind-transcription.example", "Compliance Lead", None)],
    },
    {
        "name": COPPERLINE,
        "website": "https://copperline-shred.example",
        "address": "410 Industrial Pkwy, Dayton 45402",
        "state": "OH",
        "description": "Collects and shreds paper records on site; quoted for the records-room clear-out.",
        "status": VendorStatus.PROSPECT,
        "services": ["On-site shredding", "Certificates of destruction"],
        "phi_volume": PhiVolume.LOW,
        "stores_phi": False,
        "processes_phi": True,
        "transmits_phi": False,
        "offshore": False,
        "uses_subcontractors": False,
        "contacts": [("Luis Ortega", "luis@copperline-shred.example", "Operations Manager", "+1 937 555 0134")],
    },
]


def documents(today: date) -> list[DemoDocument]:
    """Northwind's documents, dated so that they run out within the month."""
    return [
        DemoDocument(
            NORTHWIND,
            EvidenceKind.INSURANCE,
            "Certificate of cyber liability insurance",
            "northwind-cyber-insurance.pdf",
            today - timedelta(days=340),
            today + timedelta(days=25),
            (
                "Certificate of insurance: cyber liability and privacy breach response, USD 2,000,000 per claim.",
                "Insured: Northwind Transcription Services. Certificate holder: Riverside Family Medicine.",
            ),
            questions=("cyber_insurance",),
            review="accept",
        ),
        DemoDocument(
            NORTHWIND,
            EvidenceKind.PENTEST_LETTER,
            "Penetration test attestation letter",
            "northwind-pentest-letter.pdf",
            today - timedelta(days=356),
            today + timedelta(days=9),
            (
                "External and internal penetration test of the dictation platform: no critical or high finding open.",
                "Tester: an independent firm; retest of two medium findings completed.",
            ),
            questions=("pen_test_yearly",),
            review="accept",
        ),
    ]


def seed_lifecycle(
    transaction: Callable[[], AbstractContextManager[Session]],
    vault: Vault,
    library: Mapping[str, Questionnaire],
    org_name: str,
    actor: Actor,
) -> None:
    """Add what the organization lacks of the lifecycle story: the two vendors, their assessments, the documents."""
    today = date.today()
    with transaction() as session:
        org = session.scalars(select(Organization).where(Organization.name == org_name)).one()
        existing = set(session.scalars(select(Vendor.name).where(Vendor.org_id == org.id)))
        for spec in VENDORS:
            if spec["name"] not in existing:
                create_vendor(session, org, spec)
        session.flush()
        vendors = {v.name: v for v in session.scalars(select(Vendor).where(Vendor.org_id == org.id))}
        if "hipaa-security" in library:
            _completed_long_ago(session, actor, vendors[NORTHWIND], library["hipaa-security"], today)
            _sent_not_answered(session, actor, vendors[COPPERLINE], library["hipaa-security"], today)
        org_id, northwind_id = org.id, vendors[NORTHWIND].id
        titles = select(Evidence.title).where(Evidence.vendor_id == northwind_id, Evidence.received())
        have = set(session.scalars(titles))
    for document in documents(today):
        if document.title not in have:
            _store(transaction, vault, actor, org_id, northwind_id, document)


def _has_assessment(session: Session, vendor: Vendor) -> bool:
    return session.scalar(select(Assessment.id).where(Assessment.vendor_id == vendor.id)) is not None


def _completed_long_ago(
    session: Session, actor: Actor, vendor: Vendor, questionnaire: Questionnaire, today: date
) -> None:
    """Northwind's assessment: answered, every answer accepted, completed ``COMPLETED_DAYS_AGO`` days back."""
    if _has_assessment(session, vendor):
        return
    assessment = assessments.create(session, actor, vendor, [questionnaire], contact_email=vendor.contacts[0].email)
    assessments.issue_link(session, actor, assessment)
    vendor_actor = assessments.vendor_actor(assessment)
    sheet = assessments.sheet_of(session, assessment)
    chosen = answers_for(questionnaire, 0.9, SHARED, today, vendor.name)
    entries = {qid: Entry(raw=[str(v) for v in v_] if isinstance(v_, list) else str(v_)) for qid, v_ in chosen.items()}
    assessments.save(session, vendor_actor, sheet, entries)
    sheet = assessments.sheet_of(session, assessment)
    later = {q.id: Entry(raw=EVIDENCE_ANSWERS[0][0]) for q in sheet.visible() if q.type == "evidence"}
    assessments.save(session, vendor_actor, sheet, later)
    missing = assessments.submit(session, vendor_actor, assessments.sheet_of(session, assessment))
    if missing:
        raise ValueError(f"demo answers for {vendor.name} leave questions open: {[q.id for q in missing]}")
    sheet = assessments.sheet_of(session, assessment)
    for question in sheet.visible():
        assessments.review(session, actor, sheet, question.id, "accept")
    assessments.complete(session, actor, sheet)
    # The story needs a cycle completed over a year ago; the services dated it today.
    back = datetime.combine(today - timedelta(days=COMPLETED_DAYS_AGO), time(15, 0), tzinfo=UTC)
    assessment.created_at, assessment.sent_at = back - timedelta(days=20), back - timedelta(days=20)
    assessment.submitted_at, assessment.completed_at = back - timedelta(days=3), back


def _sent_not_answered(
    session: Session, actor: Actor, vendor: Vendor, questionnaire: Questionnaire, today: date
) -> None:
    """Copperline's questionnaire: sent, due a week ago, not a single answer."""
    if _has_assessment(session, vendor):
        return
    assessment = assessments.create(session, actor, vendor, [questionnaire], contact_email=vendor.contacts[0].email)
    assessments.issue_link(session, actor, assessment)
    assessment.due_date = today - timedelta(days=UNANSWERED_DAYS_LATE)  # past due: the services refuse such a date


def _store(
    transaction: Callable[[], AbstractContextManager[Session]],
    vault: Vault,
    actor: Actor,
    org_id: int,
    vendor_id: int,
    document: DemoDocument,
) -> None:
    """Store one document encrypted through the upload service, then record the assessor's review."""
    details = EvidenceDetails(
        document.kind, document.title, list(document.questions), document.issued_on, document.valid_until
    )
    version_id = evidence.store_bytes(
        transaction, vault, actor, vendor_id, org_id, document.filename, iter([render_pdf(document)]), details=details
    )
    if document.review == "accept":
        with transaction() as session:
            evidence.review(session, actor, session.get(EvidenceVersion, version_id).evidence, True, "")
