"""Questionnaires sent to vendors: pinned questionnaire versions, assessments and their answers."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import (
    JSON,
    Boolean,
    Date,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vendorcheck.enums import (
    ActorKind,
    AssessmentStatus,
    ReviewState,
)
from vendorcheck.models.base import Base, OrgScoped, enum_column, utcnow

if TYPE_CHECKING:  # relationships name these; SQLAlchemy finds them in its registry at run time
    from vendorcheck.models.vendors import Vendor


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
        enum_column(AssessmentStatus, "assessment_status"), default=AssessmentStatus.DRAFT
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
    # A reassessment: the completed assessment whose accepted answers it was pre-filled from.
    carried_from_id: Mapped[int | None] = mapped_column(ForeignKey("assessments.id"))

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
    entered_by_kind: Mapped[ActorKind] = mapped_column(enum_column(ActorKind, "answer_actor_kind"))
    entered_by_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    entered_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
    review_state: Mapped[ReviewState] = mapped_column(
        enum_column(ReviewState, "review_state"), default=ReviewState.PENDING
    )
    review_note: Mapped[str | None] = mapped_column(Text)  # the clarification asked, or the override's reason
    override_value: Mapped[Any | None] = mapped_column(JSON)  # the assessor's corrected answer, when overridden
    reviewed_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    reviewed_at: Mapped[datetime | None]
    # Pre-filled from the last cycle's answer (a reassessment), and when the vendor confirmed or changed it.
    carried_from_answer_id: Mapped[int | None] = mapped_column(ForeignKey("answers.id"))
    confirmed_at: Mapped[datetime | None]

    assessment: Mapped[Assessment] = relationship(back_populates="answers")
