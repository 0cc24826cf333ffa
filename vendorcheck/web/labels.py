"""Plain words for stored values, for templates (``{{ vendor.phi_volume | label }}``)."""

from __future__ import annotations

import enum

from flask import Flask

from vendorcheck.audit import trail
from vendorcheck.models import (
    AssessmentStatus,
    EvidenceKind,
    EvidenceReview,
    PhiVolume,
    ReviewState,
    Role,
    VendorStatus,
)
from vendorcheck.vault.filetypes import BY_MEDIA_TYPE

LABELS: dict[enum.Enum, str] = {
    PhiVolume.NONE: "None",
    PhiVolume.LOW: "Low (under 1,000 patients)",
    PhiVolume.MODERATE: "Moderate (1,000 to 50,000 patients)",
    PhiVolume.HIGH: "High (over 50,000 patients)",
    VendorStatus.PROSPECT: "Prospect",
    VendorStatus.SHORTLISTED: "Shortlisted",
    VendorStatus.SELECTED: "Selected",
    VendorStatus.REJECTED: "Rejected",
    VendorStatus.ARCHIVED: "Archived",
    VendorStatus.OFFBOARDING: "Offboarding",
    VendorStatus.ENDED: "Ended",
    AssessmentStatus.DRAFT: "Draft",
    AssessmentStatus.SENT: "Sent to vendor",
    AssessmentStatus.IN_PROGRESS: "Vendor answering",
    AssessmentStatus.SUBMITTED: "Submitted",
    AssessmentStatus.IN_REVIEW: "In review",
    AssessmentStatus.COMPLETED: "Completed",
    AssessmentStatus.CANCELLED: "Cancelled",
    ReviewState.PENDING: "Awaiting review",
    ReviewState.ACCEPTED: "Accepted",
    ReviewState.CLARIFICATION_REQUESTED: "Clarification requested",
    ReviewState.OVERRIDDEN: "Overridden",
    EvidenceKind.SOC2_REPORT: "SOC 2 report",
    EvidenceKind.BAA: "Business associate agreement",
    EvidenceKind.PENTEST_LETTER: "Penetration test letter",
    EvidenceKind.POLICY: "Policy",
    EvidenceKind.CERTIFICATE: "Certificate",
    EvidenceKind.INSURANCE: "Insurance certificate",
    EvidenceKind.CONTRACT: "Contract or services agreement",
    EvidenceKind.OTHER: "Other document",
    EvidenceReview.PENDING: "Awaiting review",
    EvidenceReview.ACCEPTED: "Accepted",
    EvidenceReview.REJECTED: "Rejected",
    Role.ADMIN: "Administrator",
    Role.ASSESSOR: "Compliance officer",
    Role.VIEWER: "Practice owner",
    Role.AUDITOR: "Auditor",
}


def label(value: object) -> str:
    """The plain-words label of an enum member, or the value itself as text."""
    if isinstance(value, enum.Enum):
        return LABELS.get(value, str(value.value).replace("_", " ").capitalize())
    return str(value)


def filesize(size: int) -> str:
    """Bytes in the unit a person reads: 812 bytes, 4.2 MB."""
    if size < 1000:
        return f"{size} bytes"
    for unit in ("kB", "MB", "GB"):
        size /= 1000
        if size < 1000 or unit == "GB":
            return f"{size:.1f} {unit}"
    raise AssertionError("unreachable")


def file_type(media_type: str) -> str:
    """'PDF document' for application/pdf, and so on."""
    found = BY_MEDIA_TYPE.get(media_type.split(";")[0])
    return found.label if found else media_type


def init_app(app: Flask) -> None:
    """Make ``label``, ``filesize``, ``file_type`` and ``detail`` (an audit detail) available as template filters."""
    app.add_template_filter(label, "label")
    app.add_template_filter(trail.detail_text, "detail")
    app.add_template_filter(filesize, "filesize")
    app.add_template_filter(file_type, "file_type")
