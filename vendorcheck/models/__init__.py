"""The domain as tables: SQLAlchemy 2 typed models, free of Flask, one module per subject.

Every organization-owned row carries ``org_id`` (directly or through its vendor) and is read through
``OrgScoped.get_for_org`` so that another organization's object is simply not found.
Times are stored in UTC and come back timezone-aware on SQLite and PostgreSQL alike. The enumerations live
in :mod:`vendorcheck.enums` (pure) and are importable from here too.
"""

from vendorcheck.enums import (
    ActorKind,
    AgreementKind,
    AssessmentStatus,
    CandidateStatus,
    EvidenceKind,
    EvidenceReview,
    ListSource,
    MailKind,
    MailStatus,
    PhiVolume,
    ReviewState,
    Role,
    SessionEnd,
    TokenPurpose,
    VendorStatus,
)
from vendorcheck.models.accounts import AccountToken, Organization, RecoveryCode, User, UserSession
from vendorcheck.models.assessments import Answer, Assessment, AssessmentQuestionnaire, QuestionnaireVersion
from vendorcheck.models.audit import AuditCheckpoint, AuditEvent, AuditHead
from vendorcheck.models.base import NAMING_CONVENTION, Base, OrgScoped, UTCDateTime, enum_column, utcnow
from vendorcheck.models.baseline import Baseline
from vendorcheck.models.contracts import Agreement, Offboarding, OffboardingStep
from vendorcheck.models.evidence import Evidence, EvidenceVersion
from vendorcheck.models.mail import OutboxMessage
from vendorcheck.models.scores import Decision, ScoreSnapshot, ScoringProfileVersion
from vendorcheck.models.screening import Candidate, ListRow, ListVersion, Principal, Screening
from vendorcheck.models.tiers import TierSetting
from vendorcheck.models.vendors import Vendor, VendorContact

__all__ = [
    "NAMING_CONVENTION",
    "AccountToken",
    "ActorKind",
    "Agreement",
    "AgreementKind",
    "Answer",
    "Assessment",
    "AssessmentQuestionnaire",
    "AssessmentStatus",
    "AuditCheckpoint",
    "AuditEvent",
    "AuditHead",
    "Base",
    "Baseline",
    "Candidate",
    "CandidateStatus",
    "Decision",
    "Evidence",
    "EvidenceKind",
    "EvidenceReview",
    "EvidenceVersion",
    "ListRow",
    "ListSource",
    "ListVersion",
    "MailKind",
    "MailStatus",
    "Offboarding",
    "OffboardingStep",
    "OrgScoped",
    "Organization",
    "OutboxMessage",
    "PhiVolume",
    "Principal",
    "QuestionnaireVersion",
    "RecoveryCode",
    "ReviewState",
    "Role",
    "ScoreSnapshot",
    "ScoringProfileVersion",
    "Screening",
    "SessionEnd",
    "TierSetting",
    "TokenPurpose",
    "UTCDateTime",
    "User",
    "UserSession",
    "Vendor",
    "VendorContact",
    "VendorStatus",
    "enum_column",
    "utcnow",
]
