"""Organizations and user accounts: the service the CLI, the demo and the web share."""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from vendorcheck import audit
from vendorcheck.models import ActorKind, Organization, Role, User, utcnow
from vendorcheck.passwords import hash_password, needs_rehash, password_problem, verify_password


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


def get_or_create_organization(session: Session, name: str) -> tuple[Organization, bool]:
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
        "organization.create",
        actor_kind=ActorKind.CLI,
        actor_label="vendorcheck CLI",
        org_id=org.id,
        target_type="organization",
        target_id=org.id,
        details={"name": name},
    )
    return org, True


def find_user(session: Session, email: str) -> User | None:
    """The user with this email, whatever its case."""
    return session.scalar(select(User).where(func.lower(User.email) == normalize_email(email)))


def create_user(
    session: Session,
    org: Organization,
    email: str,
    role: Role,
    password: str,
    *,
    display_name: str | None = None,
    must_change_password: bool = False,
    actor_label: str = "vendorcheck CLI",
) -> User:
    """Add a user to ``org``; refuses a taken email or a weak password."""
    email = normalize_email(email)
    if "@" not in email or len(email) > 254:
        raise AccountError(f"{email!r} is not an email address.")
    if find_user(session, email) is not None:
        raise AccountError(f"A user with the email {email} already exists.")
    problem = password_problem(password)
    if problem:
        raise AccountError(problem)
    user = User(
        org_id=org.id,
        email=email,
        display_name=display_name or email.split("@")[0],
        password_hash=hash_password(password),
        role=role,
        must_change_password=must_change_password,
    )
    session.add(user)
    session.flush()
    audit.record(
        session,
        "user.create",
        actor_kind=ActorKind.CLI,
        actor_label=actor_label,
        org_id=org.id,
        target_type="user",
        target_id=user.id,
        details={"email": email, "role": str(role)},
    )
    return user


def authenticate(session: Session, email: str, password: str) -> User | None:
    """The active user whose email and password match, or None (the same effort either way)."""
    user = find_user(session, email)
    if not verify_password(user.password_hash if user else None, password):
        return None
    if user is None or not user.is_active:
        return None
    if needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    user.last_login_at = utcnow()
    return user


def change_password(user: User, current: str, new: str) -> None:
    """Replace the user's password after checking the current one; ends other sessions."""
    if not verify_password(user.password_hash, current):
        raise AccountError("Your current password is not right.", "current")
    problem = password_problem(new)
    if problem:
        raise AccountError(problem, "new")
    if verify_password(user.password_hash, new):
        raise AccountError("Choose a password different from the current one.", "new")
    user.password_hash = hash_password(new)
    user.must_change_password = False
    user.session_version += 1
