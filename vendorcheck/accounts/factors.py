"""The second factor: who must have one, enrolment, checking a code, resetting, and re-authentication. No Flask.

Replacing or removing a factor ends the user's other sessions; callers make sure the person re-authenticated
(password and current factor, :func:`reauthenticate`) first when a factor already exists.
"""

from __future__ import annotations

import hmac

from sqlalchemy.orm import Session

from vendorcheck import audit
from vendorcheck.accounts import totp as mfa
from vendorcheck.accounts.passwords import verify_password
from vendorcheck.accounts.sessions import end_sessions
from vendorcheck.accounts.users import AccountError, user_event
from vendorcheck.audit import Actor, actions
from vendorcheck.models import Organization, RecoveryCode, Role, SessionEnd, User, UserSession, utcnow

# Roles that must use a second factor whatever the organization decides (they see or change everything).
MFA_ROLES = frozenset({Role.ADMIN, Role.AUDITOR})


def mfa_required(user: User) -> bool:
    """True when this user must use a second factor: by role, or because their organization says so."""
    return mfa_required_for(user.role, user.organization.mfa_required)


def mfa_required_for(role: Role, org_requires_mfa: bool) -> bool:
    """``mfa_required`` from the two facts it reads (for a request that has not loaded the user's rows)."""
    return role in MFA_ROLES or org_requires_mfa


def confirm_mfa_enrollment(
    session: Session, user: User, secret: str, code: str, actor: Actor, keep_session_id: int | None = None
) -> list[str]:
    """Turn MFA on (or move it to a new app) once the user's app shows the right code; new recovery codes.

    Any earlier secret and recovery codes stop working, and every session but ``keep_session_id`` ends.
    Callers make sure the person re-authenticated first when a factor already exists.
    """
    step = mfa.accepted_step(secret, code, None)
    if step is None:
        raise AccountError("That code is not right. Check the time on your phone and enter the newest code.", "code")
    replacing = user.has_mfa
    user.mfa_secret = secret
    user.mfa_last_step = step
    user.mfa_enabled_at = utcnow()
    codes = mfa.new_recovery_codes()
    user.recovery_codes = [RecoveryCode(code_hash=mfa.hash_recovery_code(c)) for c in codes]
    end_sessions(session, user, SessionEnd.MFA_CHANGE, except_id=keep_session_id)
    user_event(session, actions.USER_MFA_REPLACE if replacing else actions.USER_MFA_ENABLE, actor, user)
    return codes


def verify_second_factor(session: Session, user: User, code: str, actor: Actor) -> bool:
    """Accept a fresh authenticator code or an unused recovery code; a used code is refused."""
    if user.mfa_secret is None:
        return False
    step = mfa.accepted_step(user.mfa_secret, code, user.mfa_last_step)
    if step is not None:
        user.mfa_last_step = step
        return True
    wanted = mfa.hash_recovery_code(code)
    for recovery in user.recovery_codes:
        if recovery.used_at is None and hmac.compare_digest(recovery.code_hash, wanted):
            recovery.used_at = utcnow()
            user_event(
                session,
                actions.USER_RECOVERY_CODE_USED,
                actor,
                user,
                remaining=sum(r.used_at is None for r in user.recovery_codes),
            )
            return True
    audit.record(session, actions.AUTH_MFA_FAILED, actor, org_id=user.org_id, target_type="user", target_id=user.id)
    return False


def reset_mfa(session: Session, user: User, actor: Actor) -> None:
    """Remove a user's second factor (lost phone); they enroll again at next sign-in if required."""
    user.mfa_secret = None
    user.mfa_enabled_at = None
    user.mfa_last_step = None
    user.recovery_codes = []
    end_sessions(session, user, SessionEnd.MFA_RESET)
    user_event(session, actions.USER_MFA_RESET, actor, user)


def set_org_mfa_required(session: Session, org: Organization, required: bool, actor: Actor) -> None:
    """Require a second factor of everyone in the organization, or only of admins and auditors."""
    if org.mfa_required == required:
        return
    org.mfa_required = required
    audit.record(
        session,
        actions.ORGANIZATION_MFA_POLICY,
        actor,
        org_id=org.id,
        target_type="organization",
        target_id=org.id,
        details={"mfa_required": required},
    )


def reauthenticate(session: Session, user: User, record: UserSession, password: str, code: str, actor: Actor) -> None:
    """Prove again, on this session, that it is the user: the password and, if they have one, the second factor.

    Success marks ``record`` as recently re-authenticated (the caller gives it a new token); both outcomes
    are audited. The code is not looked at when the password is wrong, so no code is spent on a guess.
    """
    proven = verify_password(user.password_hash, password)
    if proven and user.has_mfa:
        proven = verify_second_factor(session, user, code, actor)
    if not proven:
        user_event(session, actions.AUTH_REAUTH_FAILED, actor, user, session_id=record.id)
        raise AccountError("That password or code is not right. Check both and try again.", "password")
    record.reauthenticated_at = utcnow()
    user_event(session, actions.AUTH_REAUTH, actor, user, session_id=record.id)
