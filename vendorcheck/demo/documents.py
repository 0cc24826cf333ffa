"""Demo evidence: realistic (fictitious) documents for the demo vendors, generated as PDFs and stored encrypted.

Each vendor gets a different picture: a current SOC 2 Type II report and signed BAA, a Type I report only,
an unsigned BAA template that was rejected, an expired report. Each is filed as the assessor's upload form
files it (:func:`vendorcheck.evidence.store_bytes` with the questions a user could tick there: the question
that asks for the document); what it then proves follows from its kind (``proven_by``), as for any user's
document. Idempotent: a document whose title the vendor already has is skipped.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from vendorcheck import evidence
from vendorcheck.audit import Actor
from vendorcheck.evidence import EvidenceDetails, Vault
from vendorcheck.models import Evidence, EvidenceKind, EvidenceVersion, Organization, Vendor

FIXED_DATE = datetime(2026, 11, 1, tzinfo=UTC)  # reproducible files


@dataclass(frozen=True)
class DemoDocument:
    """One document in the demo: what it is, what it says, and how the assessor judged it."""

    vendor: str
    kind: EvidenceKind
    title: str
    filename: str
    issued_on: date
    valid_until: date | None
    paragraphs: tuple[str, ...]
    questions: tuple[str, ...] = ()  # as ticked on the upload form: the question that asks for this document
    review: str | None = None  # "accept", or a rejection reason; None leaves it awaiting review


def _soc2(vendor: str, kind: str, period: str, auditor: str, exceptions: str) -> tuple[str, ...]:
    tested = " and operating effectiveness" if "II" in kind else ""
    return (
        f"Independent Service Auditor's Report on {vendor}'s description of its medical billing and "
        f"revenue-cycle system and the suitability of the design{tested} "
        f"of its controls relevant to Security and Confidentiality ({kind}, {period}).",
        f"Service auditor: {auditor}, licensed CPA firm.",
        "Opinion: in our opinion, in all material respects, the description fairly presents the system and the "
        "controls stated in the description were suitably designed"
        + (" and operated effectively throughout the period." if "II" in kind else " as of the report date."),
        f"Exceptions noted: {exceptions}",
        "Subservice organizations (carve-out method): Amazon Web Services (hosting); the clearinghouse.",
        "Complementary user entity controls: the practice is responsible for removing access of its own staff "
        "to the billing portal, reviewing remittance reports monthly and protecting its portal credentials.",
    )


DOCUMENTS: list[DemoDocument] = [
    DemoDocument(
        "ClearPath Medical Billing",
        EvidenceKind.OTHER,
        "Sample monthly performance report, October 2026 (client names removed)",
        "ClearPath monthly KPI report Oct 2026.pdf",
        date(2026, 11, 6),
        date(2027, 11, 6),
        (
            "Monthly revenue-cycle report for a family-medicine client (three physicians), October 2026. Client and "
            "patient identifiers removed.",
            "Clean claims (accepted on first submission): 97.1% of 1,912 claims. Denials: 4.2% of claims, of which "
            "92% reworked and resubmitted within 10 days.",
            "Net days in accounts receivable: 32.4. Net collection rate, trailing twelve months: 97.8%.",
            "Measured by HFMA MAP Keys definitions from the practice-management system's standard reports.",
        ),
        ("clean_claim_rate", "denial_rate", "days_in_ar", "net_collection_rate"),
        "accept",
    ),
    DemoDocument(
        "ClearPath Medical Billing",
        EvidenceKind.SOC2_REPORT,
        "SOC 2 Type II report, period ending June 2026",
        "ClearPath SOC 2 Type II 2026.pdf",
        date(2026, 8, 15),
        date(2027, 8, 15),
        _soc2(
            "ClearPath Medical Billing",
            "SOC 2 Type II",
            "July 1, 2025 to June 30, 2026",
            "Hartwell & Moss LLP",
            "one exception (CC6.2: two terminated users' access removed after 5 days instead of 24 hours).",
        ),
        ("soc2_report_upload",),
        "accept",
    ),
    DemoDocument(
        "ClearPath Medical Billing",
        EvidenceKind.BAA,
        "Business associate agreement, countersigned",
        "Riverside-ClearPath BAA signed.pdf",
        date(2026, 10, 2),
        None,
        (
            "Business Associate Agreement between Riverside Family Medicine (Covered Entity) and ClearPath Medical "
            "Billing (Business Associate).",
            "Business Associate will implement administrative, physical and technical safeguards that reasonably "
            "and appropriately protect electronic PHI, as required by 45 CFR 164.314(a).",
            "Business Associate will report any Breach of Unsecured PHI to Covered Entity within 10 calendar days "
            "of discovery, and any security incident within 5 business days.",
            "Business Associate will ensure that any subcontractor that creates, receives, maintains or transmits "
            "PHI on its behalf agrees in writing to the same restrictions and conditions.",
            "Signed: Maria Lopez, Director of Compliance, ClearPath Medical Billing. Signed: Dr. Priya Shah, Owner.",
        ),
        ("baa_will_sign",),
        "accept",
    ),
    DemoDocument(
        "ClearPath Medical Billing",
        EvidenceKind.PENTEST_LETTER,
        "Penetration test attestation letter 2026",
        "ClearPath pentest letter.pdf",
        date(2026, 5, 20),
        date(2027, 5, 20),
        (
            "Attestation of external and internal network and web-application penetration testing performed "
            "April 6 to April 24, 2026 against the ClearPath billing portal and corporate network.",
            "Findings: 0 critical, 1 high (remediated and retested May 12, 2026), 4 medium, 7 low.",
            "Tester: Ironbridge Security, OSCP- and CREST-certified staff.",
        ),
        ("pen_test_yearly",),
    ),
    DemoDocument(
        "Summit Revenue Partners",
        EvidenceKind.SOC2_REPORT,
        "SOC 2 Type I report, as of March 2026",
        "Summit SOC2 Type I.pdf",
        date(2026, 4, 30),
        date(2027, 3, 31),
        _soc2(
            "Summit Revenue Partners",
            "SOC 2 Type I",
            "as of March 31, 2026",
            "Baxter Assurance Group",
            "none (a Type I report does not test whether controls operated over time).",
        ),
        ("soc2_report_upload",),
        "accept",
    ),
    DemoDocument(
        "Summit Revenue Partners",
        EvidenceKind.INSURANCE,
        "Cyber liability insurance certificate",
        "Summit cyber insurance COI.pdf",
        date(2026, 1, 1),
        date(2027, 1, 1),
        (
            "Certificate of insurance: cyber liability and technology errors & omissions.",
            "Limits: USD 5,000,000 each claim and aggregate; includes breach response and regulatory defense.",
            "Policy period: January 1, 2026 to January 1, 2027.",
        ),
        ("cyber_insurance",),
        "accept",
    ),
    DemoDocument(
        "BlueHarbor Claims Co.",
        EvidenceKind.BAA,
        "Business associate agreement (template)",
        "BlueHarbor standard BAA.pdf",
        date(2024, 2, 1),
        None,
        (
            "BlueHarbor Claims Co. standard Business Associate Agreement (template, unsigned).",
            "Business Associate will report breaches of Unsecured PHI without unreasonable delay and in no case "
            "later than 60 calendar days after discovery.",
            "This template does not address subcontractors.",
        ),
        ("baa_will_sign",),
        "This is BlueHarbor's unsigned template and it does not flow down to subcontractors. "
        "Send the countersigned copy of our BAA.",
    ),
    DemoDocument(
        "BlueHarbor Claims Co.",
        EvidenceKind.POLICY,
        "Incident response plan",
        "BlueHarbor incident response plan.pdf",
        date(2025, 9, 1),
        date(2026, 9, 1),
        (
            "Incident response plan: roles, severity levels, containment, notification and lessons learned.",
            "Last tabletop exercise: none recorded.",
        ),
        ("incident_plan",),
    ),
    DemoDocument(
        "Apex RCM Solutions",
        EvidenceKind.SOC2_REPORT,
        "SOC 2 Type II report, period ending December 2024",
        "Apex SOC 2 2024.pdf",
        date(2025, 2, 28),
        date(2026, 2, 28),
        _soc2(
            "Apex RCM Solutions",
            "SOC 2 Type II",
            "January 1 to December 31, 2024",
            "Keller Pratt CPAs",
            "three exceptions in change management (CC8.1) and one in logical access (CC6.1).",
        ),
        ("soc2_report_upload",),
        "accept",
    ),
]


def render_pdf(document: DemoDocument) -> bytes:
    """A one- or two-page PDF of the document, marked as a fictitious demo file."""
    from fpdf import FPDF  # here: the CLI's server process (`vendorcheck demo`) need not keep fpdf2 resident

    pdf = FPDF(format="Letter")
    pdf.set_creation_date(FIXED_DATE)
    pdf.set_title(document.title)
    pdf.set_author(document.vendor)
    pdf.set_margins(22, 22, 22)
    pdf.add_page()
    pdf.set_font("Helvetica", "B", 9)
    pdf.set_text_color(150, 40, 40)
    pdf.cell(0, 6, "DEMO DOCUMENT - fictitious, generated by vendorcheck demo", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(0, 0, 0)
    pdf.set_font("Helvetica", "B", 16)
    pdf.multi_cell(0, 8, document.title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    pdf.set_text_color(90, 90, 90)
    valid = f", valid until {document.valid_until:%B %d, %Y}" if document.valid_until else ""
    pdf.cell(0, 6, f"{document.vendor} - issued {document.issued_on:%B %d, %Y}{valid}", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_text_color(0, 0, 0)
    pdf.set_font("Helvetica", "", 11)
    for paragraph in document.paragraphs:
        pdf.multi_cell(0, 6, paragraph, new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
    return bytes(pdf.output())


def seed_evidence(
    transaction: Callable[[], AbstractContextManager[Session]], vault: Vault, org_name: str, actor: Actor
) -> int:
    """Store the demo documents the vendors do not have yet; returns how many were added."""
    with transaction() as session:
        org = session.scalars(select(Organization).where(Organization.name == org_name)).one()
        vendors = {v.name: v.id for v in session.scalars(select(Vendor).where(Vendor.org_id == org.id))}
        have = {
            (e.vendor_id, e.title)
            for e in session.scalars(select(Evidence).where(Evidence.org_id == org.id, Evidence.received()))
        }
        org_id = org.id
    added = 0
    for document in DOCUMENTS:
        vendor_id = vendors.get(document.vendor)
        if vendor_id is None or (vendor_id, document.title) in have:
            continue
        details = EvidenceDetails(
            document.kind, document.title, list(document.questions), document.issued_on, document.valid_until
        )
        version_id = evidence.store_bytes(
            transaction,
            vault,
            actor,
            vendor_id,
            org_id,
            document.filename,
            iter([render_pdf(document)]),
            details=details,
        )
        if document.review is not None:
            with transaction() as session:
                item = session.get(EvidenceVersion, version_id).evidence
                accept = document.review == "accept"
                evidence.review(session, actor, item, accept, "" if accept else document.review)
        added += 1
    return added
