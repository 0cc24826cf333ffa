"""An organization's reassessment settings per risk tier: how often, and which questionnaires a reassessment sends."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey, Integer, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from vendorcheck.models.base import Base, OrgScoped, utcnow


class TierSetting(OrgScoped, Base):
    """One tier's settings for one organization; a tier without a row uses the defaults (lifecycle.tiers)."""

    __tablename__ = "tier_settings"
    __table_args__ = (UniqueConstraint("org_id", "tier", name="uq_tier_settings_org_id_tier"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    tier: Mapped[int] = mapped_column(Integer)  # 1 (most exposure) .. 3
    interval_months: Mapped[int] = mapped_column(Integer)
    questionnaires: Mapped[list[str]] = mapped_column(JSON, default=list)  # questionnaire ids, in order
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
