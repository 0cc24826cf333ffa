"""The owner's decision: recorded with the compared scores frozen as snapshots (audited), and read back (who
decided, when, why) for the comparison, the vendor page and the memo."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from vendorcheck import audit
from vendorcheck.audit import Actor, actions
from vendorcheck.models import (
    Decision,
    ScoreSnapshot,
    User,
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


# Decisions are rare (one per vendor choice), so the latest few are read and matched here rather than in SQL on
# the JSON list of compared vendors, which each database spells differently.
RECENT_DECISIONS = 200


@dataclass(frozen=True)
class RecordedDecision:
    """A recorded decision as people read it: which vendor, who chose it, when and why, among which vendors."""

    id: int
    vendor_id: int
    vendor: str
    decided_by: str  # the person's name, or "a former user" once the account is gone
    decided_at: datetime
    reason: str
    compared: tuple[str, ...]  # vendor names, as they are today
    compared_ids: tuple[int, ...]


def latest_decision(
    session: Session, org_id: int, vendor_ids: Collection[int] | None = None
) -> RecordedDecision | None:
    """The organization's latest decision, or the latest that chose or compared one of ``vendor_ids``."""
    rows = session.scalars(
        select(Decision)
        .where(Decision.org_id == org_id)
        .order_by(Decision.decided_at.desc(), Decision.id.desc())
        .limit(RECENT_DECISIONS)
    )
    wanted = set(vendor_ids) if vendor_ids is not None else None
    for row in rows:
        involved = {row.vendor_id, *(row.compared or [])}
        if wanted is None or involved & wanted:
            return _readable(session, row)
    return None


def _readable(session: Session, row: Decision) -> RecordedDecision:
    person = session.get(User, row.decided_by_id) if row.decided_by_id is not None else None
    ids = tuple(int(i) for i in row.compared or [])
    names = {
        vendor_id: name
        for vendor_id, name in session.execute(
            select(Vendor.id, Vendor.name).where(Vendor.org_id == row.org_id, Vendor.id.in_(ids))
        )
    }
    return RecordedDecision(
        id=row.id,
        vendor_id=row.vendor_id,
        vendor=row.vendor.name,
        decided_by=(person.display_name or person.email) if person is not None else "a former user",
        decided_at=row.decided_at,
        reason=row.reason,
        compared=tuple(names[i] for i in ids if i in names),
        compared_ids=ids,
    )
