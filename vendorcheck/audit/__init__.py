"""The audit trail: append-only events hashed into a chain per organization, with signed checkpoints.

* ``chain``: canonical JSON, leaf hashes, entry documents, checkpoint messages, verification of plain rows (pure).
* ``merkle``: RFC 6962 Merkle trees and inclusion proofs (pure).
* ``actor``: who acts (pure).
* ``actions``: every action string the trail records, one place (pure).
* ``log``: appending under the chain's head lock, checkpoints, verifying the database (SQLAlchemy).
* ``trail``: reading it for people: filters and the CSV export (SQLAlchemy).
* ``scheduler``: the thread that signs checkpoints while the app runs (SQLAlchemy).

``from vendorcheck import audit; audit.record(...)`` is how services write events. The database half
(``log``) is imported on first use, not here, so importing the pure modules (``vendorcheck.audit.chain``,
which imports this package first) never pulls in SQLAlchemy.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from vendorcheck.audit.actor import Actor, ActorKind
from vendorcheck.audit.chain import (
    CHECKPOINT_FORMAT,
    GENESIS_HASH,
    LEGACY_CHAIN,
    LEGACY_CHECKPOINT_FORMAT,
    SYSTEM_CHAIN,
    TrailReport,
    VerifyReport,
    canonical_json,
    chain_name,
    chain_of,
    checkpoint_message,
    entry_document,
    event_hash,
    iso,
    leaf_hash,
)

if TYPE_CHECKING:
    from vendorcheck.audit.log import (
        chain_size,
        chains,
        chains_waiting,
        checkpoint_due,
        checkpoint_if_due,
        checkpoint_tree,
        covering_tree,
        latest_checkpoint,
        leaf_hashes,
        record,
        sign_waiting,
        verify,
        verify_chain,
        write_checkpoint,
    )

# The database half, loaded when one of its names is first asked for (PEP 562).
_FROM_LOG = frozenset(
    {
        "chain_size",
        "chains",
        "chains_waiting",
        "checkpoint_due",
        "checkpoint_if_due",
        "checkpoint_tree",
        "covering_tree",
        "latest_checkpoint",
        "leaf_hashes",
        "record",
        "sign_waiting",
        "verify",
        "verify_chain",
        "write_checkpoint",
    }
)


def __getattr__(name: str) -> Any:
    """The database functions of :mod:`vendorcheck.audit.log`, imported on first use."""
    if name in _FROM_LOG:
        return getattr(importlib.import_module("vendorcheck.audit.log"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "CHECKPOINT_FORMAT",
    "GENESIS_HASH",
    "LEGACY_CHAIN",
    "LEGACY_CHECKPOINT_FORMAT",
    "SYSTEM_CHAIN",
    "Actor",
    "ActorKind",
    "TrailReport",
    "VerifyReport",
    "canonical_json",
    "chain_name",
    "chain_of",
    "chain_size",
    "chains",
    "chains_waiting",
    "checkpoint_due",
    "checkpoint_if_due",
    "checkpoint_message",
    "checkpoint_tree",
    "covering_tree",
    "entry_document",
    "event_hash",
    "iso",
    "latest_checkpoint",
    "leaf_hash",
    "leaf_hashes",
    "record",
    "sign_waiting",
    "verify",
    "verify_chain",
    "write_checkpoint",
]
