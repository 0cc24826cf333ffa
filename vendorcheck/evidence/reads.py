"""Reading stored evidence: the plaintext stream, the name and type it is served under, and the audit
events of every read and every integrity failure. No Flask.

A download checks the whole file first (``verify_version``) so that a bad blob fails before any byte
is sent, then streams it (``open_version``); each chunk is released only after its tag verifies.
"""

from __future__ import annotations

from collections.abc import Iterator

from sqlalchemy.orm import Session

from vendorcheck.audit import Actor
from vendorcheck.evidence.documents import record_event
from vendorcheck.evidence.vault import Vault, context_of, sealed_of
from vendorcheck.models import EvidenceVersion
from vendorcheck.vault import envelope
from vendorcheck.vault.chunked import VaultError
from vendorcheck.vault.filetypes import BY_MEDIA_TYPE, FileType, name_for


def served_type(version: EvidenceVersion) -> FileType:
    """The detected type of a complete version (recorded at upload)."""
    return BY_MEDIA_TYPE[version.content_type]


def served_name(version: EvidenceVersion) -> str:
    """The name a download carries: always with an extension of the detected type (older rows included)."""
    return name_for(version.display_filename, served_type(version))


def record_read(session: Session, actor: Actor, version: EvidenceVersion, purpose: str = "download") -> None:
    """Every read of evidence plaintext is an audit event."""
    record_event(
        session,
        "evidence.read",
        actor,
        version.evidence,
        {"version": version.version_no, "purpose": purpose, "sha256": version.plaintext_sha256},
    )


def record_failure(session: Session, actor: Actor, version: EvidenceVersion, error: Exception) -> None:
    """A blob that failed to decrypt or verify is a security event."""
    record_event(
        session,
        "evidence.integrity_failed",
        actor,
        version.evidence,
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
