"""The words of the domain that are fixed lists: roles, statuses, kinds. Pure: no Flask, no SQLAlchemy.

The models store them (as checked strings); the permissions, the audit chain and the pure core use them
without reaching the database layer.
"""

from __future__ import annotations

import enum


class Role(enum.StrEnum):
    """What a signed-in person does in their organization (see the README's roles table)."""

    ADMIN = "admin"
    ASSESSOR = "assessor"
    VIEWER = "viewer"
    AUDITOR = "auditor"


class PhiVolume(enum.StrEnum):
    """How many patients' records the vendor will hold or see: drives inherent risk."""

    NONE = "none"
    LOW = "low"  # fewer than 1,000 patients
    MODERATE = "moderate"  # 1,000 to 50,000
    HIGH = "high"  # more than 50,000


class VendorStatus(enum.StrEnum):
    """Where the vendor stands in the practice's decision."""

    PROSPECT = "prospect"
    SHORTLISTED = "shortlisted"
    SELECTED = "selected"
    REJECTED = "rejected"
    ARCHIVED = "archived"
    OFFBOARDING = "offboarding"  # being ended: the offboarding checklist is open (vendorcheck.contracts)
    ENDED = "ended"  # every offboarding step done: no longer a vendor of the practice


class AssessmentStatus(enum.StrEnum):
    """The life of one questionnaire sent to one vendor."""

    DRAFT = "draft"
    SENT = "sent"
    IN_PROGRESS = "in_progress"
    SUBMITTED = "submitted"
    IN_REVIEW = "in_review"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


class ReviewState(enum.StrEnum):
    """An assessor's verdict on one answer."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    CLARIFICATION_REQUESTED = "clarification_requested"
    OVERRIDDEN = "overridden"


class EvidenceKind(enum.StrEnum):
    """What a document is, in the words vendors and auditors use."""

    SOC2_REPORT = "soc2_report"
    BAA = "baa"
    PENTEST_LETTER = "pentest_letter"
    POLICY = "policy"
    CERTIFICATE = "certificate"
    INSURANCE = "insurance"
    CONTRACT = "contract"  # a services agreement or data-processing terms (vendorcheck.contracts)
    OTHER = "other"


class EvidenceReview(enum.StrEnum):
    """An assessor's verdict on a piece of evidence."""

    PENDING = "pending"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


class ActorKind(enum.StrEnum):
    """Who did something recorded in the audit trail."""

    USER = "user"
    VENDOR_LINK = "vendor_link"
    CLI = "cli"
    SYSTEM = "system"


class SessionEnd(enum.StrEnum):
    """Why a sign-in session ended (kept on the record, for the account page and investigations)."""

    SIGN_OUT = "sign_out"
    SIGN_OUT_EVERYWHERE = "sign_out_everywhere"
    PASSWORD_CHANGE = "password_change"  # noqa: S105 (a reason, not a password)
    PASSWORD_RESET = "password_reset"  # noqa: S105 (a reason, not a password)
    ROLE_CHANGE = "role_change"
    DEACTIVATION = "deactivation"
    MFA_CHANGE = "mfa_change"
    MFA_RESET = "mfa_reset"
    IDLE = "idle"
    LIFETIME = "lifetime"


class TokenPurpose(enum.StrEnum):
    """What a one-time account link is for."""

    INVITATION = "invitation"
    PASSWORD_RESET = "password_reset"  # noqa: S105 (a purpose, not a password)


class ListSource(enum.StrEnum):
    """A public list a vendor is screened against (docs/screening.md)."""

    LEIE = "leie"  # OIG List of Excluded Individuals/Entities
    SAM = "sam"  # SAM.gov Exclusions Public Extract V2
    OCR = "ocr"  # HHS OCR breach portal (breaches of 500 or more)


class CandidateStatus(enum.StrEnum):
    """Where a possible match stands: a person confirms or dismisses each one."""

    OPEN = "open"
    CONFIRMED = "confirmed"
    DISMISSED = "dismissed"


class MailStatus(enum.StrEnum):
    """Where an outbox message stands (docs/reminders.md)."""

    QUEUED = "queued"  # waiting for its next attempt (or for a mail server to be configured)
    SENDING = "sending"  # claimed by one process, which is talking to the mail server
    SENT = "sent"
    FAILED = "failed"  # can never be sent as stored (a vendor link whose token was not kept); a person decides


class MailKind(enum.StrEnum):
    """What an outbox message is."""

    REMINDER = "reminder"
    VENDOR_LINK = "vendor_link"


class AgreementKind(enum.StrEnum):
    """What an agreement in the contract register is (vendorcheck.contracts)."""

    BAA = "baa"  # business associate agreement (164.504(e), 164.314(a))
    SERVICES = "services"  # the services agreement: term, renewal, fees
    DATA_PROCESSING = "data_processing"  # data-processing or data-use terms
