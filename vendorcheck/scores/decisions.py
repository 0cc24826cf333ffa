"""The owner's decision: recorded with the compared scores frozen as snapshots (audited)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from vendorcheck import audit
from vendorcheck.audit import Actor, actions
from vendorcheck.models import (
    Decision,
    ScoreSnapshot,
    Vendor,
    VendorStatus,
)
from vendorcheck.scores.common import ScoreError
from vendorcheck.scores.comparison import Comparison
from vendorcheck.scores.exports import score_json
from vendorcheck.scores.vendor_scores import VendorScore


def snapshot(entry: VendorScore, decision: Decision | None = None) -> ScoreSnapshot:
    """A stored copy of a vendor's score, naming the method and profile versions that produced it."""
    found = entry.score
    assert found is not None and found.rating is not None
    return ScoreSnapshot(
        org_id=entry.vendor.org_id,
        vendor_id=entry.vendor.id,
        assessment_id=entry.assessments[-1].id if entry.assessments else None,
        method_version=found.method_version,
        profile_version=str(found.profile_version),
        claimed=round(found.claimed, 4),
        proven=round(found.proven, 4),
        evidence_confidence=round(found.confidence, 4),
        residual_rating=found.rating.name,
        knockouts=[k.question_id for k in found.knockouts],
        explanation=score_json(entry),
        decision_id=decision.id if decision else None,
    )


def record_decision(session: Session, actor: Actor, comparison: Comparison, chosen: Vendor, reason: str) -> Decision:
    """The practice's choice, with every compared vendor's score frozen beside it; the chosen vendor is selected."""
    if not reason.strip():
        raise ScoreError("Say in a sentence why this vendor was chosen.")
    if chosen.id not in {e.vendor.id for e in comparison.entries}:
        raise ScoreError("Choose one of the vendors being compared.")
    decision = Decision(
        org_id=chosen.org_id,
        vendor_id=chosen.id,
        compared=[e.vendor.id for e in comparison.entries],
        reason=reason.strip(),
        decided_by_id=actor.user_id,
    )
    session.add(decision)
    session.flush()
    for entry in comparison.assessed:
        session.add(snapshot(entry, decision))
    chosen.status = VendorStatus.SELECTED
    audit.record(
        session,
        actions.DECISION_RECORDED,
        actor,
        org_id=chosen.org_id,
        vendor_id=chosen.id,
        target_type="decision",
        target_id=decision.id,
        details={
            "chosen": chosen.name,
            "compared": [e.vendor.name for e in comparison.entries],
            "reason": reason.strip()[:500],
            "profile_version": comparison.profile.version,
        },
    )
    return decision
