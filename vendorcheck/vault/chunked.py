"""C2SP chunked-encryption v1 (c2sp.org/chunked-encryption) with AEAD_AES_256_GCM, streamed.

    key || base_nonce || commitment = HKDF-Expand(SHA-256, prk=input_key,
        info="c2sp.org/chunked-encryption@v1+" || "AEAD_AES_256_GCM" || 0x00 || salt || context)
    ciphertext = salt (24) || commitment (32) || chunk_0 || chunk_1 || ...

Plaintext is cut into 16 KiB chunks; the final chunk is strictly shorter (possibly empty), which is how
the end is recognised. Chunk i is sealed with nonce base_nonce XOR i and empty associated data. Memory stays
at one chunk; the decryptor checks the commitment before any chunk and releases no chunk before its tag
verifies, so truncation, reordering, appended bytes, a wrong key and a wrong context all fail.
"""

from __future__ import annotations

import hmac
import io
import os
from collections.abc import Iterator
from typing import BinaryIO, Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDFExpand

AEAD_NAME = b"AEAD_AES_256_GCM"
LABEL = b"c2sp.org/chunked-encryption@v1+"
KEY_SIZE = 32
NONCE_SIZE = 12
TAG_SIZE = 16
SALT_SIZE = 24
COMMITMENT_SIZE = 32
HEADER_SIZE = SALT_SIZE + COMMITMENT_SIZE
CHUNK_SIZE = 16 * 1024
SEALED_CHUNK_SIZE = CHUNK_SIZE + TAG_SIZE
MAX_CHUNKS = 2**38


class VaultError(Exception):
    """Something in the vault failed; the message says what."""


class DecryptionError(VaultError):
    """A blob could not be authenticated: tampered with, truncated, or opened with the wrong key or context."""


class Sink(Protocol):
    """Anything ciphertext or plaintext can be written to."""

    def write(self, data: bytes, /) -> object:
        """Write ``data``."""


def ciphertext_size(plaintext_size: int) -> int:
    """The exact size of the ciphertext of a ``plaintext_size`` message."""
    return HEADER_SIZE + plaintext_size + (plaintext_size // CHUNK_SIZE + 1) * TAG_SIZE


def derive(input_key: bytes, salt: bytes, context: bytes) -> tuple[bytes, bytes, bytes]:
    """(chunk key, base nonce, commitment) for one message."""
    if len(input_key) != KEY_SIZE:
        raise VaultError("the input key must be 32 random bytes")
    info = LABEL + AEAD_NAME + b"\x00" + salt + context
    material = HKDFExpand(hashes.SHA256(), KEY_SIZE + NONCE_SIZE + COMMITMENT_SIZE, info).derive(input_key)
    return material[:KEY_SIZE], material[KEY_SIZE : KEY_SIZE + NONCE_SIZE], material[KEY_SIZE + NONCE_SIZE :]


def _nonce(base: int, index: int) -> bytes:
    return (base ^ index).to_bytes(NONCE_SIZE, "big")


class Encryptor:
    """Encrypts a stream written in pieces of any size; holds at most one chunk of plaintext."""

    def __init__(self, input_key: bytes, context: bytes, sink: Sink, *, salt: bytes | None = None) -> None:
        salt = os.urandom(SALT_SIZE) if salt is None else salt
        if len(salt) != SALT_SIZE:
            raise VaultError("the salt must be 24 bytes")
        key, base_nonce, commitment = derive(input_key, salt, context)
        self._aead = AESGCM(key)
        self._base = int.from_bytes(base_nonce, "big")
        self._sink = sink
        self._buffer = bytearray()
        self._index = 0
        self._finished = False
        sink.write(salt + commitment)

    def write(self, data: bytes | bytearray | memoryview) -> None:
        """Add plaintext; a full chunk is sealed and written as soon as more data follows it."""
        if self._finished:
            raise VaultError("the encryptor is finished")
        view = memoryview(data)
        if self._buffer:
            room = CHUNK_SIZE - len(self._buffer)
            if len(view) <= room:
                self._buffer += view
                return
            self._buffer += view[:room]
            view = view[room:]
            self._seal(self._buffer)  # full, and more follows: it cannot be the final chunk
            self._buffer = bytearray()
        while len(view) > CHUNK_SIZE:  # sealed straight from the caller's buffer, no copy
            self._seal(view[:CHUNK_SIZE])
            view = view[CHUNK_SIZE:]
        self._buffer += view

    def finish(self) -> None:
        """Seal what remains; the final chunk is always shorter than 16 KiB (possibly empty)."""
        if self._finished:
            return
        if len(self._buffer) == CHUNK_SIZE:
            self._seal(self._buffer)
            self._buffer = bytearray()
        self._seal(self._buffer)
        self._buffer = bytearray()
        self._finished = True

    def _seal(self, chunk: bytes | bytearray | memoryview) -> None:
        if self._index >= MAX_CHUNKS:
            raise VaultError("message too long for chunked encryption")
        self._sink.write(self._aead.encrypt(_nonce(self._base, self._index), chunk, None))
        self._index += 1


def _read_exactly(source: BinaryIO, size: int) -> bytes:
    parts = []
    remaining = size
    while remaining:
        part = source.read(remaining)
        if not part:
            break
        parts.append(part)
        remaining -= len(part)
    return b"".join(parts)


def _open_header(input_key: bytes, context: bytes, source: BinaryIO) -> tuple[AESGCM, int]:
    """Read the header and check the key commitment: (the chunk cipher, the base nonce as an integer)."""
    header = _read_exactly(source, HEADER_SIZE)
    if len(header) != HEADER_SIZE:
        raise DecryptionError("ciphertext truncated: the header is incomplete")
    key, base_nonce, commitment = derive(input_key, header[:SALT_SIZE], context)
    if not hmac.compare_digest(commitment, header[SALT_SIZE:]):
        raise DecryptionError("key commitment mismatch: wrong key or context, or a modified header")
    return AESGCM(key), int.from_bytes(base_nonce, "big")


def decrypt_chunks(input_key: bytes, context: bytes, source: BinaryIO) -> Iterator[bytes]:
    """Yield the plaintext chunk by chunk; each is authenticated before it is yielded.

    Raises DecryptionError at the first chunk that fails, so a consumer that stops on the error never sees
    unauthenticated plaintext. Truncation is detected when the stream ends without a final chunk.
    """
    aead, base = _open_header(input_key, context, source)
    index = 0
    while True:
        sealed = _read_exactly(source, SEALED_CHUNK_SIZE)
        final = len(sealed) < SEALED_CHUNK_SIZE
        if final and len(sealed) < TAG_SIZE:
            raise DecryptionError(f"ciphertext truncated at chunk {index}")
        try:
            plaintext = aead.decrypt(_nonce(base, index), sealed, None)
        except InvalidTag:
            raise DecryptionError(f"chunk {index} failed authentication: the blob was modified or reordered") from None
        if final:  # a short read means the source is exhausted: anything appended fails the tag above
            if plaintext:
                yield plaintext
            return
        yield plaintext
        index += 1
        if index >= MAX_CHUNKS:
            raise DecryptionError("too many chunks")


def encrypt_stream(input_key: bytes, context: bytes, source: BinaryIO, sink: Sink, block: int = 1 << 20) -> int:
    """Encrypt ``source`` into ``sink``; returns the plaintext size."""
    encryptor = Encryptor(input_key, context, sink)
    total = 0
    while data := source.read(block):
        encryptor.write(data)
        total += len(data)
    encryptor.finish()
    return total


def decrypt_stream(input_key: bytes, context: bytes, source: BinaryIO, sink: Sink) -> int:
    """Decrypt ``source`` into ``sink``; returns the plaintext size. Raises DecryptionError on any tamper."""
    total = 0
    for chunk in decrypt_chunks(input_key, context, source):
        sink.write(chunk)
        total += len(chunk)
    return total


def plaintext_size(ciphertext_size_: int) -> int:
    """The plaintext size of a well-formed ciphertext of ``ciphertext_size_`` bytes; DecryptionError if none fits."""
    body = ciphertext_size_ - HEADER_SIZE
    if body < TAG_SIZE:
        raise DecryptionError("ciphertext truncated: no final chunk")
    chunks = body // SEALED_CHUNK_SIZE + 1
    last = body - (chunks - 1) * SEALED_CHUNK_SIZE
    if last < TAG_SIZE:
        raise DecryptionError("ciphertext truncated at a chunk boundary")
    return body - chunks * TAG_SIZE


class SeekableReader(io.RawIOBase):
    """A read-only stream of known size that subclasses fill by ``readinto`` at ``_position``."""

    _position: int
    _size: int

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = io.SEEK_SET) -> int:
        base = {io.SEEK_SET: 0, io.SEEK_CUR: self._position, io.SEEK_END: self._size}[whence]
        if base + offset < 0:
            raise ValueError("negative seek position")
        self._position = base + offset
        return self._position


class RandomAccessReader(SeekableReader):
    """A seekable, read-only view of the plaintext of a seekable ciphertext, one authenticated chunk at a time.

    Used to inspect DOCX/XLSX uploads (ZIP archives need seeking) without writing plaintext anywhere. The end
    is known from the ciphertext size, and the short final chunk's length is authenticated by its tag.
    """

    def __init__(self, input_key: bytes, context: bytes, source: BinaryIO) -> None:
        super().__init__()
        self._source = source
        self._aead, self._base = _open_header(input_key, context, source)
        self._size = plaintext_size(source.seek(0, io.SEEK_END))
        self._last_index = self._size // CHUNK_SIZE
        self._position = 0
        self._cached: tuple[int, bytes] | None = None

    def close(self) -> None:
        """Close the ciphertext too."""
        self._source.close()
        super().close()

    @property
    def size(self) -> int:
        """The plaintext size."""
        return self._size

    def _chunk(self, index: int) -> bytes:
        if self._cached is not None and self._cached[0] == index:
            return self._cached[1]
        self._source.seek(HEADER_SIZE + index * SEALED_CHUNK_SIZE)
        expected = SEALED_CHUNK_SIZE if index < self._last_index else self._size - index * CHUNK_SIZE + TAG_SIZE
        sealed = _read_exactly(self._source, expected)
        try:
            plaintext = self._aead.decrypt(_nonce(self._base, index), sealed, None)
        except InvalidTag:
            raise DecryptionError(f"chunk {index} failed authentication: the blob was modified or reordered") from None
        self._cached = (index, plaintext)
        return plaintext

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        filled = 0
        while filled < len(buffer) and self._position < self._size:
            index, offset = divmod(self._position, CHUNK_SIZE)
            piece = self._chunk(index)[offset : offset + len(buffer) - filled]
            buffer[filled : filled + len(piece)] = piece
            filled += len(piece)
            self._position += len(piece)
        return filled
