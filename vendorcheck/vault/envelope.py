"""Envelope encryption of one evidence file version: a fresh data key, wrapped by the key ring.

``Sealer`` encrypts a stream as it arrives (nothing in plaintext on disk), hashing the plaintext as it goes;
``open_sealed`` yields authenticated plaintext chunks; ``verify`` decrypts to a hash and writes nothing.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import BinaryIO

from vendorcheck.vault import chunked
from vendorcheck.vault.blobstore import BlobStore
from vendorcheck.vault.chunked import DecryptionError, Encryptor
from vendorcheck.vault.keyring import KeyProvider

FORMAT_VERSION = 1  # C2SP chunked-encryption v1, AES-256-GCM, 16 KiB chunks


@dataclass(frozen=True)
class SealedBlob:
    """What the evidence version row records about its blob."""

    blob_name: str
    kek_version: int
    wrapped_dek: bytes
    size: int
    plaintext_sha256: str
    format_version: int = FORMAT_VERSION


class Sealer:
    """Encrypts one file into the blob store as it is written; call within ``seal`` only."""

    def __init__(self, encryptor: Encryptor) -> None:
        self._encryptor = encryptor
        self._hash = hashlib.sha256()
        self.size = 0

    def write(self, data: bytes | bytearray | memoryview) -> None:
        """Add plaintext."""
        self._hash.update(data)
        self.size += len(data)
        self._encryptor.write(data)


class Sealing:
    """A blob being written; ``result`` is set once the ``with`` block completes."""

    def __init__(self, provider: KeyProvider, store: BlobStore, context: bytes, blob_name: str | None) -> None:
        self.provider, self.store, self.context, self.blob_name = provider, store, context, blob_name
        self.result: SealedBlob | None = None

    def __enter__(self) -> Sealer:
        self._dek = os.urandom(chunked.KEY_SIZE)
        self._blob = self.store.open_new(self.blob_name)
        self._name, handle = self._blob.__enter__()
        self._sealer = Sealer(Encryptor(self._dek, self.context, handle))
        return self._sealer

    def __exit__(self, exc_type: object, exc: BaseException | None, tb: object) -> None:
        try:
            if exc is None:
                self._sealer._encryptor.finish()
        finally:
            self._blob.__exit__(exc_type, exc, tb)  # renames on success, removes the partial on error
        if exc is None:
            kek_version, wrapped = self.provider.wrap(self._dek, self.context)
            self.result = SealedBlob(
                self._name, kek_version, wrapped, self._sealer.size, self._sealer._hash.hexdigest()
            )


def seal(provider: KeyProvider, store: BlobStore, context: bytes, blob_name: str | None = None) -> Sealing:
    """``with seal(...) as sink: sink.write(...)``; afterwards ``.result`` describes the stored blob."""
    return Sealing(provider, store, context, blob_name)


def seal_stream(
    provider: KeyProvider, store: BlobStore, context: bytes, source: BinaryIO, blob_name: str | None = None
) -> SealedBlob:
    """Seal everything ``source`` yields."""
    sealing = seal(provider, store, context, blob_name)
    with sealing as sink:
        while data := source.read(1 << 20):
            sink.write(data)
    assert sealing.result is not None
    return sealing.result


def open_sealed(provider: KeyProvider, store: BlobStore, sealed: SealedBlob, context: bytes) -> Iterator[bytes]:
    """Authenticated plaintext chunks of a blob; raises DecryptionError at the first bad one.

    At the end the size and SHA-256 recorded at upload are checked too, which catches a blob swapped for
    another blob sealed under the same data key and context (it cannot happen by accident).
    """
    dek = provider.unwrap(sealed.kek_version, sealed.wrapped_dek, context)
    digest = hashlib.sha256()
    size = 0
    with store.open(sealed.blob_name) as source:
        for chunk in chunked.decrypt_chunks(dek, context, source):
            digest.update(chunk)
            size += len(chunk)
            yield chunk
    if size != sealed.size or not hmac.compare_digest(digest.hexdigest(), sealed.plaintext_sha256):
        raise DecryptionError("the decrypted file does not match the size and hash recorded at upload")


def random_access(
    provider: KeyProvider, store: BlobStore, sealed: SealedBlob, context: bytes
) -> chunked.RandomAccessReader:
    """A seekable plaintext view of a blob (each chunk authenticated as it is read); close it after use."""
    dek = provider.unwrap(sealed.kek_version, sealed.wrapped_dek, context)
    return chunked.RandomAccessReader(dek, context, store.open(sealed.blob_name))


def verify(provider: KeyProvider, store: BlobStore, sealed: SealedBlob, context: bytes) -> None:
    """Decrypt and re-hash a blob without writing anything; raises on any problem."""
    for _ in open_sealed(provider, store, sealed, context):
        pass
