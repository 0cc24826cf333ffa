"""Server-side sign-in sessions: created at sign-in, checked on every request, ended on the server. No Flask.

The browser's cookie names a session by a random token (256 bits); the database keeps only its SHA-256,
so a copy of the table signs nobody in. Every request looks the record up: a missing, ended, idle or
too-old record, or an inactive user, means "not signed in", whatever the cookie says. Ending a record
therefore signs that browser out at once, for every app process sharing the database, and a cookie
copied before sign-out is worth nothing after it. The idle and absolute limits are measured from the
record's own timestamps, never from values the client sends back.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam, select, update
from sqlalchemy.orm import Session, joinedload

from vendorcheck.audit.log import head_columns
from vendorcheck.db import Prepared, Reads
from vendorcheck.enums import Role
from vendorcheck.models import Organization, SessionEnd, User, UserSession, utcnow

# The step between the right password and the second factor must be finished within this time.
SECOND_FACTOR_WINDOW = timedelta(minutes=5)
# How long a re-authentication (or a fresh sign-in, for first enrolment) counts as recent.
REAUTH_WINDOW = timedelta(minutes=5)
# last_seen_at is written at most once a minute, not on every request (a write per request is costly on a
# shared database). The idle limit may therefore end a session up to a minute early: the safe side.
TOUCH_INTERVAL = timedelta(minutes=1)
USER_AGENT_LENGTH = 200


@dataclass(frozen=True)
class Limits:
    """How long a session may stay unused, and how long it may live at all."""

    idle: timedelta
    lifetime: timedelta


def hash_token(token: str) -> str:
    """The stored form of a session token (SHA-256: the token carries 256 random bits, no slow hash needed)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def start(
    session: Session,
    user: User,
    source_ip: str | None,
    user_agent: str | None,
    *,
    awaiting_second_factor: bool = False,
) -> tuple[UserSession, str]:
    """A new session record for ``user`` and its token (returned once: only the hash is stored)."""
    token = secrets.token_urlsafe(32)
    now = utcnow()
    record = UserSession(
        token_hash=hash_token(token),
        user_id=user.id,
        org_id=user.org_id,
        awaiting_second_factor=awaiting_second_factor,
        created_at=now,
        last_seen_at=now,
        source_ip=source_ip,
        user_agent=(user_agent or "")[:USER_AGENT_LENGTH] or None,
    )
    session.add(record)
    session.flush()
    return record, token


def rotate(record: UserSession) -> str:
    """Give ``record`` a new token (after a re-authentication): a copy of the old cookie stops working."""
    token = secrets.token_urlsafe(32)
    record.token_hash = hash_token(token)
    return token


def _find(session: Session, token: object) -> UserSession | None:
    if not isinstance(token, str) or not token:
        return None
    # One query for the record and its user: this runs on every request.
    query = select(UserSession).options(joinedload(UserSession.user)).where(UserSession.token_hash == hash_token(token))
    return session.scalar(query)


def check(
    session: Session, token: object, limits: Limits, now: datetime | None = None
) -> tuple[UserSession | None, SessionEnd | None]:
    """The live, signed-in session ``token`` names, or None and, when it ran out just now, why.

    An idle or too-old session is ended here (the caller commits). A live one has its last-seen time
    moved on when it is at least TOUCH_INTERVAL old; the record is then dirty and the caller commits.
    """
    now = now or utcnow()
    record = _find(session, token)
    if record is None or record.ended_at is not None or record.awaiting_second_factor:
        return None, None
    if not record.user.is_active:
        return None, None
    expired = None
    if now - record.created_at > limits.lifetime:
        expired = SessionEnd.LIFETIME
    elif now - record.last_seen_at > limits.idle:
        expired = SessionEnd.IDLE
    if expired is not None:
        end(record, expired, now)
        return None, expired
    if now - record.last_seen_at >= TOUCH_INTERVAL:
        record.last_seen_at = now
    return record, None


@dataclass(frozen=True, slots=True)
class LiveSession:
    """What a request needs to know about a live session and its user, read without loading ORM objects."""

    record_id: int
    user_id: int
    org_id: int
    role: Role
    must_change_password: bool
    has_mfa: bool
    org_requires_mfa: bool
    # The heads of the organization's audit chain and of the system chain, read in the same statement: every
    # change appends to one of them, so together they name the data the request sees (web.pagecache keys on it).
    org_head: int
    system_head: int


# One statement over plain table columns, compiled once and run by the driver (db.Prepared): it runs on nearly
# every request, so it skips the ORM's object loading and SQLAlchemy's execution machinery.
_sessions, _users, _orgs = (model.__table__.c for model in (UserSession, User, Organization))
_PEEK = Prepared(
    select(
        _sessions.id,
        _sessions.ended_at,
        _sessions.awaiting_second_factor,
        _sessions.created_at,
        _sessions.last_seen_at,
        _users.id,
        _users.org_id,
        _users.role,
        _users.is_active,
        _users.must_change_password,
        _users.mfa_enabled_at,
        _orgs.mfa_required,
        *head_columns(_users.org_id),
    )
    .select_from(UserSession.__table__.join(User.__table__).join(Organization.__table__))
    .where(_sessions.token_hash == bindparam("token_hash"))
)


def peek(reads: Reads, token: object, limits: Limits, now: datetime | None = None) -> LiveSession | None:
    """The live session ``token`` names when checking it needs no write, else None (then call ``check``).

    None covers every case where ``check`` has something to decide or write: no such record, an ended or
    half-finished one, an inactive user, a limit reached, or a last-seen time due to move on. The rules are
    ``check``'s, on the same columns, so the two never disagree about a session that needs no write.
    """
    if not isinstance(token, str) or not token:
        return None
    row = reads.first(_PEEK, token_hash=hash_token(token))
    if row is None:
        return None
    (
        record_id,
        ended_at,
        awaiting,
        created_at,
        last_seen_at,
        user_id,
        org_id,
        role,
        active,
        must_change,
        mfa_at,
        org_mfa,
        org_head,
        system_head,
    ) = row
    now = now or utcnow()
    if ended_at is not None or awaiting or not active:
        return None
    if now - created_at > limits.lifetime or now - last_seen_at > limits.idle or now - last_seen_at >= TOUCH_INTERVAL:
        return None
    return LiveSession(
        record_id, user_id, org_id, role, must_change, mfa_at is not None, org_mfa, org_head or 0, system_head or 0
    )


def awaiting_second_factor(session: Session, token: object, now: datetime | None = None) -> UserSession | None:
    """The record of a sign-in that passed the password step moments ago and now owes the second factor."""
    record = _find(session, token)
    if record is None or record.ended_at is not None or not record.awaiting_second_factor:
        return None
    if (now or utcnow()) - record.created_at > SECOND_FACTOR_WINDOW:
        return None
    if not record.user.is_active or not record.user.has_mfa:
        return None
    return record


def complete_second_factor(record: UserSession, now: datetime | None = None) -> str:
    """Turn a half-finished sign-in into a signed-in session under a new token (the old one dies)."""
    now = now or utcnow()
    record.awaiting_second_factor = False
    record.created_at = record.last_seen_at = now  # the lifetime counts from the completed sign-in
    return rotate(record)


def end(record: UserSession, reason: SessionEnd, now: datetime | None = None) -> None:
    """End one session (sign-out, or a time limit)."""
    if record.ended_at is None:
        record.ended_at = now or utcnow()
        record.end_reason = reason
        record.pending_mfa_secret = None


def end_sessions(
    session: Session, user: User, reason: SessionEnd, *, except_id: int | None = None, now: datetime | None = None
) -> int:
    """End every open session of ``user`` but ``except_id`` (the one asking, when it should live); how many."""
    query = (
        update(UserSession)
        .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
        .values(ended_at=now or utcnow(), end_reason=reason, pending_mfa_secret=None)
        .execution_options(synchronize_session="fetch")
    )
    if except_id is not None:
        query = query.where(UserSession.id != except_id)
    return session.execute(query).rowcount


def active_sessions(session: Session, user: User, limits: Limits, now: datetime | None = None) -> list[UserSession]:
    """The user's signed-in sessions that are still within their limits, most recently used first."""
    now = now or utcnow()
    records = session.scalars(
        select(UserSession)
        .where(
            UserSession.user_id == user.id,
            UserSession.ended_at.is_(None),
            UserSession.awaiting_second_factor.is_(False),
        )
        .order_by(UserSession.last_seen_at.desc(), UserSession.id.desc())
    )
    return [r for r in records if now - r.created_at <= limits.lifetime and now - r.last_seen_at <= limits.idle]


def recently_authenticated(record: UserSession, user: User, now: datetime | None = None) -> bool:
    """True when the person behind ``record`` proved who they are within REAUTH_WINDOW.

    A re-authentication always counts. A fresh sign-in counts only for a user with no second factor yet
    (first enrolment right after signing in): changing an existing factor needs the explicit step.
    """
    now = now or utcnow()
    proofs = [record.reauthenticated_at]
    if not user.has_mfa:
        proofs.append(record.created_at)
    return any(when is not None and now - when <= REAUTH_WINDOW for when in proofs)
