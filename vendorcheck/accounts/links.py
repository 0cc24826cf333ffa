"""One-time links a person is handed: invitations to join and password resets. Only hashes are stored. No Flask."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from vendorcheck import audit
from vendorcheck.accounts.passwords import hash_password
from vendorcheck.accounts.sessions import end_sessions
from vendorcheck.accounts.users import (
    AccountError,
    check_email,
    check_password,
    create_user,
    find_user,
    user_event,
)
from vendorcheck.audit import Actor, actions
from vendorcheck.models import AccountToken, Organization, Role, SessionEnd, TokenPurpose, User, utcnow

INVITATION_LIFETIME = timedelta(days=7)
RESET_LIFETIME = timedelta(hours=24)


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
    email = check_email(email)
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
    user_event(session, actions.USER_PASSWORD_RESET_ISSUED, actor, user, expires_at=link.expires_at.isoformat())
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
    check_password(password, user.email, user.display_name)
    user.password_hash = hash_password(password)
    user.must_change_password = False
    end_sessions(session, user, SessionEnd.PASSWORD_RESET)
    link.used_at = utcnow()
    user_event(session, actions.USER_PASSWORD_RESET, Actor(audit.ActorKind.USER, user.email, user.id, source_ip), user)
    return user
