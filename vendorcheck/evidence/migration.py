"""Moving evidence blobs between the local folder and the S3-compatible store. No Flask.

``vendorcheck evidence migrate-store --to s3|local`` is a thin wrapper over ``migrate_store``. Blobs are
ciphertext and are copied byte for byte (nothing is decrypted to disk or sent anywhere in plaintext). Each
copy is then checked in the destination by decrypting it and comparing the size and SHA-256 recorded at
upload, so a copy damaged on the way, or a source that was already damaged, is reported and never trusted;
a copy that fails the check is removed from the destination again.

Resumable: a blob already in the destination that passes the same check is skipped, and a write cut off
by a crash is discarded before the blob is copied again (the destination never shows half a blob). The
database is read in one short transaction and the audit events (one per organization) are written in
another at the end, or when the run is interrupted, so the app keeps serving and uploading meanwhile: run
the command, stop the app, run it again to copy what arrived in between, then switch the setting.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload

from vendorcheck import audit
from vendorcheck.audit import Actor, actions
from vendorcheck.config import ConfigError, Settings
from vendorcheck.evidence.vault import context_of, local_store, sealed_of
from vendorcheck.models import EvidenceVersion
from vendorcheck.vault import envelope
from vendorcheck.vault.blobstore import BlobStore
from vendorcheck.vault.chunked import VaultError
from vendorcheck.vault.envelope import SealedBlob
from vendorcheck.vault.keyring import KeyProvider

COPY_PIECE = 1024 * 1024
COPIED, PRESENT, FAILED = "copied", "already there", "FAILED"
TARGETS = ("s3", "local")


@dataclass(frozen=True)
class StoredBlob:
    """One complete evidence version's blob and what checking it needs."""

    version_id: int
    org_id: int
    sealed: SealedBlob
    context: bytes


@dataclass(frozen=True)
class BlobOutcome:
    """What happened to one blob."""

    blob: StoredBlob
    outcome: str
    error: str | None = None

    @property
    def label(self) -> str:
        """One line for progress output."""
        size = self.blob.sealed.size
        text = f"{self.outcome} blob {self.blob.sealed.blob_name} (evidence version {self.blob.version_id}, {size:,} B)"
        return f"{text}: {self.error}" if self.error else text


@dataclass
class MigrationReport:
    """The outcome of a run, for the command's summary and the audit events."""

    source: str
    destination: str
    total: int = 0
    outcomes: list[BlobOutcome] = field(default_factory=list)
    finished: bool = False

    def count(self, outcome: str) -> int:
        """How many blobs ended with ``outcome``."""
        return sum(1 for item in self.outcomes if item.outcome == outcome)

    @property
    def failures(self) -> list[BlobOutcome]:
        """The blobs that could not be copied and checked."""
        return [item for item in self.outcomes if item.outcome == FAILED]


def stores_for(settings: Settings, configured: BlobStore, target: str) -> tuple[BlobStore, BlobStore]:
    """(source, destination) for ``--to s3`` or ``--to local``: the instance folder and the configured S3 store."""
    if target not in TARGETS:
        raise ConfigError(f"--to must be one of {', '.join(TARGETS)}")
    if settings.blob_store == "local":
        raise ConfigError(
            "set VENDORCHECK_BLOB_STORE=s3://bucket/prefix and the VENDORCHECK_S3_* settings first: "
            "migrate-store copies between the local folder and that store"
        )
    local = local_store(settings.home)
    return (local, configured) if target == "s3" else (configured, local)


def stored_blobs(session: Session) -> list[StoredBlob]:
    """Every complete version's blob, oldest first (unfinished uploads are not evidence yet)."""
    versions = session.scalars(
        select(EvidenceVersion)
        .where(EvidenceVersion.complete.is_(True))
        .options(selectinload(EvidenceVersion.evidence))
        .order_by(EvidenceVersion.id)
    ).all()
    return [StoredBlob(v.id, v.evidence.org_id, sealed_of(v), context_of(v)) for v in versions]


def migrate_blob(
    keys: KeyProvider, source: BlobStore, destination: BlobStore, blob: StoredBlob, delete_source: bool = False
) -> BlobOutcome:
    """Copy one blob unless the destination already holds a good copy; check it there; optionally drop the source."""
    name = blob.sealed.blob_name
    try:
        outcome = PRESENT
        if destination.exists(name):
            try:
                envelope.verify(keys, destination, blob.sealed, blob.context)
            except VaultError:
                destination.delete(name)  # a damaged copy from elsewhere: replace it
                outcome = COPIED
        else:
            outcome = COPIED
        if outcome == COPIED:
            destination.discard_unfinished(name)  # what a crashed earlier run left of this blob
            _copy(source, destination, name)
            try:
                envelope.verify(keys, destination, blob.sealed, blob.context)
            except VaultError:
                destination.delete(name)
                raise
        if delete_source:
            source.delete(name)
    except (VaultError, OSError) as exc:
        return BlobOutcome(blob, FAILED, str(exc) or type(exc).__name__)
    return BlobOutcome(blob, outcome)


def _copy(source: BlobStore, destination: BlobStore, name: str) -> None:
    """The ciphertext, byte for byte, one piece in memory at a time."""
    with source.open(name) as reader, destination.open_new(name) as (_, sink):
        while data := reader.read(COPY_PIECE):
            sink.write(data)


def migrate_store(
    session_factory: Callable[[], AbstractContextManager[Session]],
    keys: KeyProvider,
    source: BlobStore,
    destination: BlobStore,
    actor: Actor,
    *,
    delete_source: bool = False,
    on_blob: Callable[[int, int, BlobOutcome], None] | None = None,
) -> MigrationReport:
    """Copy and check every stored blob; the audit events are written even when the run is interrupted."""
    with session_factory() as session:
        blobs = stored_blobs(session)
    report = MigrationReport(source.location, destination.location, total=len(blobs))
    try:
        for index, blob in enumerate(blobs, 1):
            result = migrate_blob(keys, source, destination, blob, delete_source)
            report.outcomes.append(result)
            if on_blob is not None:
                on_blob(index, len(blobs), result)
        report.finished = True
    finally:
        if report.outcomes:
            with session_factory() as session:
                _record(session, actor, report, delete_source)
    return report


def _record(session: Session, actor: Actor, report: MigrationReport, delete_source: bool) -> None:
    """One ``evidence.store_migrated`` event per organization whose blobs were handled."""
    by_org: dict[int, list[BlobOutcome]] = {}
    for item in report.outcomes:
        by_org.setdefault(item.blob.org_id, []).append(item)
    for org_id, items in sorted(by_org.items()):
        failed = [item.blob.version_id for item in items if item.outcome == FAILED]
        audit.record(
            session,
            actions.EVIDENCE_STORE_MIGRATED,
            actor,
            org_id=org_id,
            details={
                "from": report.source,
                "to": report.destination,
                "copied": sum(1 for item in items if item.outcome == COPIED),
                "already_there": sum(1 for item in items if item.outcome == PRESENT),
                "failed_versions": failed[:100],
                "failed": len(failed),
                "source_deleted": delete_source,
                "finished": report.finished,
            },
        )
