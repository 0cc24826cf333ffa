"""Uploading evidence: a document, or a new version of one, streamed into the vault. No Flask.

An upload happens in three steps so that a crash at any point leaves nothing that looks complete:

1. ``start_upload`` (its own short transaction) records the evidence and a version row with
   ``complete = False`` and a reserved random blob name: the ids exist, so the encryption context can
   name them.
2. The caller streams the plaintext through ``Upload.write`` into the vault (``.partial`` file, fsync,
   rename); plaintext never reaches the disk. The file's type is detected from its content as it passes.
3. ``finish_upload`` checks the file type, names the file by it, fills in the crypto metadata and marks
   the version complete, with its audit event, in one transaction. On any failure ``abandon_upload``
   removes the rows and blob; after a crash, ``housekeeping.sweep`` does.

``store_bytes`` runs all three for callers that hold the bytes (demo, CLI, tests).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from datetime import date
from types import TracebackType

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from vendorcheck import audit
from vendorcheck.audit import Actor
from vendorcheck.evidence.documents import EvidenceError, record_event
from vendorcheck.evidence.reads import served_type
from vendorcheck.evidence.vault import Vault, context_of
from vendorcheck.models import Evidence, EvidenceKind, EvidenceReview, EvidenceVersion, Vendor
from vendorcheck.vault import envelope
from vendorcheck.vault.blobstore import new_name
from vendorcheck.vault.envelope import FORMAT_VERSION, SealedBlob
from vendorcheck.vault.filetypes import DOCX, FileType, RejectedFile, Sniffer, check_office_document, name_for

DEFAULT_MAX_UPLOAD = 100 * 1024 * 1024
QUESTION_ID = re.compile(r"^[a-z][a-z0-9_]{0,79}$")


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
    record_event(
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
