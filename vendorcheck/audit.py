"""The audit trail: append-only events hashed into a chain, with signed checkpoints. Pure: no Flask.

An entry's hash is RFC 6962's leaf hash, SHA-256(0x00 || canonical JSON), where the canonical JSON has
sorted keys and includes the entry's sequence number and the previous entry's hash. Appends lock the
``audit_head`` row, so concurrent writers queue instead of forking the chain. A checkpoint signs the
log's size and Merkle root with the instance's Ed25519 key; ``verify`` recomputes everything and names
the first entry that does not fit.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import select
from sqlalchemy.orm import Session

from vendorcheck import merkle, signing
from vendorcheck.models import ActorKind, AuditCheckpoint, AuditEvent, AuditHead, utcnow

GENESIS_HASH = "0" * 64
CHECKPOINT_FORMAT = "vendorcheck-audit-checkpoint/v1"


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
        "occurred_at": iso(event.occurred_at),
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


def event_hash(event: AuditEvent) -> str:
    """The hash an event should carry, recomputed from its content."""
    return leaf_hash(canonical_json(entry_document(event)))


def iso(moment: datetime) -> str:
    return moment.isoformat(timespec="microseconds")


def _lock_head(session: Session) -> AuditHead:
    head = session.scalar(select(AuditHead).where(AuditHead.id == 1).with_for_update())
    if head is None:
        raise RuntimeError("the audit_head row is missing: run `vendorcheck db upgrade`")
    return head


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
    """Append an event in the caller's transaction (it commits, or rolls back, with the action it records)."""
    head = _lock_head(session)
    event = AuditEvent(
        seq=head.seq + 1,
        prev_hash=head.last_hash,
        occurred_at=utcnow(),  # taken under the lock, so time never runs backwards along the chain
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
    event.entry_hash = event_hash(event)
    head.seq, head.last_hash = event.seq, event.entry_hash
    session.add(event)
    session.flush()
    return event


# Checkpoints


def checkpoint_message(tree_size: int, root_hash: str, created_at: datetime) -> bytes:
    """The exact bytes a checkpoint's signature covers."""
    return f"{CHECKPOINT_FORMAT}\n{tree_size}\n{root_hash}\n{iso(created_at)}\n".encode("ascii")


def leaf_hashes(session: Session, up_to: int | None = None) -> list[bytes]:
    """The stored entry hashes in sequence order (the Merkle tree's leaves)."""
    query = select(AuditEvent.entry_hash).order_by(AuditEvent.seq)
    if up_to is not None:
        query = query.where(AuditEvent.seq <= up_to)
    return [bytes.fromhex(h) for h in session.scalars(query)]


def write_checkpoint(session: Session, signer: signing.Signer, reason: str) -> AuditCheckpoint:
    """Sign the log's current size and root; the head lock keeps new entries out while it is computed."""
    return checkpoint_tree(session, signer, reason)[0]


def checkpoint_tree(session: Session, signer: signing.Signer, reason: str) -> tuple[AuditCheckpoint, merkle.Tree]:
    """Write a checkpoint and keep the tree it signs (for inclusion proofs of the entries it covers)."""
    head = _lock_head(session)
    tree = merkle.Tree(leaf_hashes(session, up_to=head.seq))
    created_at = utcnow()
    root_hex = tree.root().hex()
    checkpoint = AuditCheckpoint(
        tree_size=tree.size,
        root_hash=root_hex,
        created_at=created_at,
        key_id=signer.key_id,
        signature=base64.b64encode(signer.sign(checkpoint_message(tree.size, root_hex, created_at))).decode(),
        reason=reason,
    )
    session.add(checkpoint)
    session.flush()
    return checkpoint, tree


def latest_checkpoint(session: Session) -> AuditCheckpoint | None:
    """The newest checkpoint, if any."""
    return session.scalar(select(AuditCheckpoint).order_by(AuditCheckpoint.id.desc()).limit(1))


def log_size(session: Session) -> int:
    """How many entries the log holds (the head's sequence number)."""
    return session.scalar(select(AuditHead.seq).where(AuditHead.id == 1)) or 0


def checkpoint_due(session: Session, every: timedelta, now: datetime) -> bool:
    """True when entries wait for a checkpoint and the newest one (if any) is at least ``every`` old."""
    size = log_size(session)
    latest = latest_checkpoint(session)
    if size == 0 or (latest is not None and latest.tree_size >= size):
        return False
    return latest is None or latest.created_at <= now - every


def checkpoint_if_due(
    session: Session, signer: signing.Signer, every: timedelta, now: datetime | None = None
) -> AuditCheckpoint | None:
    """Write a scheduled checkpoint if one is due (see ``checkpoint_due``), else None.

    Asked again under the head lock, so schedulers in several processes write one checkpoint, not one each.
    """
    now = now or utcnow()
    if not checkpoint_due(session, every, now):
        return None
    _lock_head(session)
    if not checkpoint_due(session, every, now):
        return None
    return write_checkpoint(session, signer, "scheduled")


def checkpoint_signature_ok(checkpoint: AuditCheckpoint, keys: dict[str, Ed25519PublicKey]) -> bool:
    """True if a known key made this checkpoint's signature."""
    key = keys.get(checkpoint.key_id)
    if key is None:
        return False
    message = checkpoint_message(checkpoint.tree_size, checkpoint.root_hash, checkpoint.created_at)
    return signing.verify(key, base64.b64decode(checkpoint.signature), message)


# Verification


@dataclass
class VerifyReport:
    """What ``verify`` found: the first problem (None when the log is intact) and what it checked."""

    entries: int = 0
    checkpoints: int = 0
    problems: list[str] = field(default_factory=list)
    first_bad_seq: int | None = None

    @property
    def ok(self) -> bool:
        """True when nothing was wrong."""
        return not self.problems


def _hash_numbered(event: AuditEvent, seq: int) -> str:
    """The hash the event would carry had it been entry ``seq`` (to recognise renumbered entries)."""
    return leaf_hash(canonical_json(entry_document(event) | {"seq": seq}))


def _misfit(event: AuditEvent, following: AuditEvent | None, previous_action: str) -> tuple[str, int]:
    """Why an entry's content does not match its hash, and the first bad entry: edited, or moved."""
    seq = event.seq
    if seq > 1 and _hash_numbered(event, seq - 1) == event.entry_hash:
        return (
            f"entry {seq - 1} ({previous_action}) was inserted: the entries after it were renumbered "
            f"(entry {seq} ({event.action}) was entry {seq - 1})",
            seq - 1,
        )
    if _hash_numbered(event, seq + 1) == event.entry_hash:
        if following is not None and _hash_numbered(following, seq) == following.entry_hash:
            return (
                f"entries {seq} and {seq + 1} were reordered: entry {seq} ({event.action}) was entry {seq + 1} "
                f"and entry {seq + 1} ({following.action}) was entry {seq}",
                seq,
            )
        return (
            f"entry {seq} was deleted and the entries after it renumbered "
            f"(entry {seq} ({event.action}) was entry {seq + 1})",
            seq,
        )
    return f"entry {seq} ({event.action}) was edited: its content no longer matches its hash", seq


def verify_events(events: Iterable[AuditEvent], report: VerifyReport) -> list[bytes]:
    """Check sequence, links and hashes; stop at the first entry that does not fit. Returns the leaves."""
    leaves: list[bytes] = []
    previous_hash = GENESIS_HASH
    previous_action = ""
    expected_seq = 1
    remaining = iter(events)
    for event in remaining:
        report.entries += 1
        if event.seq != expected_seq:
            what = "missing (deleted)" if event.seq > expected_seq else "out of order (inserted or reordered)"
            report.problems.append(f"entry {expected_seq} is {what}: found entry {event.seq} in its place")
            report.first_bad_seq = expected_seq
            return leaves
        if event_hash(event) != event.entry_hash:
            problem, report.first_bad_seq = _misfit(event, next(remaining, None), previous_action)
            report.problems.append(problem)
            return leaves
        if event.prev_hash != previous_hash:
            # The entry before it was rewritten (and re-hashed), or this one was moved or inserted here.
            report.problems.append(
                f"entry {event.seq} ({event.action}) no longer links to entry {event.seq - 1}: entry "
                f"{event.seq - 1} was edited and re-hashed, or entry {event.seq} was inserted or moved"
            )
            report.first_bad_seq = max(1, event.seq - 1)
            return leaves
        leaves.append(bytes.fromhex(event.entry_hash))
        previous_hash = event.entry_hash
        previous_action = event.action
        expected_seq += 1
    return leaves


def verify_checkpoints(
    checkpoints: Sequence[AuditCheckpoint],
    leaves: Sequence[bytes],
    keys: dict[str, Ed25519PublicKey],
    report: VerifyReport,
) -> None:
    """Check each checkpoint's signature, and its root against the entries it covers."""
    proven = 0  # entries covered by the newest checkpoint that matched
    for checkpoint in checkpoints:
        report.checkpoints += 1
        when = iso(checkpoint.created_at)
        if checkpoint.key_id not in keys:
            report.problems.append(f"checkpoint of {when} is signed by an unknown key {checkpoint.key_id}")
            return
        if not checkpoint_signature_ok(checkpoint, keys):
            report.problems.append(f"checkpoint of {when} has a bad signature")
            return
        if checkpoint.tree_size > len(leaves):
            report.problems.append(
                f"checkpoint of {when} covers {checkpoint.tree_size} entries but only {len(leaves)} check out: "
                "entries were deleted"
            )
            report.first_bad_seq = report.first_bad_seq or len(leaves) + 1
            return
        if merkle.root(leaves[: checkpoint.tree_size]).hex() != checkpoint.root_hash:
            report.problems.append(
                f"entries {proven + 1} to {checkpoint.tree_size} do not match the checkpoint signed {when}: "
                f"one of them was rewritten (with every later hash) after it was signed"
            )
            report.first_bad_seq = proven + 1
            return
        proven = max(proven, checkpoint.tree_size)


def verify(session: Session, keys: dict[str, Ed25519PublicKey]) -> VerifyReport:
    """Recompute the whole chain and every checkpoint; the report names the first bad entry."""
    report = VerifyReport()
    events = session.scalars(select(AuditEvent).order_by(AuditEvent.seq).execution_options(yield_per=1000))
    try:
        leaves = verify_events(events, report)
    finally:
        events.close()  # verification may stop early; release the server-side cursor
    if report.ok:
        checkpoints = session.scalars(select(AuditCheckpoint).order_by(AuditCheckpoint.id)).all()
        verify_checkpoints(checkpoints, leaves, keys, report)
    return report
