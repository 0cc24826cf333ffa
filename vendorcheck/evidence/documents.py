"""What every part of the evidence service shares about a document: the error its user reads, the
version that counts, and the audit event it writes. No Flask."""

from __future__ import annotations

from sqlalchemy.orm import Session

from vendorcheck import audit
from vendorcheck.audit import Actor
from vendorcheck.models import Evidence, EvidenceVersion


class EvidenceError(ValueError):
    """A request about evidence that cannot be carried out; the message is for the user."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def latest_version(evidence: Evidence) -> EvidenceVersion | None:
    """The newest complete version (the one that counts)."""
    return evidence.versions[-1] if evidence.versions else None


def record_event(session: Session, action: str, actor: Actor, evidence: Evidence, details: dict[str, object]) -> None:
    """An audit event about ``evidence``, in its organization's chain and the caller's transaction."""
    audit.record(
        session,
        action,
        actor,
        org_id=evidence.org_id,
        vendor_id=evidence.vendor_id,
        target_type="evidence",
        target_id=evidence.id,
        details=details,
    )
