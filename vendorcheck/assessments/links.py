"""Vendor links: the emailed link that is a vendor contact's only way in (no account).

The token is random (256 bits), shown once when issued and never stored: the assessment keeps its SHA-256,
so a database reader cannot open anything. Issuing a new link replaces the old one; a link stops working
when it expires, is revoked, or its assessment is completed or cancelled.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from sqlalchemy import select
from sqlalchemy.orm import Session

from vendorcheck import horizon
from vendorcheck.assessments.lifecycle import FINISHED, AssessmentError, record
from vendorcheck.audit import Actor
from vendorcheck.models import ActorKind, Assessment, AssessmentStatus, utcnow

LINK_LIFETIME = timedelta(days=30)
MAX_LINK_DAYS = 120
MAX_TOKEN_CHARS = 100

LinkState = Literal["none", "active", "expired", "revoked"]


class LinkError(AssessmentError):
    """A vendor link that does not open an assessment: unknown, expired, revoked or finished."""

    def __init__(self, message: str, assessment: Assessment | None = None) -> None:
        super().__init__(message)
        self.assessment = assessment


@dataclass(frozen=True)
class VendorLink:
    """An assessment's vendor link as the assessor sees it: whether it works and until when (never the token)."""

    state: LinkState
    issued_at: datetime | None
    expires_at: datetime | None

    @classmethod
    def of(cls, assessment: Assessment, now: datetime | None = None) -> VendorLink:
        """The link of ``assessment`` as it stands at ``now``."""
        state: LinkState
        if assessment.link_token_hash is None:
            state = "none"
        elif assessment.link_revoked_at is not None:
            state = "revoked"
        elif assessment.link_expires_at is not None and assessment.link_expires_at <= (now or utcnow()):
            state = "expired"
        else:
            state = "active"
            if assessment.link_expires_at is not None:
                horizon.changes_at(assessment.link_expires_at)  # it reads "expired" from then on
        return cls(state, assessment.link_issued_at, assessment.link_expires_at)


def token_hash(token: str) -> str:
    """What is stored of a link's token (its SHA-256, hex)."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def issue_link(session: Session, actor: Actor, assessment: Assessment, days: int | None = None) -> str:
    """A new vendor link (the token, returned once; only its hash is kept); any earlier link stops working."""
    if assessment.status in FINISHED:
        raise AssessmentError("This assessment is finished; create a new one to ask the vendor again.")
    lifetime = timedelta(days=days) if days else LINK_LIFETIME
    if not timedelta(days=1) <= lifetime <= timedelta(days=MAX_LINK_DAYS):
        raise AssessmentError(f"A link lasts between 1 and {MAX_LINK_DAYS} days.")
    token = secrets.token_urlsafe(32)
    now = utcnow()
    replaced = assessment.link_token_hash is not None and assessment.link_revoked_at is None
    assessment.link_token_hash = token_hash(token)
    assessment.link_issued_at = now
    assessment.link_expires_at = now + lifetime
    assessment.link_revoked_at = None
    if assessment.status == AssessmentStatus.DRAFT:
        assessment.status = AssessmentStatus.SENT
        assessment.sent_at = now
    record(
        session,
        "assessment.link_issued",
        actor,
        assessment,
        expires_at=assessment.link_expires_at.isoformat(),
        replaced_earlier_link=replaced,
    )
    return token


def revoke_link(session: Session, actor: Actor, assessment: Assessment) -> None:
    """Stop the current vendor link from working."""
    if assessment.link_token_hash is None or assessment.link_revoked_at is not None:
        raise AssessmentError("There is no working link to revoke.")
    assessment.link_revoked_at = utcnow()
    record(session, "assessment.link_revoked", actor, assessment)


def open_link(session: Session, token: str, now: datetime | None = None) -> Assessment:
    """The assessment a vendor link opens; :class:`LinkError` (with the assessment, if known) otherwise."""
    if not token or len(token) > MAX_TOKEN_CHARS:
        raise LinkError("This link is not valid.")
    assessment = session.scalar(select(Assessment).where(Assessment.link_token_hash == token_hash(token)))
    if assessment is None:
        raise LinkError("This link is not valid. It may have been replaced by a newer one.")
    state = VendorLink.of(assessment, now).state
    if state == "revoked":
        raise LinkError("This link has been withdrawn.", assessment)
    if state == "expired":
        raise LinkError("This link has expired.", assessment)
    if assessment.status == AssessmentStatus.CANCELLED:
        raise LinkError("This assessment has been cancelled.", assessment)
    return assessment


def vendor_actor(assessment: Assessment, source_ip: str | None = None) -> Actor:
    """The vendor contact acting through the link, as the audit trail names them."""
    who = assessment.contact_email or "vendor contact"
    return Actor(ActorKind.VENDOR_LINK, f"{who} (link for assessment {assessment.id})", None, source_ip)
