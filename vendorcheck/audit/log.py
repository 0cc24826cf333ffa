"""The audit trail in the database: appends under the chain's head lock, checkpoints, verification.

Appends lock the chain's ``audit_head`` row (row lock on PostgreSQL, an immediate transaction on SQLite), so
concurrent writers queue instead of forking it. Checkpoints sign a chain's size and Merkle root as the rows
stand; :func:`verify` reads every chain and hands the rows to :mod:`vendorcheck.audit.chain`'s checks. The
encoding of entries and checkpoints lives there, pure, so a packet's trail verifies offline the same way.
"""

from __future__ import annotations

import base64
from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import datetime, timedelta
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
from sqlalchemy import select, union
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from vendorcheck import signing
from vendorcheck.audit import merkle
from vendorcheck.audit.actor import Actor
from vendorcheck.audit.chain import (
    GENESIS_HASH,
    LEGACY_CHAIN,
    SYSTEM_CHAIN,
    TrailReport,
    VerifyReport,
    chain_name,
    chain_of,
    checkpoint_message,
    event_hash,
    verify_checkpoints,
    verify_events,
)
from vendorcheck.models import AuditCheckpoint, AuditEvent, AuditHead, Organization, utcnow


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


def head_columns(org_id: Any) -> tuple[Any, Any]:
    """The sequence numbers of the organization's chain head and of the system chain's, as scalar subqueries.

    Every change appends to one of these chains in its own transaction, so the pair names the data a request
    sees (``accounts.sessions.peek`` reads it with the session; ``web.pagecache`` keys kept pages on it).
    ``org_id`` is a column or a bound parameter.
    """
    heads = AuditHead.__table__.c
    return (
        select(heads.seq).where(heads.chain == org_id).scalar_subquery(),
        select(heads.seq).where(heads.chain == SYSTEM_CHAIN).scalar_subquery(),
    )


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
    """The chain's newest checkpoint if it covers every entry, else None."""
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
    session: Session,
    signer: signing.Signer,
    chain: int,
    every: timedelta,
    now: datetime | None = None,
    reason: str = "scheduled",
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
    return write_checkpoint(session, signer, reason, chain)


def sign_waiting(
    transaction: Callable[[], AbstractContextManager[Session]],
    signer: signing.Signer,
    every: timedelta = timedelta(0),
    reason: str = "scheduled",
) -> list[AuditCheckpoint]:
    """Sign each chain whose entries have waited ``every`` for a checkpoint; the ones written (committed).

    A transaction per chain, so no one holds two chains' locks at once; the scheduler, ``vendorcheck audit
    checkpoint`` and the demo set-up all sign this way.
    """
    with transaction() as session:
        waiting = chains_waiting(session)
    written = []
    for chain in waiting:
        with transaction() as session:
            checkpoint = checkpoint_if_due(session, signer, chain, every, reason=reason)
        if checkpoint is not None:
            written.append(checkpoint)
    return written


# Verification


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
