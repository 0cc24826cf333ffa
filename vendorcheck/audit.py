"""The audit trail: append-only events hashed into chains, with signed checkpoints. Pure: no Flask.

Each organization has a chain of its own, numbered from 1, so an auditor sees and verifies exactly their
organization's trail; events of no organization (a failed sign-in for an unknown email, key rotation at the
command line) go into the instance's system chain, 0. Every event recorded before chains were per
organization stays, untouched, in the legacy chain, -1, verified as it always was (``docs/audit.md``).

An entry's hash is RFC 6962's leaf hash, SHA-256(0x00 || canonical JSON), where the canonical JSON has
sorted keys and includes the entry's chain, its sequence number and the previous entry's hash (legacy entries
predate the chain field). Appends lock the chain's ``audit_head`` row, so concurrent writers queue instead of
forking it. A checkpoint signs a chain's size and Merkle root with the instance's Ed25519 key; ``verify``
recomputes everything and names the first entry that does not fit, and its chain.
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
from sqlalchemy import select, union
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from vendorcheck import merkle, signing
from vendorcheck.models import ActorKind, AuditCheckpoint, AuditEvent, AuditHead, Organization, utcnow

GENESIS_HASH = "0" * 64
CHECKPOINT_FORMAT = "vendorcheck-audit-checkpoint/v2"  # names the chain (organization id, 0 for the system)
LEGACY_CHECKPOINT_FORMAT = "vendorcheck-audit-checkpoint/v1"  # the legacy chain's checkpoints, old and new
LEGACY_CHAIN = -1
SYSTEM_CHAIN = 0


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


def chain_of(org_id: int | None) -> int:
    """The chain an event of this organization (None: of no organization) is appended to."""
    return SYSTEM_CHAIN if org_id is None else org_id


def chain_name(chain: int, organization: str | None = None) -> str:
    """A chain as people read it in reports."""
    if chain == LEGACY_CHAIN:
        return "legacy chain (entries from before per-organization chains)"
    if chain == SYSTEM_CHAIN:
        return "system chain (entries of no organization)"
    return f"chain of organization {chain}" + (f" ({organization})" if organization else "")


def entry_document(event: AuditEvent) -> dict[str, Any]:
    """The fields of an event that its hash covers (the chain too, so no entry can be moved to another)."""
    chained = {} if event.chain == LEGACY_CHAIN else {"chain": event.chain}
    return chained | {
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


def _insert_head_if_missing(session: Session, chain: int) -> None:
    """Create a chain's head row; a concurrent first append that created it first wins, quietly."""
    dialect = session.get_bind().dialect.name
    values = {"chain": chain, "seq": 0, "last_hash": GENESIS_HASH}
    if dialect == "postgresql":
        session.execute(postgresql.insert(AuditHead).values(values).on_conflict_do_nothing())
    elif dialect == "sqlite":
        session.execute(sqlite.insert(AuditHead).values(values).on_conflict_do_nothing())
    else:  # pragma: no cover - vendorcheck runs on SQLite and PostgreSQL only
        raise RuntimeError(f"unsupported database {dialect}")


def _lock_head(session: Session, chain: int, *, create: bool = True) -> AuditHead | None:
    """Lock a chain's head row (creating it on the chain's first append), so appends to it queue."""
    query = select(AuditHead).where(AuditHead.chain == chain).with_for_update()
    head = session.scalar(query)
    if head is None and create:
        _insert_head_if_missing(session, chain)
        head = session.scalar(query.execution_options(populate_existing=True))
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
    """Append an event to its organization's chain in the caller's transaction (it commits, or rolls back,
    with the action it records)."""
    chain = chain_of(org_id)
    head = _lock_head(session, chain)
    assert head is not None
    event = AuditEvent(
        chain=chain,
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


def checkpoint_message(chain: int, tree_size: int, root_hash: str, created_at: datetime) -> bytes:
    """The exact bytes a checkpoint's signature covers: v2 names the chain; the legacy chain's stay v1."""
    lines = [LEGACY_CHECKPOINT_FORMAT] if chain == LEGACY_CHAIN else [CHECKPOINT_FORMAT, str(chain)]
    return ("\n".join([*lines, str(tree_size), root_hash, iso(created_at)]) + "\n").encode("ascii")


def leaf_hashes(session: Session, chain: int, up_to: int | None = None) -> list[bytes]:
    """A chain's stored entry hashes in sequence order (the Merkle tree's leaves)."""
    query = select(AuditEvent.entry_hash).where(AuditEvent.chain == chain).order_by(AuditEvent.seq)
    if up_to is not None:
        query = query.where(AuditEvent.seq <= up_to)
    return [bytes.fromhex(h) for h in session.scalars(query)]


def write_checkpoint(session: Session, signer: signing.Signer, reason: str, chain: int) -> AuditCheckpoint:
    """Sign a chain's current size and root; the head lock keeps new entries out while it is computed."""
    return checkpoint_tree(session, signer, reason, chain)[0]


def checkpoint_tree(
    session: Session, signer: signing.Signer, reason: str, chain: int
) -> tuple[AuditCheckpoint, merkle.Tree]:
    """Write a chain's checkpoint and keep the tree it signs (for inclusion proofs of the entries it covers)."""
    head = _lock_head(session, chain, create=chain != LEGACY_CHAIN)  # the legacy chain's head comes from 0008
    if head is None:
        raise RuntimeError("the legacy audit chain has no head row: it was deleted")
    tree = merkle.Tree(leaf_hashes(session, chain, up_to=head.seq))
    created_at = utcnow()
    root_hex = tree.root().hex()
    message = checkpoint_message(chain, tree.size, root_hex, created_at)
    checkpoint = AuditCheckpoint(
        chain=chain,
        tree_size=tree.size,
        root_hash=root_hex,
        created_at=created_at,
        key_id=signer.key_id,
        signature=base64.b64encode(signer.sign(message)).decode(),
        reason=reason,
    )
    session.add(checkpoint)
    session.flush()
    return checkpoint, tree


def _covers_all(session: Session, chain: int) -> AuditCheckpoint | None:
    latest = latest_checkpoint(session, chain)
    return latest if latest is not None and latest.tree_size >= chain_size(session, chain) else None


def covering_tree(
    session: Session, signer: signing.Signer, reason: str, chain: int
) -> tuple[AuditCheckpoint, merkle.Tree]:
    """The newest checkpoint of a chain if it covers every entry (the frozen legacy chain's, once signed), else
    a new one; with the tree it signs. Asked again under the head lock, so two exports at once sign it once."""
    latest = _covers_all(session, chain)
    if latest is None:
        _lock_head(session, chain, create=False)
        latest = _covers_all(session, chain)
        if latest is None:
            return checkpoint_tree(session, signer, reason, chain)
    return latest, merkle.Tree(leaf_hashes(session, chain, up_to=latest.tree_size))


def latest_checkpoint(session: Session, chain: int) -> AuditCheckpoint | None:
    """A chain's newest checkpoint, if any."""
    query = select(AuditCheckpoint).where(AuditCheckpoint.chain == chain)
    return session.scalar(query.order_by(AuditCheckpoint.id.desc()).limit(1))


def chain_size(session: Session, chain: int) -> int:
    """How many entries a chain holds (its head's sequence number; 0 before its first append)."""
    return session.scalar(select(AuditHead.seq).where(AuditHead.chain == chain)) or 0


def chains(session: Session) -> list[int]:
    """Every chain the database knows of (by its head, entries or checkpoints), legacy and system first."""
    found = union(select(AuditHead.chain), select(AuditEvent.chain), select(AuditCheckpoint.chain))
    return sorted(session.scalars(select(found.subquery().c[0])))


def checkpoint_due(session: Session, chain: int, every: timedelta, now: datetime) -> bool:
    """True when a chain's entries wait for a checkpoint and its newest (if any) is at least ``every`` old."""
    size = chain_size(session, chain)
    latest = latest_checkpoint(session, chain)
    if size == 0 or (latest is not None and latest.tree_size >= size):
        return False
    return latest is None or latest.created_at <= now - every


def chains_waiting(session: Session) -> list[int]:
    """The chains with entries that no checkpoint covers yet (every chain with entries has a head row)."""
    heads = session.scalars(select(AuditHead.chain).order_by(AuditHead.chain)).all()
    return [chain for chain in heads if checkpoint_due(session, chain, timedelta(0), utcnow())]


def checkpoint_if_due(
    session: Session, signer: signing.Signer, chain: int, every: timedelta, now: datetime | None = None
) -> AuditCheckpoint | None:
    """Write a chain's scheduled checkpoint if one is due (see ``checkpoint_due``), else None.

    Asked again under the chain's head lock, so schedulers in several processes write one checkpoint, not one
    each.
    """
    now = now or utcnow()
    if not checkpoint_due(session, chain, every, now):
        return None
    _lock_head(session, chain, create=False)
    if not checkpoint_due(session, chain, every, now):
        return None
    return write_checkpoint(session, signer, "scheduled", chain)


def checkpoint_signature_ok(checkpoint: AuditCheckpoint, keys: dict[str, Ed25519PublicKey]) -> bool:
    """True if a known key made this checkpoint's signature."""
    key = keys.get(checkpoint.key_id)
    if key is None:
        return False
    message = checkpoint_message(checkpoint.chain, checkpoint.tree_size, checkpoint.root_hash, checkpoint.created_at)
    return signing.verify(key, base64.b64decode(checkpoint.signature), message)


# Verification


@dataclass
class VerifyReport:
    """What verifying one chain found: the first problem (None when the chain is intact) and what it checked."""

    chain: int
    entries: int = 0
    checkpoints: int = 0
    problems: list[str] = field(default_factory=list)
    first_bad_seq: int | None = None
    name: str = ""

    @property
    def ok(self) -> bool:
        """True when nothing was wrong."""
        return not self.problems


@dataclass
class TrailReport:
    """What verifying every chain found; each problem is named with its chain."""

    chains: list[VerifyReport] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every chain is intact."""
        return all(report.ok for report in self.chains)

    @property
    def entries(self) -> int:
        return sum(report.entries for report in self.chains)

    @property
    def checkpoints(self) -> int:
        return sum(report.checkpoints for report in self.chains)

    @property
    def problems(self) -> list[str]:
        """Each chain's first problem, after the chain's name."""
        return [f"{report.name}: {problem}" for report in self.chains for problem in report.problems]


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
    home = chain_of(event.org_id)
    if event.chain not in (LEGACY_CHAIN, home) and _hash_as(event, home) == event.entry_hash:
        return f"entry {seq} ({event.action}) was moved here from the {chain_name(home)}", seq
    return f"entry {seq} ({event.action}) was edited: its content no longer matches its hash", seq


def _hash_as(event: AuditEvent, chain: int) -> str:
    """The hash the event would carry in another chain (to recognise entries moved between chains)."""
    return leaf_hash(canonical_json(entry_document(event) | {"chain": chain}))


def verify_events(events: Iterable[AuditEvent], report: VerifyReport) -> list[bytes]:
    """Check sequence, links, hashes and owners; stop at the first entry that does not fit. Returns the leaves."""
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
        if event.chain != LEGACY_CHAIN and chain_of(event.org_id) != event.chain:
            # Hashed as it stands, so forged with it: the chain is not that organization's.
            report.problems.append(f"entry {event.seq} ({event.action}) belongs to organization {event.org_id}")
            report.first_bad_seq = event.seq
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


def verify_chain(
    session: Session, chain: int, keys: dict[str, Ed25519PublicKey], name: str | None = None
) -> VerifyReport:
    """Recompute one chain and its checkpoints; the report names the first bad entry."""
    report = VerifyReport(chain, name=name or chain_name(chain))
    # Checkpoints are read before the entries: one signed meanwhile would otherwise cover entries not yet read.
    query = select(AuditCheckpoint).where(AuditCheckpoint.chain == chain).order_by(AuditCheckpoint.id)
    checkpoints = session.scalars(query).all()
    query = select(AuditEvent).where(AuditEvent.chain == chain).order_by(AuditEvent.seq)
    events = session.scalars(query.execution_options(yield_per=1000))
    try:
        leaves = verify_events(events, report)
    finally:
        events.close()  # verification may stop early; release the server-side cursor
    if report.ok:
        verify_checkpoints(checkpoints, leaves, keys, report)
    return report


def verify(session: Session, keys: dict[str, Ed25519PublicKey]) -> TrailReport:
    """Verify every chain: legacy, system, then each organization's (a problem in one leaves the others' intact)."""
    names = {org_id: name for org_id, name in session.execute(select(Organization.id, Organization.name))}
    return TrailReport([verify_chain(session, c, keys, chain_name(c, names.get(c))) for c in chains(session)])
