"""Every action the audit trail records, in one place, grouped by what it happens to. Pure.

The strings are stored in every entry and covered by its hash: a stored action can never be renamed, and
an auditor filters the trail by them (the prefix before the dot selects a whole group). New events use the
constants here, so one thing has one name; where history holds a second name for the same thing, it is
listed in ``ALIASES``.
"""

from __future__ import annotations

# Signing in (the user's own account, from the sign-in pages)
AUTH_LOGIN = "auth.login"  # signed in (password and, where required, second factor)
AUTH_LOGIN_FAILED = "auth.login_failed"  # a wrong email or password (of no organization if the email is unknown)
AUTH_MFA_FAILED = "auth.mfa_failed"  # a wrong second-factor or recovery code
AUTH_LOGOUT = "auth.logout"  # signed out
AUTH_REAUTH = "auth.reauth"  # proved again who they are (password, second factor) before a sensitive change
AUTH_REAUTH_FAILED = "auth.reauth_failed"  # a wrong password or code when asked to prove it again

# Users (by an admin, or by the user for their own account)
USER_CREATE = "user.create"  # an account was created (first admin, invitation accepted, CLI)
USER_ROLE_CHANGE = "user.role_change"  # a user's role changed (details: old, new)
USER_DEACTIVATE = "user.deactivate"  # an account was deactivated; its sessions ended
USER_REACTIVATE = "user.reactivate"  # a deactivated account was reactivated
USER_INVITE = "user.invite"  # an invitation link was issued
USER_INVITE_REVOKE = "user.invite_revoke"  # an unused invitation was withdrawn
USER_PASSWORD_CHANGE = "user.password_change"  # a user changed their password; their other sessions ended
USER_PASSWORD_RESET_ISSUED = "user.password_reset_issued"  # an admin issued a password-reset link
USER_PASSWORD_RESET = "user.password_reset"  # a password was set through a reset link
USER_SIGN_OUT_EVERYWHERE = "user.sign_out_everywhere"  # every session of the user was ended
USER_MFA_ENABLE = "user.mfa_enable"  # a second factor (authenticator app) was set up
USER_MFA_REPLACE = "user.mfa_replace"  # the second factor was replaced by a new one
USER_MFA_RESET = "user.mfa_reset"  # an admin removed a user's second factor
USER_RECOVERY_CODE_USED = "user.recovery_code_used"  # a one-time recovery code was spent (details: remaining)

# The organization
ORGANIZATION_CREATE = "organization.create"  # an organization was created
ORGANIZATION_MFA_POLICY = "organization.mfa_policy"  # a second factor became required of everyone, or not

# Vendors
VENDOR_CREATED = "vendor.created"  # a vendor was added (details: name)
VENDOR_UPDATED = "vendor.updated"  # a vendor's name, status or profile changed (details: what changed)
VENDOR_TIER_CHANGED = "vendor.tier_changed"  # the officer raised a vendor's risk tier, or removed a raise (reason)
TIER_SETTINGS_SAVED = "tier_settings.saved"  # reassessment intervals or questionnaires per tier changed

# Assessments and the vendor's answers
ASSESSMENT_CREATED = "assessment.created"  # an assessment was created from pinned questionnaire versions
ASSESSMENT_LINK_ISSUED = "assessment.link_issued"  # the vendor's answering link was issued (or reissued)
ASSESSMENT_LINK_REVOKED = "assessment.link_revoked"  # the vendor's link was revoked
ANSWERS_SAVED = "answers.saved"  # answers changed: by the vendor, or by an assessor on its behalf (details: changes)
ASSESSMENT_SUBMITTED = "assessment.submitted"  # the vendor submitted the answers for review
ANSWER_REVIEWED = "answer.reviewed"  # an assessor accepted, questioned or overrode an answer
ANSWERS_ACCEPTED_ROUTINE = "answers.accepted_routine"  # an assessor accepted every answer needing no attention
ASSESSMENT_CLARIFICATION_REQUESTED = "assessment.clarification_requested"  # sent back to the vendor with questions
ASSESSMENT_COMPLETED = "assessment.completed"  # the review was finished
ASSESSMENT_CANCELLED = "assessment.cancelled"  # the assessment was cancelled (details: reason)
ASSESSMENT_CARRIED_OVER = "assessment.carried_over"  # a reassessment was pre-filled from the last accepted answers
ANSWERS_CONFIRMED = "answers.confirmed"  # the vendor confirmed answers carried over from the last cycle unchanged

# Evidence documents
EVIDENCE_UPLOADED = "evidence.uploaded"  # a document version was stored, encrypted (details: its SHA-256)
EVIDENCE_UPLOAD_REFUSED = "evidence.upload_refused"  # an upload was refused and nothing of it kept
EVIDENCE_READ = "evidence.read"  # a document was downloaded
EVIDENCE_INTEGRITY_FAILED = "evidence.integrity_failed"  # a stored document failed to decrypt or verify
EVIDENCE_ACCEPTED = "evidence.accepted"  # an assessor accepted a document
EVIDENCE_REJECTED = "evidence.rejected"  # an assessor rejected a document (details: reason)
EVIDENCE_SWEPT = "evidence.swept"  # housekeeping removed uploads that never completed
EVIDENCE_STORE_MIGRATED = "evidence.store_migrated"  # blobs were copied to another store (details: counts)

# Scores and decisions
SCORING_PROFILE_SAVED = "scoring_profile.saved"  # a new version of the organization's scoring weights
DECISION_RECORDED = "decision.recorded"  # the practice owner chose a vendor (details: compared, reason)
BASELINE_SAVED = "baseline.saved"  # the practice's own billing figures or checklist changed (details: changed)

# Screening against public lists (OIG LEIE, SAM.gov exclusions, HHS OCR breach portal)
SCREENING_LIST_IMPORTED = "screening.list_imported"  # a list file was stored as a dated version (details: digest)
SCREENING_RUN = "screening.run"  # a vendor was screened against a list version (details: candidates found)
SCREENING_CONFIRMED = "screening.confirmed"  # a person confirmed a candidate match (details: note)
SCREENING_DISMISSED = "screening.dismissed"  # a person dismissed a candidate match (details: reason)
PRINCIPAL_ADDED = "principal.added"  # an owner, officer or managing employee was recorded on a vendor
PRINCIPAL_REMOVED = "principal.removed"  # a principal was removed from a vendor

# Email (the outbox: reminders and vendor links; docs/reminders.md)
MAIL_QUEUED = "mail.queued"  # a message was put in the outbox (details: kind, recipient, subject, key)
MAIL_SENT = "mail.sent"  # the mail server accepted a message (details: attempts)
MAIL_FAILED = "mail.failed"  # a message can never be sent as stored (details: why)
MAIL_RETRY = "mail.retry"  # a person asked for a message to be tried again now

# The contract register and offboarding (vendorcheck.contracts)
AGREEMENT_ADDED = "agreement.added"  # an agreement was recorded (details: kind, title, dates, clauses confirmed)
AGREEMENT_UPDATED = "agreement.updated"  # an agreement's dates, document or clause checks changed (details: changes)
OFFBOARDING_STARTED = "offboarding.started"  # ending a vendor began; it became offboarding (details: reason, due)
OFFBOARDING_STEP_DONE = "offboarding.step_done"  # a step of the offboarding checklist was done (details: step, note)
OFFBOARDING_ENDED = "offboarding.ended"  # every step done: the vendor ended

# Evidence packets
PACKET_EXPORTED = "packet.exported"  # a vendor's evidence packet was exported (details: evidence versions)
PACKET_EXPORT_FAILED = "packet.export_failed"  # an export stopped at a document that failed to decrypt or verify

# The audit trail itself
AUDIT_EXPORT = "audit.export"  # the trail was exported as CSV (details: the filter)

# Keys (at the command line; system chain)
KEYS_ROTATED = "keys.rotated"  # a new key-encryption key became active
KEYS_REWRAPPED = "keys.rewrapped"  # data keys were re-wrapped under the active key (details: files)
KEYS_RETIRED = "keys.retired"  # key versions below the active one stopped decrypting

# Names that stored events hold for the same thing as another action: kept as stored, never written again
# (the trail's action filter matches by prefix: choosing `vendor.create` shows both).
ALIASES = {
    "vendor.create": VENDOR_CREATED,  # what the demo recorded for a vendor it added, before one name was kept
}
