"""The audit trail: append-only events, each hashed into a chain over canonical JSON.

An entry's hash is RFC 6962's leaf hash, SHA-256(0x00 || canonical JSON), where the canonical JSON has
sorted keys and includes the entry's sequence number and the previous entry's hash. Pure: no Flask.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vendorcheck.models import ActorKind, AuditEvent, utcnow

GENESIS_HASH = "0" * 64


@dataclass(frozen=True)
class Actor:
    """Who is acting: a signed-in user, a vendor link, the CLI or the system, and from where."""

    kind: ActorKind
    label: str
    user_id: int | None = None
    source_ip: str | None = None

    @classmethod
    def cli(cls, label: str = "vendorcheck CLI") -> Actor:
        """The operator at the command line."""
        return cls(ActorKind.CLI, label)


def canonical_json(data: dict[str, Any]) -> bytes:
    """UTF-8 JSON with sorted keys and no insignificant whitespace."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def leaf_hash(entry: bytes) -> str:
    """RFC 6962 leaf hash of an entry, as hex."""
    return hashlib.sha256(b"\x00" + entry).hexdigest()


def entry_document(event: AuditEvent) -> dict[str, Any]:
    """The fields of an event that its hash covers."""
    return {
        "seq": event.seq,
        "prev_hash": event.prev_hash,
        "occurred_at": _iso(event.occurred_at),
        "org_id": event.org_id,
        "vendor_id": event.vendor_id,
        "actor_kind": str(event.actor_kind),
        "actor_user_id": event.actor_user_id,
        "actor_label": event.actor_label,
        "action": event.action,
        "target_type": event.target_type,
        "target_id": event.target_id,
        "source_ip": event.source_ip,
        "details": event.details,
    }


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="microseconds")


def record(
    session: Session,
    action: str,
    actor: Actor,
    *,
    org_id: int | None = None,
    vendor_id: int | None = None,
    target_type: str | None = None,
    target_id: str | int | None = None,
    details: dict[str, Any] | None = None,
) -> AuditEvent:
    """Append an event in the caller's transaction (it commits with the action it records)."""
    last = session.execute(
        select(AuditEvent.seq, AuditEvent.entry_hash).order_by(AuditEvent.seq.desc()).limit(1)
    ).first()
    event = AuditEvent(
        seq=(last.seq + 1) if last else 1,
        prev_hash=last.entry_hash if last else GENESIS_HASH,
        occurred_at=utcnow(),
        org_id=org_id,
        vendor_id=vendor_id,
        actor_kind=actor.kind,
        actor_user_id=actor.user_id,
        actor_label=actor.label[:300],
        action=action,
        target_type=target_type,
        target_id=None if target_id is None else str(target_id),
        source_ip=actor.source_ip,
        details=details or {},
    )
    event.entry_hash = leaf_hash(canonical_json(entry_document(event)))
    session.add(event)
    session.flush()
    return event
