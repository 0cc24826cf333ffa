"""The S3 blob store against a real SeaweedFS server: the same promises as the local folder."""

from __future__ import annotations

import hashlib
import io
import os
import tracemalloc

import pytest

from tests import seaweed
from tests.s3.conftest import connect
from vendorcheck.vault import envelope
from vendorcheck.vault.blobstore import new_name
from vendorcheck.vault.chunked import ciphertext_size
from vendorcheck.vault.context import evidence_context
from vendorcheck.vault.keyring import KeyRing
from vendorcheck.vault.s3store import MIN_WINDOW, PART_SIZE, ObjectWriter, S3BlobStore, VaultError

MIB = 1024 * 1024
CONTEXT = evidence_context(1, 2, 3, 1)


@pytest.fixture
def ring() -> KeyRing:
    return KeyRing.new()


def keys_under(store: S3BlobStore) -> list[str]:
    """Every object key under the store's prefix, as the bucket lists them."""
    listed = store._client.list_objects_v2(Bucket=store.bucket, Prefix=store.prefix)
    return sorted(item["Key"] for item in listed.get("Contents", []))


def unfinished_uploads(store: S3BlobStore) -> list[str]:
    """Keys of multipart uploads started and neither completed nor aborted."""
    listed = store._client.list_multipart_uploads(Bucket=store.bucket, Prefix=store.prefix)
    return sorted(upload["Key"] for upload in listed.get("Uploads", []))


class RandomSource(io.RawIOBase):
    """``size`` random bytes read in pieces, hashed as they go: a large file that is never all in memory."""

    def __init__(self, size: int) -> None:
        super().__init__()
        self.remaining = size
        self.digest = hashlib.sha256()

    def readable(self) -> bool:
        return True

    def read(self, size: int = -1) -> bytes:
        data = os.urandom(min(self.remaining, MIB if size < 0 else size))
        self.remaining -= len(data)
        self.digest.update(data)
        return data


@pytest.mark.parametrize("size", [0, 100_000, 2 * PART_SIZE + 12_345], ids=["empty", "one-put", "multipart"])
def test_sealed_blob_round_trips_and_the_server_holds_only_ciphertext(store, ring, size) -> None:
    data = (b"PLAINTEXT-MARKER " * (size // 17 + 1))[:size]
    sealed = envelope.seal_stream(ring, store, CONTEXT, io.BytesIO(data))
    assert keys_under(store) == [store.prefix + sealed.blob_name]
    assert unfinished_uploads(store) == []
    stored = store._client.get_object(Bucket=store.bucket, Key=store.prefix + sealed.blob_name)["Body"].read()
    assert len(stored) == ciphertext_size(size)
    assert b"PLAINTEXT-MARKER" not in stored
    assert b"".join(envelope.open_sealed(ring, store, sealed, CONTEXT)) == data


def test_random_access_reads_any_range_and_fetches_little_after_a_seek(store, ring) -> None:
    data = os.urandom(3 * PART_SIZE)
    sealed = envelope.seal_stream(ring, store, CONTEXT, io.BytesIO(data))
    ranges: list[str] = []
    store._client.meta.events.register(
        "before-parameter-build.s3.GetObject", lambda params, **_: ranges.append(params["Range"])
    )
    with envelope.random_access(ring, store, sealed, CONTEXT) as reader:
        for position in (len(data) - 10, 5, 17 * MIB + 3, 1234567, 0):
            reader.seek(position)
            assert reader.read(40_000) == data[position : position + 40_000]
    fetched = [int(end) - int(start) + 1 for start, end in (r.removeprefix("bytes=").split("-") for r in ranges)]
    assert max(fetched) <= MIN_WINDOW, fetched  # a seek fetches a small range, not the read-ahead window


def test_sequential_reads_ask_for_growing_ranges(store, ring) -> None:
    data = os.urandom(PART_SIZE + 5)
    sealed = envelope.seal_stream(ring, store, CONTEXT, io.BytesIO(data))
    ranges: list[str] = []
    store._client.meta.events.register(
        "before-parameter-build.s3.GetObject", lambda params, **_: ranges.append(params["Range"])
    )
    assert b"".join(envelope.open_sealed(ring, store, sealed, CONTEXT)) == data
    assert len(ranges) <= 5, ranges  # 64 KiB, 256 KiB, 1 MiB, 4 MiB, the rest


def test_an_upload_cut_off_leaves_nothing_listed_and_sweep_aborts_its_parts(store) -> None:
    name = new_name()
    sink = ObjectWriter(store, store.prefix + name)  # what open_new yields, but never completed nor aborted:
    sink.write(os.urandom(PART_SIZE + 100))  # the first part is on the server, then the process "dies"
    assert not store.exists(name)
    assert keys_under(store) == []
    assert unfinished_uploads(store) == [store.prefix + name]
    assert store.sweep([], older_than_seconds=3600) == []  # young: it may still be running
    assert unfinished_uploads(store) == [store.prefix + name]
    assert store.sweep([], older_than_seconds=0) == [name + ".partial"]
    assert unfinished_uploads(store) == []
    assert keys_under(store) == []


def test_an_error_while_writing_aborts_the_upload_at_once(store) -> None:
    with pytest.raises(RuntimeError), store.open_new() as (name, sink):
        sink.write(os.urandom(PART_SIZE + 100))
        raise RuntimeError("the vendor's connection dropped")
    assert not store.exists(name)
    assert keys_under(store) == [] and unfinished_uploads(store) == []


def test_sweep_removes_only_old_unreferenced_blobs_under_the_prefix(store, seaweedfs) -> None:
    names = [new_name() for _ in range(3)]
    for name in names:
        with store.open_new(name) as (_, sink):
            sink.write(b"ciphertext")
    client = store._client
    client.put_object(Bucket=store.bucket, Key=store.prefix + "notes.txt", Body=b"not ours")
    client.put_object(Bucket=store.bucket, Key=store.prefix + "nested/" + new_name(), Body=b"not ours either")
    assert store.sweep(names[:1], older_than_seconds=3600) == []
    assert store.sweep(names[:1], older_than_seconds=0) == sorted(names[1:])
    assert store.exists(names[0]) and not store.exists(names[1])
    assert len(keys_under(store)) == 3  # the referenced blob and the two objects that are not blobs


def test_missing_blob_is_a_vault_error_and_delete_is_idempotent(store) -> None:
    name = new_name()
    assert not store.exists(name)
    with pytest.raises(VaultError, match=f"blob {name} is missing from s3://"):
        store.open(name)
    store.delete(name)
    with pytest.raises(VaultError, match="not a blob name"):
        store.open("../../etc/passwd")


def test_a_blob_replaced_while_it_is_read_fails_instead_of_mixing(store) -> None:
    name = new_name()
    with store.open_new(name) as (_, sink):
        sink.write(os.urandom(MIN_WINDOW * 4))
    with store.open(name) as reader:
        reader.read(100)
        store._client.put_object(Bucket=store.bucket, Key=store.prefix + name, Body=os.urandom(MIN_WINDOW * 4))
        reader.seek(3 * MIN_WINDOW)
        with pytest.raises(VaultError, match="PreconditionFailed"):
            reader.read(100)


def test_wrong_credentials_fail_clearly_without_showing_the_secret(s3_settings) -> None:
    store = connect(s3_settings, secret="wrong-secret-value")
    with pytest.raises(VaultError, match="failed head_object: 403") as caught:
        store.exists(new_name())
    store.close()
    assert "wrong-secret-value" not in str(caught.value)


def test_memory_stays_at_a_few_parts_for_a_64_mib_blob(store, ring) -> None:
    source = RandomSource(64 * MIB)
    tracemalloc.start()
    try:
        sealed = envelope.seal_stream(ring, store, CONTEXT, source)
        _, sealing_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        for _ in envelope.open_sealed(ring, store, sealed, CONTEXT):  # checks the size and SHA-256 at the end
            pass
        _, reading_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert sealed.size == 64 * MIB and sealed.plaintext_sha256 == source.digest.hexdigest()
    assert sealing_peak < 2 * PART_SIZE, sealing_peak / MIB  # one part buffered, plus small change
    assert reading_peak < 4 * MIB, reading_peak / MIB  # one 1 MiB piece and one chunk


def test_seaweedfs_helper_refuses_unsigned_requests(seaweedfs: seaweed.SeaweedFS) -> None:
    """The server really checks signatures, so the store's requests are really signed."""
    import urllib.error
    import urllib.request

    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(f"{seaweedfs.endpoint_url}/{seaweed.BUCKET}/anything")  # noqa: S310
    caught.value.close()
    assert caught.value.code == 403
