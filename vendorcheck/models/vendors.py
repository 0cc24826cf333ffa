"""Vendors (business associates) with the profile that drives inherent risk, and their contacts."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    ColumnElement,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    and_,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vendorcheck.enums import (
    PhiVolume,
    VendorStatus,
)
from vendorcheck.models.base import Base, OrgScoped, enum_column, utcnow

if TYPE_CHECKING:  # relationships name these; SQLAlchemy finds them in its registry at run time
    from vendorcheck.models.accounts import Organization
    from vendorcheck.models.assessments import Assessment
    from vendorcheck.models.evidence import Evidence
    from vendorcheck.models.screening import Principal


class Vendor(OrgScoped, Base):
    """A business associate under assessment, with the profile that drives its inherent risk."""

    __tablename__ = "vendors"
    __table_args__ = (UniqueConstraint("org_id", "name", name="uq_vendors_org_id_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    website: Mapped[str | None] = mapped_column(String(500))
    # Where the company is: matched against the public lists' addresses (vendorcheck.screening).
    address: Mapped[str | None] = mapped_column(String(300))
    state: Mapped[str | None] = mapped_column(String(2))  # USPS code
    description: Mapped[str | None] = mapped_column(Text)
    status: Mapped[VendorStatus] = mapped_column(
        enum_column(VendorStatus, "vendor_status"), default=VendorStatus.PROSPECT
    )
    # Profile: what the practice buys and how PHI flows to the vendor.
    services: Mapped[list[str]] = mapped_column(default=list)
    phi_volume: Mapped[PhiVolume] = mapped_column(enum_column(PhiVolume, "phi_volume"), default=PhiVolume.NONE)
    stores_phi: Mapped[bool] = mapped_column(Boolean, default=False)
    processes_phi: Mapped[bool] = mapped_column(Boolean, default=False)
    transmits_phi: Mapped[bool] = mapped_column(Boolean, default=False)
    offshore: Mapped[bool] = mapped_column(Boolean, default=False)
    offshore_countries: Mapped[str | None] = mapped_column(String(300))
    uses_subcontractors: Mapped[bool] = mapped_column(Boolean, default=False)
    subcontractors: Mapped[str | None] = mapped_column(Text)
    # The officer may raise the tier the profile gives (lifecycle.tiers), never lower it; why, who and when.
    tier_override: Mapped[int | None] = mapped_column(Integer)
    tier_reason: Mapped[str | None] = mapped_column(Text)
    tier_set_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    tier_set_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    organization: Mapped[Organization] = relationship(back_populates="vendors")
    contacts: Mapped[list[VendorContact]] = relationship(
        back_populates="vendor", cascade="all, delete-orphan", order_by="VendorContact.id"
    )
    assessments: Mapped[list[Assessment]] = relationship(
        back_populates="vendor", order_by="Assessment.created_at.desc()"
    )
    principals: Mapped[list[Principal]] = relationship(
        back_populates="vendor", cascade="all, delete-orphan", order_by="Principal.id"
    )
    # Only documents with a complete version: an upload cut off by a crash is never listed or counted.
    evidence: Mapped[list[Evidence]] = relationship(
        primaryjoin=lambda: _received_evidence_of_vendor(),
        order_by="Evidence.id",
        viewonly=True,
    )

    @property
    def phi_flows(self) -> list[str]:
        """The ways PHI reaches this vendor, in plain words."""
        flows = [
            ("stores", self.stores_phi),
            ("processes", self.processes_phi),
            ("transmits", self.transmits_phi),
        ]
        return [word for word, on in flows if on]


class VendorContact(Base):
    """A person at the vendor who answers questionnaires."""

    __tablename__ = "vendor_contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendors.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    email: Mapped[str] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(50))
    title: Mapped[str | None] = mapped_column(String(200))
    is_primary: Mapped[bool] = mapped_column(Boolean, default=False)

    vendor: Mapped[Vendor] = relationship(back_populates="contacts")


def _received_evidence_of_vendor() -> ColumnElement[bool]:
    """Vendor.evidence's join: the vendor's documents that have a complete version (read when mappers configure)."""
    from vendorcheck.models.evidence import Evidence  # the two modules refer to each other

    return and_(Vendor.id == Evidence.vendor_id, Evidence.received())
