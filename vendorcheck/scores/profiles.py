"""The organization's scoring profile: the current one, its history, saving a new version (audited)."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from vendorcheck import audit
from vendorcheck.audit import Actor, actions
from vendorcheck.models import (
    ScoringProfileVersion,
)
from vendorcheck.scoring import ScoringProfile


def current_profile(session: Session, org_id: int) -> ScoringProfile:
    """The organization's latest saved profile, or the built-in default (version 0)."""
    row = session.scalar(
        select(ScoringProfileVersion)
        .where(ScoringProfileVersion.org_id == org_id)
        .order_by(ScoringProfileVersion.version.desc())
        .limit(1)
    )
    return ScoringProfile() if row is None else ScoringProfile.from_json(row.content, row.version)


def profile_history(session: Session, org_id: int) -> list[ScoringProfileVersion]:
    """Every saved version, newest first."""
    return list(
        session.scalars(
            select(ScoringProfileVersion)
            .where(ScoringProfileVersion.org_id == org_id)
            .order_by(ScoringProfileVersion.version.desc())
        )
    )


def save_profile(
    session: Session, actor: Actor, org_id: int, profile: ScoringProfile, note: str = ""
) -> ScoringProfile:
    """Store ``profile`` as the next version (ProfileError if it cannot score); earlier versions stay."""
    profile.check()
    latest = session.scalar(
        select(func.max(ScoringProfileVersion.version)).where(ScoringProfileVersion.org_id == org_id)
    )
    version = (latest or 0) + 1
    content = profile.to_json()
    session.add(
        ScoringProfileVersion(
            org_id=org_id, version=version, content=content, note=note or None, created_by_id=actor.user_id
        )
    )
    audit.record(
        session,
        actions.SCORING_PROFILE_SAVED,
        actor,
        org_id=org_id,
        target_type="scoring_profile",
        target_id=version,
        details={"version": version, "note": note[:200], **content},
    )
    return ScoringProfile.from_json(content, version)
