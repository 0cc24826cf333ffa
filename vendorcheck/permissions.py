"""Who may do what: named capabilities mapped to roles, in this one place.

Views declare the capability they need (``vendorcheck.web.access.requires``); nothing else in the code
checks a role by name.
"""

from __future__ import annotations

import enum

from vendorcheck.enums import Role


class Capability(enum.StrEnum):
    """One thing a person may do, named for the action."""

    VENDOR_READ = "vendor.read"
    VENDOR_EDIT = "vendor.edit"
    ASSESSMENT_SEND = "assessment.send"
    ANSWER_REVIEW = "answer.review"
    EVIDENCE_READ = "evidence.read"
    EVIDENCE_UPLOAD = "evidence.upload"
    EVIDENCE_REVIEW = "evidence.review"
    SCORE_READ = "score.read"
    DECISION_RECORD = "decision.record"
    AUDIT_READ = "audit.read"
    PACKET_EXPORT = "packet.export"
    USER_MANAGE = "user.manage"
    PROFILE_EDIT = "profile.edit"
    KEYS_MANAGE = "keys.manage"
    SCREENING_DECIDE = "screening.decide"  # confirm or dismiss a public-list candidate
    LIST_IMPORT = "list.import"  # upload a public list (OIG LEIE, SAM, OCR) for the organization
    ACCOUNT_SELF = "account.self"  # change one's own password and MFA
    BASELINE_EDIT = "baseline.edit"  # record the practice's own billing figures and readiness checklist
    SCORE_DETAILS = "score.details"  # see the scoring's workings: question ids, weights, the scoring profile
    OUTBOX_READ = "outbox.read"  # read the emails vendorcheck sends (reminders, vendor links) and retry them
    WORK_READ = "work.read"  # the officer's home page: what is due and overdue across the vendors
    TIERS_EDIT = "tiers.edit"  # reassessment intervals and questionnaires per risk tier


_READ = {Capability.VENDOR_READ, Capability.SCORE_READ, Capability.ACCOUNT_SELF}

ROLE_CAPABILITIES: dict[Role, frozenset[Capability]] = {
    Role.ADMIN: frozenset(Capability),
    Role.ASSESSOR: frozenset(
        _READ
        | {
            Capability.VENDOR_EDIT,
            Capability.ASSESSMENT_SEND,
            Capability.ANSWER_REVIEW,
            Capability.EVIDENCE_READ,
            Capability.EVIDENCE_UPLOAD,
            Capability.EVIDENCE_REVIEW,
            Capability.SCREENING_DECIDE,
            Capability.SCORE_DETAILS,
            Capability.OUTBOX_READ,
            Capability.WORK_READ,
        }
    ),
    Role.VIEWER: frozenset(_READ | {Capability.DECISION_RECORD, Capability.BASELINE_EDIT}),
    Role.AUDITOR: frozenset(
        _READ | {Capability.EVIDENCE_READ, Capability.AUDIT_READ, Capability.PACKET_EXPORT, Capability.SCORE_DETAILS}
    ),
}


def can(role: Role, capability: Capability) -> bool:
    """True if ``role`` holds ``capability``."""
    return capability in ROLE_CAPABILITIES[role]
