"""Screening against public lists: a vendor's principals, imported list versions and their rows, each
screening of a vendor against a version, and the candidate matches a person confirms or dismisses.

List versions are public data: one imported at the command line (``org_id`` NULL) serves every organization
of the instance, one uploaded by an organization's admin serves that organization only, so no organization
can plant or mask a list entry for another.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import JSON, Boolean, Date, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vendorcheck.enums import CandidateStatus, ListSource
from vendorcheck.models.base import Base, OrgScoped, enum_column, utcnow

if TYPE_CHECKING:  # relationships name these; SQLAlchemy finds them in its registry at run time
    from vendorcheck.models.accounts import User
    from vendorcheck.models.vendors import Vendor


class Principal(OrgScoped, Base):
    """An owner, officer or managing employee of a vendor, screened as a person."""

    __tablename__ = "vendor_principals"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendors.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    title: Mapped[str | None] = mapped_column(String(200))
    date_of_birth: Mapped[date | None] = mapped_column(Date)
    state: Mapped[str | None] = mapped_column(String(2))  # USPS code
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    vendor: Mapped[Vendor] = relationship(back_populates="principals")


class ListVersion(Base):
    """One imported file of a public list: dated, hashed, counted; its rows are in ``list_rows``."""

    __tablename__ = "list_versions"
    __table_args__ = (Index("ix_list_versions_source_sha256", "source", "sha256"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"), index=True)  # NULL: every org
    source: Mapped[ListSource] = mapped_column(enum_column(ListSource, "list_source"))
    version_date: Mapped[date] = mapped_column(Date)
    sha256: Mapped[str] = mapped_column(String(64))
    row_count: Mapped[int] = mapped_column(Integer)
    filename: Mapped[str] = mapped_column(String(255))
    older: Mapped[bool] = mapped_column(Boolean, default=False)  # older than the newest already imported
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)
    imported_by: Mapped[str] = mapped_column(String(200))


class ListRow(Base):
    """One entry of a list version: what matching needs, normalized, plus the original row."""

    __tablename__ = "list_rows"

    id: Mapped[int] = mapped_column(primary_key=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("list_versions.id", ondelete="CASCADE"), index=True)
    line: Mapped[int] = mapped_column(Integer)  # in the file, for the record
    kind: Mapped[str] = mapped_column(String(12))  # individual | entity | breach
    name: Mapped[str] = mapped_column(String(300))  # as the list writes it
    name_key: Mapped[str] = mapped_column(String(300))  # normalized (screening.names.normalize)
    dob: Mapped[date | None] = mapped_column(Date)
    address: Mapped[str | None] = mapped_column(String(300))
    state: Mapped[str | None] = mapped_column(String(40))
    listed_on: Mapped[date | None] = mapped_column(Date)  # exclusion / breach submission date
    ends_on: Mapped[date | None] = mapped_column(Date)  # reinstatement / termination date
    type: Mapped[str | None] = mapped_column(String(200))  # exclusion type or type of breach
    record_active: Mapped[bool] = mapped_column(Boolean, default=True)  # SAM's Record Status
    affected: Mapped[int | None] = mapped_column(Integer)  # OCR: individuals affected
    mentions: Mapped[str | None] = mapped_column(Text)  # OCR: the web description, normalized
    raw: Mapped[dict[str, Any]] = mapped_column(JSON)


class Screening(OrgScoped, Base):
    """A vendor screened against one list version: the proof that the check was made, and what it found."""

    __tablename__ = "screenings"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendors.id", ondelete="CASCADE"), index=True)
    version_id: Mapped[int] = mapped_column(ForeignKey("list_versions.id"), index=True)
    screened_at: Mapped[datetime] = mapped_column(default=utcnow)
    candidates: Mapped[int] = mapped_column(Integer, default=0)  # matches found in this run
    new_candidates: Mapped[int] = mapped_column(Integer, default=0)  # of which not seen before
    screened_by: Mapped[str] = mapped_column(String(200))

    version: Mapped[ListVersion] = relationship()


class Candidate(OrgScoped, Base):
    """A possible match of the vendor or a principal on a list: open until a person confirms or dismisses it.

    ``fingerprint`` names the listed party independent of the version (source, subject, normalized name and
    date), so a later version of the list neither duplicates a candidate nor reopens a dismissed one.
    """

    __tablename__ = "screening_candidates"
    __table_args__ = (UniqueConstraint("vendor_id", "fingerprint", name="uq_screening_candidates_vendor_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendors.id", ondelete="CASCADE"), index=True)
    screening_id: Mapped[int] = mapped_column(ForeignKey("screenings.id"), index=True)
    row_id: Mapped[int] = mapped_column(ForeignKey("list_rows.id"), index=True)
    principal_id: Mapped[int | None] = mapped_column(ForeignKey("vendor_principals.id", ondelete="SET NULL"))
    subject: Mapped[str] = mapped_column(String(200))  # who matched: the company's or the principal's name
    fingerprint: Mapped[str] = mapped_column(String(64))
    score: Mapped[float] = mapped_column(Float)
    reasons: Mapped[list[Any]] = mapped_column(JSON)  # [{field, ours, theirs, score}, ...]
    status: Mapped[CandidateStatus] = mapped_column(
        enum_column(CandidateStatus, "candidate_status"), default=CandidateStatus.OPEN
    )
    note: Mapped[str | None] = mapped_column(Text)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_by_label: Mapped[str | None] = mapped_column(String(200))
    decided_at: Mapped[datetime | None] = mapped_column()
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    row: Mapped[ListRow] = relationship()
    screening: Mapped[Screening] = relationship()
    principal: Mapped[Principal | None] = relationship()
    decided_by: Mapped[User | None] = relationship()
