"""The instance's vault, and how a stored evidence version maps onto it. No Flask.

``Vault`` binds the two halves of the pure ``vendorcheck.vault`` package for one instance: the key
provider that wraps each file's data key and the blob store that holds the ciphertext. Which store an
instance uses is decided in one place, ``configured_store``: the ``evidence`` folder of the instance, or the
S3-compatible store ``VENDORCHECK_BLOB_STORE`` names (boto3 is loaded only then).
``context_of`` and ``sealed_of`` translate an ``EvidenceVersion`` row into what the vault needs to open it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from vendorcheck.config import ConfigError, Settings, s3_credentials
from vendorcheck.models import EvidenceVersion
from vendorcheck.vault.blobstore import BlobStore, LocalBlobStore
from vendorcheck.vault.context import evidence_context
from vendorcheck.vault.envelope import SealedBlob
from vendorcheck.vault.keyring import KeyProvider, key_provider
from vendorcheck.vault.s3store import S3BlobStore

BLOB_FOLDER = "evidence"


@dataclass
class Vault:
    """The instance's key provider and blob store."""

    keys: KeyProvider
    blobs: BlobStore

    @classmethod
    def for_home(cls, home: Path, keyring_json: str | None = None) -> Vault:
        """The vault of the instance folder ``home`` with its blobs in ``home/evidence`` (tests, migration)."""
        return cls(key_provider(home, keyring_json), local_store(home))

    @classmethod
    def for_settings(cls, settings: Settings) -> Vault:
        """The vault the settings describe: this is where every command and the app get theirs."""
        return cls(key_provider(settings.home, settings.keyring), configured_store(settings))


def local_store(home: Path) -> LocalBlobStore:
    """The blob store of the instance ``home``: the folder ``home/evidence``."""
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
