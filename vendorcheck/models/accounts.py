"""Organizations, people and how they sign in: users, recovery codes, sign-in sessions, one-time links."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import (
    Boolean,
    ForeignKey,
    Integer,
    String,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from vendorcheck.enums import (
    Role,
    SessionEnd,
    TokenPurpose,
)
from vendorcheck.models.base import Base, OrgScoped, enum_column, utcnow

if TYPE_CHECKING:  # relationships name these; SQLAlchemy finds them in its registry at run time
    from vendorcheck.models.vendors import Vendor


class Organization(Base):
    """A practice, practice group or consultancy: the unit of isolation."""

    __tablename__ = "organizations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    mfa_required: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    users: Mapped[list[User]] = relationship(back_populates="organization")
    vendors: Mapped[list[Vendor]] = relationship(back_populates="organization")


class User(OrgScoped, Base):
    """A person who signs in; belongs to exactly one organization."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = mapped_column(enum_column(Role, "role"))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False)
    mfa_secret: Mapped[str | None] = mapped_column(String(64))
    mfa_enabled_at: Mapped[datetime | None]
    # The TOTP time step of the last accepted code: a code from that step or earlier is a replay.
    mfa_last_step: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_login_at: Mapped[datetime | None]

    organization: Mapped[Organization] = relationship(back_populates="users")
    recovery_codes: Mapped[list[RecoveryCode]] = relationship(back_populates="user", cascade="all, delete-orphan")

    @property
    def has_mfa(self) -> bool:
        """True once the user has finished enrolling an authenticator app."""
        return self.mfa_enabled_at is not None


class RecoveryCode(Base):
    """A one-time code that stands in for the authenticator app; only its hash is kept."""

    __tablename__ = "recovery_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(String(64))
    used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(back_populates="recovery_codes")


class UserSession(OrgScoped, Base):
    """One sign-in, held on the server: the cookie carries only a random id whose SHA-256 is ``token_hash``.

    A record ``awaiting_second_factor`` is the short step between the right password and the code; it
    signs nobody in. Ending a record (``ended_at``) signs that browser out for every app process at once.
    """

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    awaiting_second_factor: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    # The last time the person proved it was them again (password and current factor): sensitive changes.
    reauthenticated_at: Mapped[datetime | None]
    # An authenticator secret being enrolled: kept here, never in the (readable) cookie.
    pending_mfa_secret: Mapped[str | None] = mapped_column(String(64))
    ended_at: Mapped[datetime | None]
    end_reason: Mapped[SessionEnd | None] = mapped_column(enum_column(SessionEnd, "session_end"))
    source_ip: Mapped[str | None] = mapped_column(String(45))
    user_agent: Mapped[str | None] = mapped_column(String(200))

    user: Mapped[User] = relationship()


class AccountToken(OrgScoped, Base):
    """A one-time, expiring link: an invitation to join, or a password reset. Only the hash is stored."""

    __tablename__ = "account_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organizations.id"), index=True)
    purpose: Mapped[TokenPurpose] = mapped_column(enum_column(TokenPurpose, "token_purpose"))
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    email: Mapped[str] = mapped_column(String(254))
    role: Mapped[Role | None] = mapped_column(enum_column(Role, "token_role"))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]
