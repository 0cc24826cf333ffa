"""Key ring, blob store and envelope: rotation, rewrap, retirement, swapped blobs, crash safety."""

from __future__ import annotations

import io
import os
import stat
from pathlib import Path

import pytest

from vendorcheck.vault import envelope
from vendorcheck.vault.blobstore import PARTIAL, LocalBlobStore
from vendorcheck.vault.chunked import CHUNK_SIZE, DecryptionError, VaultError
from vendorcheck.vault.context import encode_fields, evidence_context
from vendorcheck.vault.keyring import KEYRING_FILE, KeyRing, LocalKeyRing, create_keyring, load_keyring

CONTEXT_A = evidence_context(1, 2, 3, 1)
CONTEXT_B = evidence_context(1, 2, 4, 1)


@pytest.fixture
def store(tmp_path: Path) -> LocalBlobStore:
    return LocalBlobStore(tmp_path / "blobs")


def read_all(ring: KeyRing, store: LocalBlobStore, sealed: envelope.SealedBlob, context: bytes) -> bytes:
    return b"".join(envelope.open_sealed(ring, store, sealed, context))


def test_context_encoding_is_length_prefixed() -> None:
    assert encode_fields("1", "23") != encode_fields("12", "3")
    assert evidence_context(1, 2, 3, 4) != evidence_context(1, 2, 34, 0)


def test_seal_and_open(store: LocalBlobStore) -> None:
    ring = KeyRing.new()
    data = os.urandom(3 * CHUNK_SIZE + 9)
    sealed = envelope.seal_stream(ring, store, CONTEXT_A, io.BytesIO(data))
    assert sealed.size == len(data) and sealed.kek_version == 1
    assert read_all(ring, store, sealed, CONTEXT_A) == data
    envelope.verify(ring, store, sealed, CONTEXT_A)
    blob = (store.root / sealed.blob_name[:2] / sealed.blob_name).read_bytes()
    assert data[:64] not in blob


def test_failed_seal_leaves_nothing(store: LocalBlobStore) -> None:
    ring = KeyRing.new()
    sealing = envelope.seal(ring, store, CONTEXT_A)
    with pytest.raises(RuntimeError), sealing as sink:
        sink.write(b"half an upload" * 5000)
        raise RuntimeError("connection dropped")
    assert sealing.result is None
    assert not [p for p in store.root.rglob("*") if p.is_file()]


def test_blob_swapped_between_two_evidence_rows_is_refused(store: LocalBlobStore) -> None:
    ring = KeyRing.new()
    a = envelope.seal_stream(ring, store, CONTEXT_A, io.BytesIO(b"report A" * 3000))
    b = envelope.seal_stream(ring, store, CONTEXT_B, io.BytesIO(b"report B" * 3000))
    # An attacker with disk access swaps the two files: each row now points at the other's ciphertext.
    path_a, path_b = (store.root / s.blob_name[:2] / s.blob_name for s in (a, b))
    bytes_a, bytes_b = path_a.read_bytes(), path_b.read_bytes()
    path_a.write_bytes(bytes_b)
    path_b.write_bytes(bytes_a)
    with pytest.raises(DecryptionError):
        read_all(ring, store, a, CONTEXT_A)
    # Copying the other row's wrapped key too does not help: the wrap is bound to the context.
    with pytest.raises(VaultError):
        read_all(
            ring,
            store,
            envelope.SealedBlob(a.blob_name, b.kek_version, b.wrapped_dek, b.size, b.plaintext_sha256),
            CONTEXT_A,
        )


def test_recorded_hash_is_checked(store: LocalBlobStore) -> None:
    ring = KeyRing.new()
    sealed = envelope.seal_stream(ring, store, CONTEXT_A, io.BytesIO(b"policy"))
    wrong = envelope.SealedBlob(sealed.blob_name, sealed.kek_version, sealed.wrapped_dek, sealed.size, "0" * 64)
    with pytest.raises(DecryptionError, match="hash"):
        envelope.verify(ring, store, wrong, CONTEXT_A)


def test_missing_blob(store: LocalBlobStore) -> None:
    ring = KeyRing.new()
    sealed = envelope.seal_stream(ring, store, CONTEXT_A, io.BytesIO(b"x"))
    store.delete(sealed.blob_name)
    with pytest.raises(VaultError, match="missing"):
        envelope.verify(ring, store, sealed, CONTEXT_A)


def test_rotation_rewrap_and_retirement(store: LocalBlobStore) -> None:
    ring = KeyRing.new()
    data = b"soc 2 type ii" * 2000
    sealed = envelope.seal_stream(ring, store, CONTEXT_A, io.BytesIO(data))
    assert ring.rotate() == 2
    assert read_all(ring, store, sealed, CONTEXT_A) == data  # old version still decrypts
    version, wrapped = ring.rewrap(sealed.kek_version, sealed.wrapped_dek, CONTEXT_A)
    assert version == 2
    rewrapped = envelope.SealedBlob(sealed.blob_name, version, wrapped, sealed.size, sealed.plaintext_sha256)
    ring.retire(2)
    assert read_all(ring, store, rewrapped, CONTEXT_A) == data  # same file, new wrap
    with pytest.raises(VaultError, match="retired"):
        read_all(ring, store, sealed, CONTEXT_A)
    with pytest.raises(VaultError, match="active"):
        ring.retire(3)


def test_wrapped_key_tampering_and_unknown_version() -> None:
    ring = KeyRing.new()
    version, wrapped = ring.wrap(os.urandom(32), CONTEXT_A)
    tampered = bytearray(wrapped)
    tampered[-1] ^= 1
    with pytest.raises(VaultError, match="does not open"):
        ring.unwrap(version, bytes(tampered), CONTEXT_A)
    with pytest.raises(VaultError, match="not in the key ring"):
        ring.unwrap(7, wrapped, CONTEXT_A)


def test_local_keyring_file(tmp_path: Path) -> None:
    assert create_keyring(tmp_path) is True
    assert create_keyring(tmp_path) is False  # never overwritten
    path = tmp_path / KEYRING_FILE
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    ring = load_keyring(tmp_path)
    assert isinstance(ring, LocalKeyRing)
    ring.rotate()
    ring.save()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    again = load_keyring(tmp_path)
    assert again.active_version == 2 and again.keys == ring.keys
    from_env = load_keyring(tmp_path / "elsewhere", from_environment=path.read_text())
    assert from_env.keys == ring.keys


@pytest.mark.parametrize(
    "text", ["", "{}", '{"keys": {"1": {"key": "AAAA"}}, "active_version": 1, "min_decrypt_version": 1}']
)
def test_malformed_keyring_is_refused_clearly(text: str) -> None:
    with pytest.raises(VaultError, match="not a valid key ring"):
        KeyRing.from_json(text, "keyring.json")


def test_missing_keyring_says_what_to_run(tmp_path: Path) -> None:
    with pytest.raises(VaultError, match="vendorcheck init"):
        load_keyring(tmp_path)


def test_sweep_removes_partials_and_orphans_only(store: LocalBlobStore) -> None:
    ring = KeyRing.new()
    kept = envelope.seal_stream(ring, store, CONTEXT_A, io.BytesIO(b"kept"))
    orphan = envelope.seal_stream(ring, store, CONTEXT_B, io.BytesIO(b"orphan"))
    partial = store.root / "ab" / ("ab" + "0" * 30 + PARTIAL)
    partial.parent.mkdir(exist_ok=True)
    partial.write_bytes(b"cut off")
    assert store.sweep([kept.blob_name], older_than_seconds=3600) == []  # too recent: an upload may be running
    old = 1_000_000_000
    for path in store.root.rglob("*"):
        if path.is_file():
            os.utime(path, (old, old))
    removed = store.sweep([kept.blob_name], older_than_seconds=3600)
    assert removed == sorted([orphan.blob_name, partial.name])
    assert store.exists(kept.blob_name) and not store.exists(orphan.blob_name)


def test_blob_names_are_validated(store: LocalBlobStore) -> None:
    with pytest.raises(VaultError):
        store.open("../../etc/passwd")
