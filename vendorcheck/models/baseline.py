"""The practice's own billing today ("In-house today"): its figures and the readiness checklist answers."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, ForeignKey
from sqlalchemy.orm import Mapped, mapped_column

from vendorcheck.models.base import Base, OrgScoped, utcnow


class Baseline(OrgScoped, Base):
    """One row per organization; every figure optional (missing means "needs your figures", never a guess)."""

    __tablename__ = "baselines"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), unique=True)
    annual_collections: Mapped[float | None]
    annual_charges: Mapped[float | None]
    monthly_claims: Mapped[float | None]
    clean_claim_rate: Mapped[float | None]
    denial_rate: Mapped[float | None]
    denials_never_reworked: Mapped[float | None]
    days_in_ar: Mapped[float | None]
    ar_over_90: Mapped[float | None]
    net_collection_rate: Mapped[float | None]
    staff_cost: Mapped[float | None]
    software_cost: Mapped[float | None]
    kept_costs: Mapped[float | None]
    checklist: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
