"""Organizations and people: creating users, roles, deactivation, signing in and passwords. No Flask.

Every change writes an audit event in the caller's transaction. Whatever changes who a user is or what they
may do (password, role, deactivation) ends their server-side sessions here, through
``user_sessions.end_sessions``, so it holds for every app process and for the CLI alike.
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from vendorcheck import audit
from vendorcheck.accounts.passwords import hash_password, needs_rehash, password_problem, verify_password
from vendorcheck.accounts.sessions import end_sessions
from vendorcheck.audit import Actor, actions
from vendorcheck.models import (
    Organization,
    Role,
    SessionEnd,
    User,
    utcnow,
)


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


def check_email(email: str) -> str:
    email = normalize_email(email)
    local, _, domain = email.partition("@")
    if not local or "." not in domain or len(email) > 254 or any(ch.isspace() for ch in email):
        raise AccountError(f"{email!r} is not an email address.", "email")
    return email


def check_password(password: str, email: str, display_name: str | None = None) -> None:
    problem = password_problem(password, personal=(email.split("@")[0], display_name or ""))
    if problem:
        raise AccountError(problem, "password")


def user_event(session: Session, action: str, actor: Actor, user: User, **details: object) -> None:
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
    email = check_email(email)
    if find_user(session, email) is not None:
        raise AccountError(f"A user with the email {email} already exists.", "email")
    check_password(password, email, display_name)
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
    user_event(session, actions.USER_CREATE, actor or Actor.cli(), user, email=email, role=str(role))
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
    user_event(session, actions.USER_ROLE_CHANGE, actor, user, old=str(old), new=str(role))


def deactivate(session: Session, user: User, actor: Actor) -> None:
    """Stop a user from signing in; their sessions end at once."""
    if actor.user_id == user.id:
        raise AccountError("You cannot deactivate your own account.")
    if user.role == Role.ADMIN and user.is_active and _active_admins(session, user.org_id) <= 1:
        raise AccountError("This is the organization's only administrator; make someone else admin first.")
    user.is_active = False
    end_sessions(session, user, SessionEnd.DEACTIVATION)
    user_event(session, actions.USER_DEACTIVATE, actor, user)


def reactivate(session: Session, user: User, actor: Actor) -> None:
    """Let a deactivated user sign in again."""
    user.is_active = True
    user_event(session, actions.USER_REACTIVATE, actor, user)


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
        check_password(new, user.email, user.display_name)
    except AccountError as exc:
        raise AccountError(str(exc), "new") from None
    user.password_hash = hash_password(new)
    user.must_change_password = False
    ended = end_sessions(session, user, SessionEnd.PASSWORD_CHANGE, except_id=keep_session_id)
    user_event(session, actions.USER_PASSWORD_CHANGE, actor, user, sessions_ended=ended)


def sign_out_everywhere(session: Session, user: User, actor: Actor, keep_session_id: int | None = None) -> None:
    """End every session of ``user`` but ``keep_session_id`` (the one asking)."""
    ended = end_sessions(session, user, SessionEnd.SIGN_OUT_EVERYWHERE, except_id=keep_session_id)
    user_event(session, actions.USER_SIGN_OUT_EVERYWHERE, actor, user, sessions_ended=ended)
