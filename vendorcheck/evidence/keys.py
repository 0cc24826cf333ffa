"""The evidence key ring at work: its status, rotation, rewrapping data keys and retiring old versions. No Flask.

Rotation adds a new key-encryption key (KEK) version to the instance's key file and makes it active for
new uploads; rewrapping then re-wraps each stored file's data key under it, a batch per transaction, so
downloads keep working throughout and an interrupted run simply resumes (files are never re-encrypted);
retiring stops the older versions from decrypting at all. Each step writes its audit event
(``keys.rotated``, ``keys.rewrapped`` per batch, ``keys.retired``) in the transaction that does the work,
and the key file is saved last inside it, so no event claims a change that was not saved.

A ring given in VENDORCHECK_KEYRING can be rewrapped to but not changed here (``local_ring`` says so).
The ``vendorcheck keys`` commands are thin wrappers over ``key_status``, ``rotate``, ``rewrap`` and
``retire_older``.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from vendorcheck import audit
from vendorcheck.audit import Actor
from vendorcheck.config import KEYRING_FILE, ConfigError
from vendorcheck.evidence.vault import context_of
from vendorcheck.models import EvidenceVersion
from vendorcheck.vault.chunked import VaultError
from vendorcheck.vault.keyring import KeyProvider, LocalKeyRing, load_keyring

DEFAULT_BATCH = 500
ACTIVE, DECRYPT_ONLY, RETIRED = "active", "decrypt only", "retired"


def count_by_key_version(session: Session) -> dict[int, int]:
    """How many stored versions each key-encryption key version wraps."""
    rows = session.execute(
        select(EvidenceVersion.kek_version, func.count())
        .where(EvidenceVersion.complete.is_(True))
        .group_by(EvidenceVersion.kek_version)
    ).all()
    return {version: count for version, count in rows}


def local_ring(home: Path, keyring_json: str | None = None) -> LocalKeyRing:
    """The key file of the instance, to change; ConfigError when the ring comes from VENDORCHECK_KEYRING."""
    if keyring_json:
        raise ConfigError(
            "the key ring comes from VENDORCHECK_KEYRING: add the new key where that value is kept, "
            "then run `vendorcheck keys rewrap`"
        )
    return LocalKeyRing.load(home / KEYRING_FILE)


@dataclass(frozen=True)
class KeyVersionStatus:
    """One key version: ``state`` is ACTIVE, DECRYPT_ONLY or RETIRED; ``files`` how many data keys it wraps."""

    version: int
    state: str
    created_at: str | None
    files: int


@dataclass(frozen=True)
class KeyStatus:
    """The key ring as ``vendorcheck keys status`` shows it."""

    source: str  # "VENDORCHECK_KEYRING" or the key file's path
    active_version: int
    min_decrypt_version: int
    versions: list[KeyVersionStatus]
    stale: int  # files whose data key is wrapped under another version than the active one


def key_status(session: Session, home: Path, keyring_json: str | None = None) -> KeyStatus:
    """Each key version, its state and how many files it wraps (VaultError if there is no key ring)."""
    ring = load_keyring(home, keyring_json)
    counts = count_by_key_version(session)
    versions = [
        KeyVersionStatus(
            version,
            ACTIVE
            if version == ring.active_version
            else (RETIRED if version < ring.min_decrypt_version else DECRYPT_ONLY),
            ring.created_at.get(version) or None,
            counts.get(version, 0),
        )
        for version in sorted(ring.keys)
    ]
    return KeyStatus(
        "VENDORCHECK_KEYRING" if keyring_json else str(home / KEYRING_FILE),
        ring.active_version,
        ring.min_decrypt_version,
        versions,
        sum(n for v, n in counts.items() if v != ring.active_version),
    )


def rotate(session: Session, home: Path, keyring_json: str | None, actor: Actor) -> int:
    """Add a new key version and make it active for new uploads, with ``keys.rotated``; returns the version.

    The key file is saved last, in the caller's transaction: if saving fails, no event claims a rotation.
    ConfigError for a ring from VENDORCHECK_KEYRING, VaultError if there is no key file.
    """
    ring = local_ring(home, keyring_json)
    version = ring.rotate()
    audit.record(session, "keys.rotated", actor, target_type="key_ring", target_id=version)
    ring.save()
    return version


def rewrap_batch(session: Session, keys: KeyProvider, active_version: int, batch_size: int) -> int:
    """Re-wrap up to ``batch_size`` data keys still under an older key version; returns how many."""
    versions = session.scalars(
        select(EvidenceVersion)
        .where(EvidenceVersion.complete.is_(True), EvidenceVersion.kek_version != active_version)
        .order_by(EvidenceVersion.id)
        .limit(batch_size)
    ).all()
    for version in versions:
        context = context_of(version)
        dek = keys.unwrap(version.kek_version, version.wrapped_dek, context)
        version.kek_version, version.wrapped_dek = keys.wrap(dek, context)
    return len(versions)


@dataclass(frozen=True)
class RewrapProgress:
    """How far a rewrap is: ``done`` of ``total`` data keys moved under ``active_version``."""

    active_version: int
    done: int
    total: int


def rewrap(
    transaction: Callable[[], AbstractContextManager[Session]],
    home: Path,
    keyring_json: str | None,
    actor: Actor,
    *,
    batch_size: int = DEFAULT_BATCH,
    on_batch: Callable[[RewrapProgress], None] | None = None,
) -> RewrapProgress:
    """Re-wrap every file's data key under the active key version, ``batch_size`` per transaction.

    Each batch commits with its ``keys.rewrapped`` event (``transaction`` is a context manager that
    commits), then ``on_batch`` hears the progress. Safe to interrupt and run again. Returns the final
    progress. VaultError if there is no key ring or a data key does not unwrap.
    """
    ring = load_keyring(home, keyring_json)
    with transaction() as session:
        total = sum(n for v, n in count_by_key_version(session).items() if v != ring.active_version)
    done = 0
    while True:
        with transaction() as session:
            count = rewrap_batch(session, ring, ring.active_version, batch_size)
            if count:
                audit.record(
                    session,
                    "keys.rewrapped",
                    actor,
                    target_type="key_ring",
                    target_id=ring.active_version,
                    details={"files": count},
                )
        if not count:
            return RewrapProgress(ring.active_version, done, total)
        done += count
        if on_batch is not None:
            on_batch(RewrapProgress(ring.active_version, done, total))


def retire_older(session: Session, home: Path, keyring_json: str | None, actor: Actor) -> int | None:
    """Stop key versions below the active one from decrypting, with ``keys.retired``, after a complete rewrap.

    Returns the active version (every version below it is retired), or None when none was left to retire.
    VaultError, and nothing changed, while any file's data key is still wrapped under an older version (it
    would no longer open: run ``rewrap`` first); ConfigError for a ring from VENDORCHECK_KEYRING.
    """
    if (current := load_keyring(home, keyring_json)).min_decrypt_version >= current.active_version:
        return None
    ring = local_ring(home, keyring_json)
    waiting = sum(n for v, n in count_by_key_version(session).items() if v < ring.active_version)
    if waiting:
        raise VaultError(
            f"{waiting} file(s) are still wrapped under key versions below {ring.active_version}: "
            "run `vendorcheck keys rewrap` before retiring them"
        )
    ring.retire(ring.active_version)
    audit.record(session, "keys.retired", actor, target_type="key_ring", details={"below": ring.active_version})
    ring.save()  # last, inside the caller's transaction: if saving fails, no event claims a retirement
    return ring.active_version
