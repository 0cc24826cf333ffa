"""The instance's vault, and how a stored evidence version maps onto it. No Flask.

``Vault`` binds the two halves of the pure ``vendorcheck.vault`` package for one instance: the key
provider that wraps each file's data key and the blob store that holds the ciphertext. Which store an
instance uses is decided in one place, ``local_store`` (today the ``evidence`` folder of the instance).
``context_of`` and ``sealed_of`` translate an ``EvidenceVersion`` row into what the vault needs to open it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from vendorcheck.models import EvidenceVersion
from vendorcheck.vault.blobstore import LocalBlobStore
from vendorcheck.vault.context import evidence_context
from vendorcheck.vault.envelope import SealedBlob
from vendorcheck.vault.keyring import KeyProvider, key_provider

BLOB_FOLDER = "evidence"


@dataclass
class Vault:
    """The instance's key provider and blob store."""

    keys: KeyProvider
    blobs: LocalBlobStore

    @classmethod
    def for_home(cls, home: Path, keyring_json: str | None = None) -> Vault:
        """The vault of the instance folder ``home``: its key ring (or VENDORCHECK_KEYRING's) and blob store."""
        return cls(key_provider(home, keyring_json), local_store(home))


def local_store(home: Path) -> LocalBlobStore:
    """The blob store of the instance ``home``: the folder ``home/evidence``."""
    return LocalBlobStore(home / BLOB_FOLDER)


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
