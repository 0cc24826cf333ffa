"""Documents that prove answers, and their uploaded versions (stored encrypted)."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    BigInteger,
    Boolean,
    ColumnElement,
    Date,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
    and_,
    exists,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vendorcheck.enums import (
    ActorKind,
    EvidenceKind,
    EvidenceReview,
)
from vendorcheck.models.base import Base, OrgScoped, enum_column, utcnow

if TYPE_CHECKING:  # relationships name these; SQLAlchemy finds them in its registry at run time
    from vendorcheck.models.vendors import Vendor


class Evidence(OrgScoped, Base):
    """A document that proves answers (a SOC 2 report, a BAA...), with its versions."""

    __tablename__ = "evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendors.id"), index=True)
    assessment_id: Mapped[int | None] = mapped_column(ForeignKey("assessments.id"))
    kind: Mapped[EvidenceKind] = mapped_column(enum_column(EvidenceKind, "evidence_kind"))
    title: Mapped[str] = mapped_column(String(300))
    question_ids: Mapped[list[str]] = mapped_column(default=list)
    issued_on: Mapped[date | None] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)
    review_state: Mapped[EvidenceReview] = mapped_column(
        enum_column(EvidenceReview, "evidence_review"), default=EvidenceReview.PENDING
    )
    rejection_reason: Mapped[str | None] = mapped_column(Text)
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    vendor: Mapped[Vendor] = relationship()
    # Every version row, unfinished uploads included: only the upload machinery and housekeeping use it.
    uploads: Mapped[list[EvidenceVersion]] = relationship(
        back_populates="evidence", order_by="EvidenceVersion.version_no"
    )
    # What everything else reads: the complete versions only, oldest first.
    versions: Mapped[list[EvidenceVersion]] = relationship(
        primaryjoin=lambda: and_(Evidence.id == EvidenceVersion.evidence_id, EvidenceVersion.complete.is_(True)),
        order_by="EvidenceVersion.version_no",
        viewonly=True,
    )

    @classmethod
    def received(cls) -> ColumnElement[bool]:
        """SQL condition: the document has a complete version. Every query that lists or counts documents uses it."""
        return exists().where(EvidenceVersion.evidence_id == cls.id, EvidenceVersion.complete.is_(True))

    def is_expired(self, today: date) -> bool:
        """True once the document's validity has run out."""
        return self.valid_until is not None and self.valid_until < today


class EvidenceVersion(Base):
    """One uploaded file of a piece of evidence, stored encrypted; a new upload supersedes the last."""

    __tablename__ = "evidence_versions"
    __table_args__ = (
        UniqueConstraint("evidence_id", "version_no", name="uq_evidence_versions_evidence_id_version_no"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    evidence_id: Mapped[int] = mapped_column(ForeignKey("evidence.id"), index=True)
    version_no: Mapped[int] = mapped_column(Integer)
    # Envelope encryption metadata (see docs/architecture.md, evidence encryption).
    format_version: Mapped[int] = mapped_column(Integer)
    kek_version: Mapped[int] = mapped_column(Integer)
    wrapped_dek: Mapped[bytes] = mapped_column(LargeBinary)
    blob_name: Mapped[str] = mapped_column(String(64), unique=True)  # random, never the user's filename
    size: Mapped[int] = mapped_column(BigInteger)  # plaintext bytes; files may pass 2 GiB
    plaintext_sha256: Mapped[str] = mapped_column(String(64))
    display_filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    complete: Mapped[bool] = mapped_column(Boolean, default=False)
    uploaded_by_kind: Mapped[ActorKind] = mapped_column(enum_column(ActorKind, "uploader_kind"))
    uploaded_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    evidence: Mapped[Evidence] = relationship(back_populates="uploads")
