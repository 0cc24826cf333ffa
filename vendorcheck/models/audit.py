"""The append-only, hash-chained audit trail: events, the head row per chain, signed checkpoints."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    ForeignKey,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from vendorcheck.enums import (
    ActorKind,
)
from vendorcheck.models.base import Base, enum_column, utcnow


class AuditEvent(Base):
    """One entry of the append-only, hash-chained audit trail: entry ``seq`` of chain ``chain``.

    ``chain`` is the organization's id, 0 for the instance's system chain (events of no organization) and -1
    for the legacy chain (every event recorded before chains were per organization); see ``vendorcheck.audit``.
    """

    __tablename__ = "audit_events"
    __table_args__ = (
        Index("ix_audit_events_org_id_vendor_id", "org_id", "vendor_id"),
        UniqueConstraint("chain", "seq", name="uq_audit_events_chain_seq"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    chain: Mapped[int] = mapped_column(Integer)
    seq: Mapped[int] = mapped_column(Integer)
    org_id: Mapped[int | None] = mapped_column(ForeignKey("organizations.id"))
    vendor_id: Mapped[int | None] = mapped_column(ForeignKey("vendors.id"))
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_kind: Mapped[ActorKind] = mapped_column(enum_column(ActorKind, "actor_kind"))
    actor_user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    actor_label: Mapped[str] = mapped_column(String(300))
    action: Mapped[str] = mapped_column(String(100), index=True)
    target_type: Mapped[str | None] = mapped_column(String(50))
    target_id: Mapped[str | None] = mapped_column(String(100))
    source_ip: Mapped[str | None] = mapped_column(String(45))
    details: Mapped[dict[str, Any]] = mapped_column(default=dict)
    prev_hash: Mapped[str] = mapped_column(String(64))
    entry_hash: Mapped[str] = mapped_column(String(64))


class AuditHead(Base):
    """One row per chain that serializes its appends: the chain's newest sequence number and hash.

    Created by the chain's first append; appending locks it (SELECT ... FOR UPDATE on PostgreSQL; SQLite
    transactions begin IMMEDIATE), so concurrent writers queue instead of forking the chain.
    """

    __tablename__ = "audit_head"

    chain: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(Integer)
    last_hash: Mapped[str] = mapped_column(String(64))


class AuditCheckpoint(Base):
    """A signed statement of one chain's size and Merkle root at a moment."""

    __tablename__ = "audit_checkpoints"

    id: Mapped[int] = mapped_column(primary_key=True)
    chain: Mapped[int] = mapped_column(Integer, index=True)
    tree_size: Mapped[int] = mapped_column(Integer)
    root_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    key_id: Mapped[str] = mapped_column(String(64))
    signature: Mapped[str] = mapped_column(String(128))  # base64 Ed25519 signature
    reason: Mapped[str] = mapped_column(String(50))  # "scheduled", "packet export", ...
