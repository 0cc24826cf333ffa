"""The domain as tables: SQLAlchemy 2 typed models, free of Flask.

Every organization-owned row carries ``org_id`` (directly or through its vendor) and is read through
``OrgScoped.get_for_org`` so that another organization's object is simply not found.
Times are stored in UTC and come back timezone-aware on SQLite and PostgreSQL alike.
"""

from __future__ import annotations

import enum
from datetime import UTC, date, datetime
from typing import Any, ClassVar, Self

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    ColumnElement,
    Date,
    DateTime,
    Enum,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    TypeDecorator,
    UniqueConstraint,
    and_,
    exists,
    select,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, Session, mapped_column, relationship

from vendorcheck.enums import (
    ActorKind,
    AssessmentStatus,
    EvidenceKind,
    EvidenceReview,
    PhiVolume,
    ReviewState,
    Role,
    SessionEnd,
    TokenPurpose,
    VendorStatus,
)

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def utcnow() -> datetime:
    """The current time, timezone-aware, in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator[datetime]):
    """A timestamp stored as UTC and always returned timezone-aware (SQLite keeps no zone)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        """Refuse naive times (their zone is a guess) and store the UTC instant."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime: pass a timezone-aware time (vendorcheck.models.utcnow())")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        """Attach UTC to what SQLite returns without a zone."""
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    """Declarative base with constraint names that migrations can refer to."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {datetime: UTCDateTime(), dict[str, Any]: JSON(), list[str]: JSON()}


def _enum(cls: type[enum.Enum], name: str) -> Enum:
    """A portable enum column: VARCHAR with a CHECK constraint, storing the member's value."""
    return Enum(
        cls,
        name=name,
        native_enum=False,
        create_constraint=True,
        length=32,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


class OrgScoped:
    """Mixin for rows that belong to one organization: the single way views read them by id."""

    id: Mapped[int]
    org_id: Mapped[int]

    @classmethod
    def get_for_org(cls, session: Session, object_id: int, org_id: int) -> Self | None:
        """The row with this id if it belongs to ``org_id``; None otherwise (callers answer 404)."""
        return session.scalar(select(cls).where(cls.id == object_id, cls.org_id == org_id))


class Organization(Base):
    """A practice, practice group or consultancy: the unit of isolation."""

    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    mfa_required: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    users: Mapped[list[User]] = relationship(back_populates="organization")
    vendors: Mapped[list[Vendor]] = relationship(back_populates="organization")


class User(OrgScoped, Base):
    """A person who signs in; belongs to exactly one organization."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(_enum(Role, "role"))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    mfa_secret: Mapped[str | None] = mapped_column(String(64))
    mfa_enabled_at: Mapped[datetime | None]
    # The TOTP time step of the last accepted code: a code from that step or earlier is a replay.
    mfa_last_step: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]

    organization: Mapped[Organization] = relationship(back_populates="users")
    recovery_codes: Mapped[list[RecoveryCode]] = relationship(back_populates="user", cascade="all, delete-orphan")

    @property
    def has_mfa(self) -> bool:
        """True once the user has finished enrolling an authenticator app."""
        return self.mfa_enabled_at is not None


class RecoveryCode(Base):
    """A one-time code that stands in for the authenticator app; only its hash is kept."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(back_populates="recovery_codes")


class UserSession(OrgScoped, Base):
    """One sign-in, held on the server: the cookie carries only a random id whose SHA-256 is ``token_hash``.

    A record ``awaiting_second_factor`` is the short step between the right password and the code; it
    signs nobody in. Ending a record (``ended_at``) signs that browser out for every app process at once.
    """

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    awaiting_second_factor: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The last time the person proved it was them again (password and current factor): sensitive changes.
    reauthenticated_at: Mapped[datetime | None]
    # An authenticator secret being enrolled: kept here, never in the (readable) cookie.
    pending_mfa_secret: Mapped[str | None] = mapped_column(String(64))
    ended_at: Mapped[datetime | None]
    end_reason: Mapped[SessionEnd | None] = mapped_column(_enum(SessionEnd, "session_end"))
    source_ip: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(String(200))

    user: Mapped[User] = relationship()


class AccountToken(OrgScoped, Base):
    """A one-time, expiring link: an invitation to join, or a password reset. Only the hash is stored."""

    __tablename__ = "account_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    purpose: Mapped[TokenPurpose] = mapped_column(_enum(TokenPurpose, "token_purpose"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[Role | None] = mapped_column(_enum(Role, "token_role"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]


class Vendor(OrgScoped, Base):
    """A business associate under assessment, with the profile that drives its inherent risk."""

    __tablename__ = "vendors"
    __table_args__ = (UniqueConstraint("org_id", "name", name="uq_vendors_org_id_name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    name: Mapped[str] = mapped_column(String(200))
    website: Mapped[str | None] = mapped_column(String(500))
    description: Mapped[str | None] = mapped_column(Text)
    status: Mapped[VendorStatus] = mapped_column(_enum(VendorStatus, "vendor_status"), default=VendorStatus.PROSPECT)
    # Profile: what the practice buys and how PHI flows to the vendor.
    services: Mapped[list[str]] = mapped_column(default=list)
    phi_volume: Mapped[PhiVolume] = mapped_column(_enum(PhiVolume, "phi_volume"), default=PhiVolume.NONE)
    stores_phi: Mapped[bool] = mapped_column(Boolean, default=False)
    processes_phi: Mapped[bool] = mapped_column(Boolean, default=False)
    transmits_phi: Mapped[bool] = mapped_column(Boolean, default=False)
    offshore: Mapped[bool] = mapped_column(Boolean, default=False)
    offshore_countries: Mapped[str | None] = mapped_column(String(300))
    uses_subcontractors: Mapped[bool] = mapped_column(Boolean, default=False)
    subcontractors: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)

    organization: Mapped[Organization] = relationship(back_populates="vendors")
    contacts: Mapped[list[VendorContact]] = relationship(
        back_populates="vendor", cascade="all, delete-orphan", order_by="VendorContact.id"
    )
    assessments: Mapped[list[Assessment]] = relationship(
        back_populates="vendor", order_by="Assessment.created_at.desc()"
    )
    # Only documents with a complete version: an upload cut off by a crash is never listed or counted.
    evidence: Mapped[list[Evidence]] = relationship(
        primaryjoin=lambda: and_(Vendor.id == Evidence.vendor_id, Evidence.received()),
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


class QuestionnaireVersion(Base):
    """One exact questionnaire text, pinned by the SHA-256 of its canonical content."""

    __tablename__ = "questionnaire_versions"

    id: Mapped[int] = mapped_column(primary_key=True)
    questionnaire_key: Mapped[str] = mapped_column(String(100), index=True)  # e.g. "hipaa-security"
    version: Mapped[str] = mapped_column(String(50))
    title: Mapped[str] = mapped_column(String(300))
    content_hash: Mapped[str] = mapped_column(String(64), unique=True)
    content: Mapped[dict[str, Any]]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Assessment(OrgScoped, Base):
    """One or more pinned questionnaire versions sent to one vendor, answered through a link."""

    __tablename__ = "assessments"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendors.id"), index=True)
    title: Mapped[str] = mapped_column(String(300), default="")
    status: Mapped[AssessmentStatus] = mapped_column(
        _enum(AssessmentStatus, "assessment_status"), default=AssessmentStatus.DRAFT
    )
    due_date: Mapped[date | None] = mapped_column(Date)
    # Only a hash of the vendor link's token is stored; the token itself is shown once.
    link_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    link_issued_at: Mapped[datetime | None]
    link_expires_at: Mapped[datetime | None]
    link_revoked_at: Mapped[datetime | None]
    contact_name: Mapped[str | None] = mapped_column(String(200))
    contact_email: Mapped[str | None] = mapped_column(String(254))
    clarification_round: Mapped[int] = mapped_column(Integer, default=0)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]
    submitted_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]

    vendor: Mapped[Vendor] = relationship(back_populates="assessments")
    parts: Mapped[list[AssessmentQuestionnaire]] = relationship(
        back_populates="assessment", order_by="AssessmentQuestionnaire.position", cascade="all, delete-orphan"
    )
    answers: Mapped[list[Answer]] = relationship(back_populates="assessment", order_by="Answer.id")


class AssessmentQuestionnaire(Base):
    """One pinned questionnaire version in an assessment, in the order the vendor sees them."""

    __tablename__ = "assessment_questionnaires"
    __table_args__ = (
        UniqueConstraint(
            "assessment_id", "questionnaire_version_id", name="uq_assessment_questionnaires_assessment_id_version"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id", ondelete="CASCADE"), index=True)
    questionnaire_version_id: Mapped[int] = mapped_column(ForeignKey("questionnaire_versions.id"))
    position: Mapped[int] = mapped_column(Integer)

    assessment: Mapped[Assessment] = relationship(back_populates="parts")
    questionnaire_version: Mapped[QuestionnaireVersion] = relationship()


class Answer(Base):
    """A vendor's answer to one question, and the assessor's review of it."""

    __tablename__ = "answers"
    __table_args__ = (UniqueConstraint("assessment_id", "question_id", name="uq_answers_assessment_id_question_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    assessment_id: Mapped[int] = mapped_column(ForeignKey("assessments.id"), index=True)
    question_id: Mapped[str] = mapped_column(String(100))
    value: Mapped[Any | None] = mapped_column(JSON)
    not_applicable: Mapped[bool] = mapped_column(Boolean, default=False)
    comment: Mapped[str | None] = mapped_column(Text)
    entered_by_kind: Mapped[ActorKind] = mapped_column(_enum(ActorKind, "answer_actor_kind"))
    entered_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    entered_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    review_state: Mapped[ReviewState] = mapped_column(_enum(ReviewState, "review_state"), default=ReviewState.PENDING)
    review_note: Mapped[str | None] = mapped_column(Text)  # the clarification asked, or the override's reason
    override_value: Mapped[Any | None] = mapped_column(JSON)  # the assessor's corrected answer, when overridden
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None]

    assessment: Mapped[Assessment] = relationship(back_populates="answers")


class Evidence(OrgScoped, Base):
    """A document that proves answers (a SOC 2 report, a BAA...), with its versions."""

    __tablename__ = "evidence"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    vendor_id: Mapped[int] = mapped_column(ForeignKey("vendors.id"), index=True)
    assessment_id: Mapped[int | None] = mapped_column(ForeignKey("assessments.id"))
    kind: Mapped[EvidenceKind] = mapped_column(_enum(EvidenceKind, "evidence_kind"))
    title: Mapped[str] = mapped_column(String(300))
    question_ids: Mapped[list[str]] = mapped_column(default=list)
    issued_on: Mapped[date | None] = mapped_column(Date)
    valid_until: Mapped[date | None] = mapped_column(Date)
    review_state: Mapped[EvidenceReview] = mapped_column(
        _enum(EvidenceReview, "evidence_review"), default=EvidenceReview.PENDING
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
    uploaded_by_kind: Mapped[ActorKind] = mapped_column(_enum(ActorKind, "uploader_kind"))
    uploaded_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    evidence: Mapped[Evidence] = relationship(back_populates="uploads")


class AuditEvent(Base):
    """One entry of the append-only, hash-chained audit trail: entry ``seq`` of chain ``chain``.

    ``chain`` is the organization's id, 0 for the instance's system chain (events of no organization) and -1
    for the legacy chain (every event recorded before chains were per organization); see ``vendorcheck.audit``.
    """

    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_org_id_vendor_id", "org_id", "vendor_id"),
        UniqueConstraint("chain", "seq", name="uq_audit_events_chain_seq"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    chain: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"))
    vendor_id: Mapped[int | None] = mapped_column(ForeignKey("vendors.id"))
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_kind: Mapped[ActorKind] = mapped_column(_enum(ActorKind, "actor_kind"))
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_label: Mapped[str] = mapped_column(String(300))
    action: Mapped[str] = mapped_column(String(100), index=True)
    target_type: Mapped[str | None] = mapped_column(String(50))
    target_id: Mapped[str | None] = mapped_column(String(100))
    source_ip: Mapped[str | None] = mapped_column(String(45))
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64))


class AuditHead(Base):
    """One row per chain that serializes its appends: the chain's newest sequence number and hash.

    Created by the chain's first append; appending locks it (SELECT ... FOR UPDATE on PostgreSQL; SQLite
    transactions begin IMMEDIATE), so concurrent writers queue instead of forking the chain.
    """

    __tablename__ = "audit_head"

    chain: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(Integer)
    last_hash: Mapped[str] = mapped_column(String(64))


class AuditCheckpoint(Base):
    """A signed statement of one chain's size and Merkle root at a moment."""

    __tablename__ = "audit_checkpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    chain: Mapped[int] = mapped_column(Integer, index=True)
    tree_size: Mapped[int] = mapped_column(Integer)
    root_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    key_id: Mapped[str] = mapped_column(String(64))
    signature: Mapped[str] = mapped_column(String(128))  # base64 Ed25519 signature
    reason: Mapped[str] = mapped_column(String(50))  # "scheduled", "packet export", ...


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
