"""An assessor's review of a document: accept it, or reject it with a reason the vendor reads. No Flask.

A new version of a document goes back to awaiting review (``uploads.finish_upload``).
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from vendorcheck.audit import Actor
from vendorcheck.evidence.documents import EvidenceError, latest_version, record_event
from vendorcheck.models import Evidence, EvidenceReview, utcnow


def review(
    session: Session, actor: Actor, evidence: Evidence, accept: bool, reason: str = "", reviewer_id: int | None = None
) -> None:
    """Accept, or reject with a reason the vendor will read."""
    reason = reason.strip()
    if not accept and not reason:
        raise EvidenceError("Say why the document is rejected, so the vendor can send the right one.", "reason")
    if latest_version(evidence) is None:
        raise EvidenceError("There is no complete file to review.")
    evidence.review_state = EvidenceReview.ACCEPTED if accept else EvidenceReview.REJECTED
    evidence.rejection_reason = None if accept else reason
    evidence.reviewed_by_id = reviewer_id
    evidence.reviewed_at = utcnow()
    record_event(
        session,
        "evidence.accepted" if accept else "evidence.rejected",
        actor,
        evidence,
        {"title": evidence.title, "reason": reason} if reason else {"title": evidence.title},
    )
