"""The audit chain as plain values: how entries and checkpoints are encoded, hashed and checked. Pure.

No Flask and no SQLAlchemy: the packet verifier checks an exported trail offline with the same code the
database verifier uses (:mod:`vendorcheck.audit.log` reads the rows and hands them here).

Each organization has a chain of its own, numbered from 1, so an auditor sees and verifies exactly their
organization's trail; events of no organization (a failed sign-in for an unknown email, key rotation at the
command line) go into the instance's system chain, 0. Every event recorded before chains were per
organization stays, untouched, in the legacy chain, -1, verified as it always was (``docs/audit.md``).

An entry's hash is RFC 6962's leaf hash, SHA-256(0x00 || canonical JSON), where the canonical JSON has
sorted keys and includes the entry's chain, its sequence number and the previous entry's hash (legacy entries
predate the chain field). A checkpoint signs a chain's size and Merkle root with the instance's Ed25519 key.
The checks here take anything shaped like a stored event or checkpoint (the ORM rows, in practice), recompute
everything and name the first entry that does not fit.
"""

from __future__ import annotations

import base64
import hashlib
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from vendorcheck import signing
from vendorcheck.audit import merkle

if TYPE_CHECKING:  # the rows these functions read; never imported at run time (this module stays pure)
    from vendorcheck.models import AuditCheckpoint, AuditEvent

GENESIS_HASH = "0" * 64
CHECKPOINT_FORMAT = "vendorcheck-audit-checkpoint/v2"  # names the chain (organization id, 0 for the system)
LEGACY_CHECKPOINT_FORMAT = "vendorcheck-audit-checkpoint/v1"  # the legacy chain's checkpoints, old and new
LEGACY_CHAIN = -1
SYSTEM_CHAIN = 0


def canonical_json(data: dict[str, Any]) -> bytes:
    """UTF-8 JSON with sorted keys and no insignificant whitespace."""
    return json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode("utf-8")


def leaf_hash(entry: bytes) -> str:
    """RFC 6962 leaf hash of an entry, as hex."""
    return hashlib.sha256(b"\x00" + entry).hexdigest()


def iso(moment: datetime) -> str:
    """A moment as the chain writes it: ISO 8601 with microseconds."""
    return moment.isoformat(timespec="microseconds")


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


# Checkpoints


def checkpoint_message(chain: int, tree_size: int, root_hash: str, created_at: datetime) -> bytes:
    """The exact bytes a checkpoint's signature covers: v2 names the chain; the legacy chain's stay v1."""
    lines = [LEGACY_CHECKPOINT_FORMAT] if chain == LEGACY_CHAIN else [CHECKPOINT_FORMAT, str(chain)]
    return ("\n".join([*lines, str(tree_size), root_hash, iso(created_at)]) + "\n").encode("ascii")


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
