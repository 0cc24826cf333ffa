"""Evidence: documents that prove a vendor's answers, stored encrypted, reviewed, verified. No Flask.

An upload happens in three steps so that a crash at any point leaves nothing that looks complete:

1. ``start_upload`` (its own short transaction) records the evidence and a version row with
   ``complete = False`` and a reserved random blob name: the ids exist, so the encryption context can
   name them.
2. The caller streams the plaintext through ``Upload.write`` into the vault (``.partial`` file, fsync,
   rename); plaintext never reaches the disk.
3. ``finish_upload`` checks the file type, fills in the crypto metadata and marks the version complete,
   with its audit event, in one transaction. On any failure ``abandon_upload`` removes the rows and blob;
   after a crash, ``sweep`` does.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from pathlib import Path
from types import TracebackType

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from vendorcheck import audit
from vendorcheck.audit import Actor
from vendorcheck.config import ConfigError, Settings, s3_credentials
from vendorcheck.models import Evidence, EvidenceKind, EvidenceReview, EvidenceVersion, Vendor, utcnow
from vendorcheck.vault import envelope
from vendorcheck.vault.blobstore import BlobStore, LocalBlobStore, new_name
from vendorcheck.vault.chunked import VaultError
from vendorcheck.vault.context import evidence_context
from vendorcheck.vault.envelope import FORMAT_VERSION, SealedBlob
from vendorcheck.vault.filetypes import (
    BY_MEDIA_TYPE,
    DOCX,
    FileType,
    RejectedFile,
    Sniffer,
    check_office_document,
    name_for,
)
from vendorcheck.vault.keyring import KeyProvider, key_provider
from vendorcheck.vault.s3store import S3BlobStore

BLOB_FOLDER = "evidence"
DEFAULT_MAX_UPLOAD = 100 * 1024 * 1024
SWEEP_GRACE = timedelta(hours=6)  # an upload older than this without completing was cut off
QUESTION_ID = re.compile(r"^[a-z][a-z0-9_]{0,79}$")


class EvidenceError(ValueError):
    """A request about evidence that cannot be carried out; the message is for the user."""

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@dataclass
class Vault:
    """The instance's key provider and blob store."""

    keys: KeyProvider
    blobs: BlobStore

    @classmethod
    def open(cls, home: Path, keyring_json: str | None = None) -> Vault:
        """The vault of the instance folder ``home`` with its blobs in ``home/evidence``."""
        return cls(key_provider(home, keyring_json), local_store(home))

    @classmethod
    def for_settings(cls, settings: Settings) -> Vault:
        """The vault the settings describe: this is where every command and the app get theirs."""
        return cls(key_provider(settings.home, settings.keyring), configured_store(settings))


def local_store(home: Path) -> LocalBlobStore:
    """The blob folder of the instance ``home``."""
    return LocalBlobStore(home / BLOB_FOLDER)


def configured_store(settings: Settings) -> BlobStore:
    """VENDORCHECK_BLOB_STORE: the local folder, or the S3-compatible store (boto3 is loaded only then)."""
    if settings.blob_store == "local":
        return local_store(settings.home)
    try:
        return S3BlobStore.connect(
            settings.blob_store,
            endpoint_url=settings.s3_endpoint_url,
            region=settings.s3_region,
            credentials=s3_credentials(settings),
        )
    except ImportError:
        raise ConfigError(
            "VENDORCHECK_BLOB_STORE is an s3:// store but boto3 is not installed: pip install 'vendorcheck[s3]'"
        ) from None


@dataclass
class EvidenceDetails:
    """What the uploader says about a document (the file itself is streamed separately)."""

    kind: EvidenceKind
    title: str
    question_ids: list[str] = field(default_factory=list)
    issued_on: date | None = None
    valid_until: date | None = None
    assessment_id: int | None = None  # set when the document was filed under an assessment's question

    def check(self) -> None:
        """EvidenceError naming the field, if something cannot be right."""
        if not self.title.strip():
            raise EvidenceError("Give the document a title, such as “SOC 2 Type II report 2026”.", "title")
        for question_id in self.question_ids:
            if not QUESTION_ID.match(question_id):
                raise EvidenceError(f"{question_id!r} is not a question id.", "question_ids")
        if self.issued_on and self.valid_until and self.valid_until < self.issued_on:
            raise EvidenceError("The document cannot expire before it was issued.", "valid_until")


def sanitize_filename(name: str | None) -> str:
    """The uploader's filename, for display only: no folders, no control characters, at most 200 characters."""
    name = unicodedata.normalize("NFC", name or "")
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C").strip().strip(".")
    if len(name) > 200:
        stem, dot, ext = name.rpartition(".")
        name = (stem[: 190 - len(ext)] + dot + ext) if dot and len(ext) <= 10 else name[:200]
    return name or "document"


def context_of(version: EvidenceVersion) -> bytes:
    """The encryption context of a version: its organization, vendor, evidence and version number."""
    evidence = version.evidence
    return evidence_context(evidence.org_id, evidence.vendor_id, evidence.id, version.version_no)


def sealed_of(version: EvidenceVersion) -> SealedBlob:
    """The vault's view of a stored version."""
    return SealedBlob(
        version.blob_name,
        version.kek_version,
        version.wrapped_dek,
        version.size,
        version.plaintext_sha256,
        version.format_version,
    )


def _event(session: Session, action: str, actor: Actor, evidence: Evidence, details: dict[str, object]) -> None:
    audit.record(
        session,
        action,
        actor,
        org_id=evidence.org_id,
        vendor_id=evidence.vendor_id,
        target_type="evidence",
        target_id=evidence.id,
        details=details,
    )


# Uploading


def start_upload(
    session: Session,
    actor: Actor,
    vendor: Vendor,
    filename: str | None,
    *,
    details: EvidenceDetails | None = None,
    evidence: Evidence | None = None,
) -> EvidenceVersion:
    """Record a new evidence item (``details``) or a new version of ``evidence``, not yet complete."""
    if evidence is None:
        if details is None:
            raise ValueError("start_upload needs details for new evidence")
        details.check()
        evidence = Evidence(
            org_id=vendor.org_id,
            vendor_id=vendor.id,
            kind=details.kind,
            title=details.title.strip(),
            question_ids=details.question_ids,
            assessment_id=details.assessment_id,
            issued_on=details.issued_on,
            valid_until=details.valid_until,
        )
        session.add(evidence)
        session.flush()
    elif evidence.vendor_id != vendor.id:
        raise ValueError("evidence belongs to another vendor")
    last = session.scalar(
        select(func.max(EvidenceVersion.version_no)).where(EvidenceVersion.evidence_id == evidence.id)
    )
    version = EvidenceVersion(
        evidence=evidence,
        version_no=(last or 0) + 1,
        format_version=FORMAT_VERSION,
        kek_version=0,
        wrapped_dek=b"",
        blob_name=new_name(),
        size=0,
        plaintext_sha256="",
        display_filename=sanitize_filename(filename),
        content_type="",
        complete=False,
        uploaded_by_kind=actor.kind,
        uploaded_by_user_id=actor.user_id,
    )
    session.add(version)
    session.flush()
    return version


class Upload:
    """Streams one file into the vault for a started version; ``write`` as bytes arrive, then ``finish``."""

    def __init__(self, vault: Vault, version: EvidenceVersion, max_size: int = DEFAULT_MAX_UPLOAD) -> None:
        self.vault, self.version, self.max_size = vault, version, max_size
        self.sniffer = Sniffer()
        self._sealing = envelope.seal(vault.keys, vault.blobs, context_of(version), version.blob_name)
        self._sink = self._sealing.__enter__()
        self._open = True

    def write(self, data: bytes | bytearray | memoryview) -> None:
        """Encrypt the next piece; RejectedFile (and nothing kept) if the file is too large or cannot be accepted."""
        if self.sniffer.size + len(data) > self.max_size:
            self.abort()
            raise RejectedFile(f"The file is larger than the {self.max_size // (1024 * 1024)} MiB limit.")
        self.sniffer.feed(data)
        if self.sniffer.hopeless:
            self.abort()
            raise RejectedFile(self._refusal())
        self._sink.write(data)

    def _refusal(self) -> str:
        try:
            self.sniffer.result(self.version.display_filename)
        except RejectedFile as exc:
            return str(exc)
        return "This kind of file is not accepted."

    def finish(self) -> tuple[SealedBlob, FileType]:
        """Complete the blob and check the file type (opening Office documents from the encrypted blob)."""
        try:
            file_type = self.sniffer.result(self.version.display_filename)
        except RejectedFile:
            self.abort()
            raise
        self._open = False
        self._sealing.__exit__(None, None, None)
        sealed = self._sealing.result
        assert sealed is not None
        if file_type is DOCX:  # any ZIP: open it to tell DOCX from XLSX, or refuse it
            try:
                with envelope.random_access(self.vault.keys, self.vault.blobs, sealed, context_of(self.version)) as f:
                    file_type = check_office_document(f)
            except RejectedFile:
                self.vault.blobs.delete(sealed.blob_name)
                raise
        return sealed, file_type

    def abort(self) -> None:
        """Stop and remove the partial blob."""
        if self._open:
            self._open = False
            error = RejectedFile("upload aborted")
            self._sealing.__exit__(RejectedFile, error, None)

    def __enter__(self) -> Upload:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        if exc is not None:
            self.abort()


def finish_upload(
    session: Session, actor: Actor, version: EvidenceVersion, sealed: SealedBlob, file_type: FileType
) -> str | None:
    """Fill in the crypto metadata and mark the version complete, with its audit event.

    The stored name gets the detected type's extension when it claims another (see ``filetypes.name_for``);
    returns the name as uploaded when it was renamed, else None.
    """
    given = version.display_filename
    version.display_filename = name_for(given, file_type)
    version.kek_version = sealed.kek_version
    version.wrapped_dek = sealed.wrapped_dek
    version.size = sealed.size
    version.plaintext_sha256 = sealed.plaintext_sha256
    version.format_version = sealed.format_version
    version.content_type = file_type.media_type
    version.complete = True
    evidence = version.evidence
    if version.version_no > 1:  # a new file needs a new review
        evidence.review_state = EvidenceReview.PENDING
        evidence.rejection_reason = None
        evidence.reviewed_by_id = evidence.reviewed_at = None
    _event(
        session,
        "evidence.uploaded",
        actor,
        evidence,
        {
            "title": evidence.title,
            "kind": evidence.kind.value,
            "version": version.version_no,
            "filename": version.display_filename,
            "content_type": version.content_type,
            "size": version.size,
            "sha256": version.plaintext_sha256,
            **({"renamed_from": given} if version.display_filename != given else {}),
        },
    )
    return given if version.display_filename != given else None


def renamed_note(version: EvidenceVersion, given: str | None) -> str:
    """What the uploader is told when their file was renamed (empty if it was not)."""
    if given is None:
        return ""
    label = served_type(version).label
    return f" It was renamed from “{given}” to “{version.display_filename}” to match its content ({label})."


def served_type(version: EvidenceVersion) -> FileType:
    """The detected type of a complete version (recorded at upload)."""
    return BY_MEDIA_TYPE[version.content_type]


def served_name(version: EvidenceVersion) -> str:
    """The name a download carries: always with an extension of the detected type (older rows included)."""
    return name_for(version.display_filename, served_type(version))


def abandon_upload(session: Session, vault: Vault, version_id: int, actor: Actor, reason: str) -> None:
    """Remove a version that did not complete (and its evidence, if it has no other version) and its blob."""
    version = session.get(EvidenceVersion, version_id)
    if version is None or version.complete:
        return
    vault.blobs.delete(version.blob_name)
    evidence = version.evidence
    session.delete(version)
    session.flush()
    others = session.scalar(select(func.count()).where(EvidenceVersion.evidence_id == evidence.id))
    if not others:
        session.delete(evidence)
    audit.record(
        session,
        "evidence.upload_refused",
        actor,
        org_id=evidence.org_id,
        vendor_id=evidence.vendor_id,
        target_type="vendor",
        target_id=evidence.vendor_id,
        details={"filename": version.display_filename, "reason": reason[:300]},
    )


def store_bytes(
    session_factory: Callable[[], AbstractContextManager[Session]],
    vault: Vault,
    actor: Actor,
    vendor_id: int,
    org_id: int,
    filename: str,
    chunks: Iterator[bytes],
    *,
    details: EvidenceDetails | None = None,
    evidence_id: int | None = None,
    max_size: int = DEFAULT_MAX_UPLOAD,
) -> int:
    """The whole upload for callers that have the bytes as an iterator (demo, CLI, tests); returns the version id.

    Each step runs in its own transaction from ``session_factory`` (a context manager that commits).
    """
    with session_factory() as session:
        vendor = Vendor.get_for_org(session, vendor_id, org_id)
        evidence = Evidence.get_for_org(session, evidence_id, org_id) if evidence_id else None
        if vendor is None or (evidence_id and evidence is None):
            raise EvidenceError("No such vendor or evidence in this organization.")
        version = start_upload(session, actor, vendor, filename, details=details, evidence=evidence)
        version_id = version.id
    try:
        with session_factory() as session:
            version = session.get(EvidenceVersion, version_id)
            with Upload(vault, version, max_size) as upload:
                for chunk in chunks:
                    upload.write(chunk)
                sealed, file_type = upload.finish()
            finish_upload(session, actor, version, sealed, file_type)
    except BaseException as exc:
        with session_factory() as session:
            abandon_upload(session, vault, version_id, actor, str(exc) or type(exc).__name__)
        raise
    return version_id


# Reading, reviewing, verifying


def latest_version(evidence: Evidence) -> EvidenceVersion | None:
    """The newest complete version (the one that counts)."""
    return evidence.versions[-1] if evidence.versions else None


def record_read(session: Session, actor: Actor, version: EvidenceVersion, purpose: str = "download") -> None:
    """Every read of evidence plaintext is an audit event."""
    evidence = version.evidence
    _event(
        session,
        "evidence.read",
        actor,
        evidence,
        {"version": version.version_no, "purpose": purpose, "sha256": version.plaintext_sha256},
    )


def record_failure(session: Session, actor: Actor, version: EvidenceVersion, error: Exception) -> None:
    """A blob that failed to decrypt or verify is a security event."""
    evidence = version.evidence
    _event(
        session,
        "evidence.integrity_failed",
        actor,
        evidence,
        {"version": version.version_no, "error": str(error)[:300]},
    )


def open_version(vault: Vault, version: EvidenceVersion) -> Iterator[bytes]:
    """Authenticated plaintext chunks of a complete version (VaultError at the first bad one)."""
    if not version.complete:
        raise VaultError("this upload did not complete")
    return envelope.open_sealed(vault.keys, vault.blobs, sealed_of(version), context_of(version))


def verify_version(vault: Vault, version: EvidenceVersion) -> None:
    """Decrypt and re-hash a version, writing nothing; VaultError on any problem."""
    for _ in open_version(vault, version):
        pass


def review(
    session: Session, actor: Actor, evidence: Evidence, accept: bool, reason: str = "", reviewer_id: int | None = None
) -> None:
    """Accept, or reject with a reason the vendor will read."""
    reason = reason.strip()
    if not accept and not reason:
        raise EvidenceError("Say why the document is rejected, so the vendor can send the right one.", "reason")
    if latest_version(evidence) is None:
        raise EvidenceError("There is no complete file to review.")
    evidence.review_state = EvidenceReview.ACCEPTED if accept else EvidenceReview.REJECTED
    evidence.rejection_reason = None if accept else reason
    evidence.reviewed_by_id = reviewer_id
    evidence.reviewed_at = utcnow()
    _event(
        session,
        "evidence.accepted" if accept else "evidence.rejected",
        actor,
        evidence,
        {"title": evidence.title, "reason": reason} if reason else {"title": evidence.title},
    )


@dataclass(frozen=True)
class VerifyResult:
    """The outcome of checking one stored version."""

    version_id: int
    org_id: int
    vendor_name: str
    title: str
    version_no: int
    error: str | None

    @property
    def label(self) -> str:
        """How the item is named in reports."""
        return f"evidence {self.version_id} ({self.vendor_name}: {self.title}, version {self.version_no})"


def versions_to_verify(session: Session, everything: bool) -> list[EvidenceVersion]:
    """Complete versions to check: every one, or only the newest of each evidence item."""
    versions = session.scalars(
        select(EvidenceVersion).where(EvidenceVersion.complete.is_(True)).order_by(EvidenceVersion.id)
    ).all()
    if everything:
        return list(versions)
    newest: dict[int, EvidenceVersion] = {}
    for version in versions:
        if version.evidence_id not in newest or version.version_no > newest[version.evidence_id].version_no:
            newest[version.evidence_id] = version
    return sorted(newest.values(), key=lambda v: v.id)


def verify_stored(vault: Vault, versions: list[EvidenceVersion]) -> Iterator[VerifyResult]:
    """Check each version; yields one result per version, errors included (nothing is written)."""
    for version in versions:
        evidence = version.evidence
        try:
            verify_version(vault, version)
            error = None
        except VaultError as exc:
            error = str(exc)
        yield VerifyResult(version.id, evidence.org_id, evidence.vendor.name, evidence.title, version.version_no, error)


# Housekeeping and key rotation


def sweep(
    session: Session, vault: Vault, actor: Actor, grace: timedelta = SWEEP_GRACE, now: datetime | None = None
) -> list[str]:
    """Remove uploads cut off by a crash (rows never completed) and blobs no row refers to; returns what went.

    Only what is older than ``grace`` goes, so uploads still running are left alone. What went is one
    ``evidence.swept`` audit event. Several processes may sweep at once: the rows are locked (PostgreSQL
    skips rows another sweep holds; SQLite's write lock serializes) and a blob already gone is no error.
    """
    cutoff = (now or utcnow()) - grace
    stale = session.scalars(
        select(EvidenceVersion)
        .where(EvidenceVersion.complete.is_(False), EvidenceVersion.created_at < cutoff)
        .order_by(EvidenceVersion.id)
        .with_for_update(skip_locked=True)
    ).all()
    removed = []
    for version in stale:
        evidence = version.evidence
        vault.blobs.delete(version.blob_name)
        session.delete(version)
        session.flush()
        removed.append(f"unfinished upload {version.blob_name}")
        if not session.scalar(select(func.count()).where(EvidenceVersion.evidence_id == evidence.id)):
            session.delete(evidence)
    session.flush()
    referenced = session.scalars(select(EvidenceVersion.blob_name)).all()
    removed += [f"blob {name}" for name in vault.blobs.sweep(referenced, grace.total_seconds())]
    if removed:
        audit.record(session, "evidence.swept", actor, details={"removed": removed[:100], "count": len(removed)})
    return removed


def count_by_key_version(session: Session) -> dict[int, int]:
    """How many stored versions each key-encryption key version wraps."""
    rows = session.execute(
        select(EvidenceVersion.kek_version, func.count())
        .where(EvidenceVersion.complete.is_(True))
        .group_by(EvidenceVersion.kek_version)
    ).all()
    return {version: count for version, count in rows}


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
