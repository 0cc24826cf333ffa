"""Computed scores, the scoring profile's versions and the owner's decisions."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vendorcheck.models.base import Base, OrgScoped, utcnow

if TYPE_CHECKING:  # relationships name these; SQLAlchemy finds them in its registry at run time
    from vendorcheck.models.vendors import Vendor


class ScoreSnapshot(OrgScoped, Base):
    """A computed risk score, kept with the method and profile versions that produced it."""

    __tablename__ = "score_snapshots"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendors.id"), index=True)
    assessment_id: Mapped[int | None] = mapped_column(ForeignKey("assessments.id"))
    method_version: Mapped[str] = mapped_column(String(20))
    profile_version: Mapped[str] = mapped_column(String(50))
    claimed: Mapped[float]
    proven: Mapped[float]
    evidence_confidence: Mapped[float]
    residual_rating: Mapped[str] = mapped_column(String(20))
    knockouts: Mapped[list[str]] = mapped_column(default=list)
    explanation: Mapped[dict[str, Any]] = mapped_column(default=dict)
    computed_at: Mapped[datetime] = mapped_column(default=utcnow)
    decision_id: Mapped[int | None] = mapped_column(ForeignKey("decisions.id"), index=True)


class ScoringProfileVersion(OrgScoped, Base):
    """One saved version of an organization's scoring profile (weights, thresholds, knock-outs); never edited."""

    __tablename__ = "scoring_profiles"
    __table_args__ = (UniqueConstraint("org_id", "version", name="uq_scoring_profiles_org_id_version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    version: Mapped[int] = mapped_column(Integer)
    content: Mapped[dict[str, Any]] = mapped_column(default=dict)
    note: Mapped[str | None] = mapped_column(Text)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Decision(OrgScoped, Base):
    """The practice's choice among compared vendors, with the scores as they stood (score_snapshots)."""

    __tablename__ = "decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendors.id"))
    compared: Mapped[list[int]] = mapped_column(JSON, default=list)  # vendor ids laid side by side
    reason: Mapped[str] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)

    vendor: Mapped[Vendor] = relationship()
