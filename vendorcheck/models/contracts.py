"""The contract register and offboarding: agreements with their clause checks, and the checklist of ending a vendor.

What the rows mean and which values are valid is the business of :mod:`vendorcheck.contracts` (the service);
the tables only hold it.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, Boolean, Date, ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vendorcheck.enums import AgreementKind
from vendorcheck.models.base import Base, OrgScoped, enum_column, utcnow

if TYPE_CHECKING:  # relationships name these; SQLAlchemy finds them in its registry at run time
    from vendorcheck.models.evidence import Evidence
    from vendorcheck.models.vendors import Vendor


class Agreement(OrgScoped, Base):
    """A BAA, services agreement or data-processing terms with a vendor: dates, renewal, document, clause checks."""

    __tablename__ = "agreements"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendors.id"), index=True)
    kind: Mapped[AgreementKind] = mapped_column(enum_column(AgreementKind, "agreement_kind"))
    title: Mapped[str] = mapped_column(String(300))
    effective_on: Mapped[date] = mapped_column(Date)
    term_months: Mapped[int | None] = mapped_column(Integer)  # None: no fixed term (runs until terminated)
    auto_renews: Mapped[bool] = mapped_column(Boolean, default=False)
    notice_days: Mapped[int | None] = mapped_column(Integer)  # notice to stop a renewal, before the term ends
    ends_on: Mapped[date | None] = mapped_column(Date)  # end of the first term (stored by the service)
    # The signed document, filed through the evidence upload (kind BAA or contract): the vault holds it.
    document_id: Mapped[int | None] = mapped_column(ForeignKey("evidence.id"))
    # Clause id -> where the officer found it ("§7.2, p. 4"): the clauses confirmed present.
    clauses: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    clauses_version: Mapped[int] = mapped_column(Integer, default=1)  # the catalogue the checks were made against
    terminated_on: Mapped[date | None] = mapped_column(Date)
    notes: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    vendor: Mapped[Vendor] = relationship()
    document: Mapped[Evidence | None] = relationship()


class Offboarding(OrgScoped, Base):
    """Ending a vendor: when it started, the target date, when every step was done; one per vendor."""

    __tablename__ = "offboardings"
    __table_args__ = (UniqueConstraint("vendor_id", name="uq_offboardings_vendor_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendors.id"))
    reason: Mapped[str] = mapped_column(Text)
    due_on: Mapped[date] = mapped_column(Date)  # when every step should be done
    previous_status: Mapped[str] = mapped_column(String(32))  # the vendor's status before (for the record)
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_by: Mapped[str] = mapped_column(String(200))
    ended_at: Mapped[datetime | None]

    vendor: Mapped[Vendor] = relationship()
    steps: Mapped[list[OffboardingStep]] = relationship(
        back_populates="offboarding", cascade="all, delete-orphan", order_by="OffboardingStep.position"
    )


class OffboardingStep(Base):
    """One step of the checklist: done when, by whom, with a note and (for PHI) the certificate's evidence id."""

    __tablename__ = "offboarding_steps"
    __table_args__ = (UniqueConstraint("offboarding_id", "step", name="uq_offboarding_steps_offboarding_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    offboarding_id: Mapped[int] = mapped_column(ForeignKey("offboardings.id", ondelete="CASCADE"), index=True)
    step: Mapped[str] = mapped_column(String(40))  # a key of vendorcheck.contracts.offboarding.STEPS
    position: Mapped[int] = mapped_column(Integer)
    done_at: Mapped[datetime | None]
    done_by: Mapped[str | None] = mapped_column(String(200))
    note: Mapped[str | None] = mapped_column(Text)
    evidence_id: Mapped[int | None] = mapped_column(ForeignKey("evidence.id"))

    offboarding: Mapped[Offboarding] = relationship(back_populates="steps")
    evidence: Mapped[Evidence | None] = relationship()
