"""Organizations, user accounts, invitations, password resets and MFA: the service the CLI, the demo and
the web share. Every change writes an audit event in the caller's transaction. No Flask.

Whatever changes who a user is or what they may do (password, role, second factor, deactivation) ends
their server-side sessions here, through ``user_sessions.end_sessions``, so it holds for every app
process and for the CLI alike.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from datetime import datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from vendorcheck import audit, mfa
from vendorcheck.audit import Actor, actions
from vendorcheck.models import (
    AccountToken,
    Organization,
    RecoveryCode,
    Role,
    SessionEnd,
    TokenPurpose,
    User,
    UserSession,
    utcnow,
)
from vendorcheck.passwords import hash_password, needs_rehash, password_problem, verify_password
from vendorcheck.user_sessions import end_sessions

INVITATION_LIFETIME = timedelta(days=7)
RESET_LIFETIME = timedelta(hours=24)
# Roles that must use a second factor whatever the organization decides (they see or change everything).
MFA_ROLES = frozenset({Role.ADMIN, Role.AUDITOR})


class AccountError(ValueError):
    """A request about accounts that cannot be carried out; the message is for the user.

    ``field`` names the form field the message belongs to, when there is one.
    """

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def normalize_email(email: str) -> str:
    """Emails compare case-insensitively and without surrounding spaces."""
    return email.strip().lower()


def _check_email(email: str) -> str:
    email = normalize_email(email)
    local, _, domain = email.partition("@")
    if not local or "." not in domain or len(email) > 254 or any(ch.isspace() for ch in email):
        raise AccountError(f"{email!r} is not an email address.", "email")
    return email


def _check_password(password: str, email: str, display_name: str | None = None) -> None:
    problem = password_problem(password, personal=(email.split("@")[0], display_name or ""))
    if problem:
        raise AccountError(problem, "password")


def _user_event(session: Session, action: str, actor: Actor, user: User, **details: object) -> None:
    audit.record(
        session, action, actor, org_id=user.org_id, target_type="user", target_id=user.id, details=dict(details)
    )


# Organizations and users


def get_or_create_organization(session: Session, name: str, actor: Actor | None = None) -> tuple[Organization, bool]:
    """The organization called ``name``, created if missing; True when created."""
    name = name.strip()
    if not name:
        raise AccountError("An organization needs a name.")
    org = session.scalar(select(Organization).where(Organization.name == name))
    if org is not None:
        return org, False
    org = Organization(name=name)
    session.add(org)
    session.flush()
    audit.record(
        session,
        actions.ORGANIZATION_CREATE,
        actor or Actor.cli(),
        org_id=org.id,
        target_type="organization",
        target_id=org.id,
        details={"name": name},
    )
    return org, True


def find_user(session: Session, email: str) -> User | None:
    """The user with this email, whatever its case."""
    return session.scalar(select(User).where(func.lower(User.email) == normalize_email(email)))


def all_users(session: Session) -> list[User]:
    """Every user of the installation, by organization then email (for the operator's CLI)."""
    return list(session.scalars(select(User).join(User.organization).order_by(Organization.name, User.email)))


def org_users(session: Session, org_id: int) -> list[User]:
    """The organization's users, active first, then by email."""
    users = session.scalars(select(User).where(User.org_id == org_id).order_by(User.email)).all()
    return sorted(users, key=lambda u: not u.is_active)


def create_user(
    session: Session,
    org: Organization,
    email: str,
    role: Role,
    password: str,
    *,
    display_name: str | None = None,
    must_change_password: bool = False,
    actor: Actor | None = None,
) -> User:
    """Add a user to ``org``; refuses a taken email or a weak password."""
    email = _check_email(email)
    if find_user(session, email) is not None:
        raise AccountError(f"A user with the email {email} already exists.", "email")
    _check_password(password, email, display_name)
    user = User(
        org_id=org.id,
        email=email,
        display_name=(display_name or "").strip() or email.split("@")[0],
        password_hash=hash_password(password),
        role=role,
        must_change_password=must_change_password,
    )
    session.add(user)
    session.flush()
    _user_event(session, actions.USER_CREATE, actor or Actor.cli(), user, email=email, role=str(role))
    return user


def _active_admins(session: Session, org_id: int) -> int:
    return session.scalar(
        select(func.count()).where(User.org_id == org_id, User.role == Role.ADMIN, User.is_active.is_(True))
    )


def set_role(session: Session, user: User, role: Role, actor: Actor) -> None:
    """Change a user's role; the organization always keeps one active admin."""
    if user.role == role:
        return
    if user.role == Role.ADMIN and user.is_active and _active_admins(session, user.org_id) <= 1:
        raise AccountError("This is the organization's only administrator; make someone else admin first.")
    old = user.role
    user.role = role
    end_sessions(session, user, SessionEnd.ROLE_CHANGE)  # what the user may do changed: sign them in again
    _user_event(session, actions.USER_ROLE_CHANGE, actor, user, old=str(old), new=str(role))


def deactivate(session: Session, user: User, actor: Actor) -> None:
    """Stop a user from signing in; their sessions end at once."""
    if actor.user_id == user.id:
        raise AccountError("You cannot deactivate your own account.")
    if user.role == Role.ADMIN and user.is_active and _active_admins(session, user.org_id) <= 1:
        raise AccountError("This is the organization's only administrator; make someone else admin first.")
    user.is_active = False
    end_sessions(session, user, SessionEnd.DEACTIVATION)
    _user_event(session, actions.USER_DEACTIVATE, actor, user)


def reactivate(session: Session, user: User, actor: Actor) -> None:
    """Let a deactivated user sign in again."""
    user.is_active = True
    _user_event(session, actions.USER_REACTIVATE, actor, user)


# Passwords and sign-in


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The active user whose email and password match, or None (the same effort either way)."""
    user = find_user(session, email)
    if not verify_password(user.password_hash if user else None, password):
        return None
    if user is None or not user.is_active:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return user


def record_sign_in(session: Session, user: User, actor: Actor) -> None:
    """Note a completed sign-in (after the second factor, when there is one)."""
    user.last_login_at = utcnow()
    audit.record(session, actions.AUTH_LOGIN, actor, org_id=user.org_id, target_type="user", target_id=user.id)


def change_password(
    session: Session, user: User, current: str, new: str, actor: Actor, keep_session_id: int | None = None
) -> None:
    """Replace the user's password after checking the current one; ends every session but ``keep_session_id``."""
    if not verify_password(user.password_hash, current):
        raise AccountError("Your current password is not right.", "current")
    if verify_password(user.password_hash, new):
        raise AccountError("Choose a password different from the current one.", "new")
    try:
        _check_password(new, user.email, user.display_name)
    except AccountError as exc:
        raise AccountError(str(exc), "new") from None
    user.password_hash = hash_password(new)
    user.must_change_password = False
    ended = end_sessions(session, user, SessionEnd.PASSWORD_CHANGE, except_id=keep_session_id)
    _user_event(session, actions.USER_PASSWORD_CHANGE, actor, user, sessions_ended=ended)


def sign_out_everywhere(session: Session, user: User, actor: Actor, keep_session_id: int | None = None) -> None:
    """End every session of ``user`` but ``keep_session_id`` (the one asking)."""
    ended = end_sessions(session, user, SessionEnd.SIGN_OUT_EVERYWHERE, except_id=keep_session_id)
    _user_event(session, actions.USER_SIGN_OUT_EVERYWHERE, actor, user, sessions_ended=ended)


def reauthenticate(session: Session, user: User, record: UserSession, password: str, code: str, actor: Actor) -> None:
    """Prove again, on this session, that it is the user: the password and, if they have one, the second factor.

    Success marks ``record`` as recently re-authenticated (the caller gives it a new token); both outcomes
    are audited. The code is not looked at when the password is wrong, so no code is spent on a guess.
    """
    proven = verify_password(user.password_hash, password)
    if proven and user.has_mfa:
        proven = verify_second_factor(session, user, code, actor)
    if not proven:
        _user_event(session, actions.AUTH_REAUTH_FAILED, actor, user, session_id=record.id)
        raise AccountError("That password or code is not right. Check both and try again.", "password")
    record.reauthenticated_at = utcnow()
    _user_event(session, actions.AUTH_REAUTH, actor, user, session_id=record.id)


# One-time links: invitations and password resets


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _issue_token(
    session: Session,
    org_id: int,
    purpose: TokenPurpose,
    email: str,
    lifetime: timedelta,
    actor: Actor,
    role: Role | None = None,
    user_id: int | None = None,
) -> tuple[AccountToken, str]:
    token = secrets.token_urlsafe(32)
    link = AccountToken(
        org_id=org_id,
        purpose=purpose,
        token_hash=_token_hash(token),
        email=email,
        role=role,
        user_id=user_id,
        created_by_id=actor.user_id,
        expires_at=utcnow() + lifetime,
    )
    session.add(link)
    session.flush()
    return link, token


def invite(session: Session, org: Organization, email: str, role: Role, actor: Actor) -> tuple[AccountToken, str]:
    """An invitation link for ``email`` to join ``org`` as ``role``; the token is returned once."""
    email = _check_email(email)
    if find_user(session, email) is not None:
        raise AccountError(f"{email} already has an account.", "email")
    link, token = _issue_token(session, org.id, TokenPurpose.INVITATION, email, INVITATION_LIFETIME, actor, role=role)
    audit.record(
        session,
        actions.USER_INVITE,
        actor,
        org_id=org.id,
        target_type="invitation",
        target_id=link.id,
        details={"email": email, "role": str(role), "expires_at": link.expires_at.isoformat()},
    )
    return link, token


def pending_invitations(session: Session, org_id: int, now: datetime | None = None) -> list[AccountToken]:
    """Invitations of ``org_id`` that can still be accepted, newest first."""
    return list(
        session.scalars(
            select(AccountToken)
            .where(
                AccountToken.org_id == org_id,
                AccountToken.purpose == TokenPurpose.INVITATION,
                AccountToken.used_at.is_(None),
                AccountToken.revoked_at.is_(None),
                AccountToken.expires_at > (now or utcnow()),
            )
            .order_by(AccountToken.created_at.desc())
        )
    )


def revoke_invitation(session: Session, link: AccountToken, actor: Actor) -> None:
    """Withdraw an invitation before it is used."""
    if link.purpose != TokenPurpose.INVITATION or link.used_at is not None:
        raise AccountError("Only an invitation that has not been used can be withdrawn.")
    link.revoked_at = utcnow()
    audit.record(
        session,
        actions.USER_INVITE_REVOKE,
        actor,
        org_id=link.org_id,
        target_type="invitation",
        target_id=link.id,
        details={"email": link.email},
    )


def issue_password_reset(session: Session, user: User, actor: Actor) -> tuple[AccountToken, str]:
    """A password-reset link for ``user`` (an admin hands it over); earlier unused ones stop working."""
    for old in session.scalars(
        select(AccountToken).where(
            AccountToken.user_id == user.id,
            AccountToken.purpose == TokenPurpose.PASSWORD_RESET,
            AccountToken.used_at.is_(None),
            AccountToken.revoked_at.is_(None),
        )
    ):
        old.revoked_at = utcnow()
    link, token = _issue_token(
        session, user.org_id, TokenPurpose.PASSWORD_RESET, user.email, RESET_LIFETIME, actor, user_id=user.id
    )
    _user_event(session, actions.USER_PASSWORD_RESET_ISSUED, actor, user, expires_at=link.expires_at.isoformat())
    return link, token


def find_link(session: Session, token: str, purpose: TokenPurpose, now: datetime | None = None) -> AccountToken:
    """The usable link for ``token``, or an AccountError saying plainly why it cannot be used."""
    link = session.scalar(select(AccountToken).where(AccountToken.token_hash == _token_hash(token)))
    if link is None or link.purpose != purpose:
        raise AccountError("This link is not valid. Check that you copied all of it, or ask for a new one.")
    if link.used_at is not None:
        raise AccountError("This link has already been used. Ask your administrator for a new one.")
    if link.revoked_at is not None:
        raise AccountError("This link was withdrawn. Ask your administrator for a new one.")
    if link.expires_at <= (now or utcnow()):
        when = link.expires_at.strftime("%d %B %Y at %H:%M UTC")
        raise AccountError(f"This link expired on {when}. Ask your administrator for a new one.")
    return link


def accept_invitation(session: Session, token: str, display_name: str, password: str, source_ip: str | None) -> User:
    """Create the invited user's account; the link then stops working."""
    link = find_link(session, token, TokenPurpose.INVITATION)
    org = session.get(Organization, link.org_id)
    assert org is not None and link.role is not None
    actor = Actor(audit.ActorKind.USER, link.email, source_ip=source_ip)
    user = create_user(session, org, link.email, link.role, password, display_name=display_name, actor=actor)
    link.used_at = utcnow()
    link.user_id = user.id
    return user


def reset_password(session: Session, token: str, password: str, source_ip: str | None) -> User:
    """Set a new password through a reset link; the link then stops working and other sessions end."""
    link = find_link(session, token, TokenPurpose.PASSWORD_RESET)
    user = session.get(User, link.user_id)
    if user is None or not user.is_active:
        raise AccountError("This account is no longer active. Ask your administrator.")
    _check_password(password, user.email, user.display_name)
    user.password_hash = hash_password(password)
    user.must_change_password = False
    end_sessions(session, user, SessionEnd.PASSWORD_RESET)
    link.used_at = utcnow()
    _user_event(session, actions.USER_PASSWORD_RESET, Actor(audit.ActorKind.USER, user.email, user.id, source_ip), user)
    return user


# Second factor


def mfa_required(user: User) -> bool:
    """True when this user must use a second factor: by role, or because their organization says so."""
    return user.role in MFA_ROLES or user.organization.mfa_required


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
    _user_event(session, actions.USER_MFA_REPLACE if replacing else actions.USER_MFA_ENABLE, actor, user)
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
            _user_event(
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
    _user_event(session, actions.USER_MFA_RESET, actor, user)


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
