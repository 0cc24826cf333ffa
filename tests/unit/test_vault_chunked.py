"""C2SP chunked encryption: round trips at the chunk boundaries, and every kind of tampering refused."""

from __future__ import annotations

import io
import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vendorcheck.vault import chunked
from vendorcheck.vault.chunked import (
    CHUNK_SIZE,
    HEADER_SIZE,
    SEALED_CHUNK_SIZE,
    DecryptionError,
    RandomAccessReader,
    ciphertext_size,
    decrypt_stream,
    encrypt_stream,
)

KEY = bytes(range(32))
CONTEXT = b"vendorcheck-evidence-v1 test"
BOUNDARY_SIZES = [0, 1, CHUNK_SIZE - 1, CHUNK_SIZE, CHUNK_SIZE + 1, 2 * CHUNK_SIZE, 5 * CHUNK_SIZE + 7]


def encrypt(data: bytes, key: bytes = KEY, context: bytes = CONTEXT) -> bytes:
    out = io.BytesIO()
    encrypt_stream(key, context, io.BytesIO(data), out)
    return out.getvalue()


def decrypt(blob: bytes, key: bytes = KEY, context: bytes = CONTEXT) -> bytes:
    out = io.BytesIO()
    decrypt_stream(key, context, io.BytesIO(blob), out)
    return out.getvalue()


def released_before_error(blob: bytes, key: bytes = KEY, context: bytes = CONTEXT) -> tuple[list[bytes], str]:
    """The chunks a consumer received before decryption failed, and the error message."""
    released: list[bytes] = []
    with pytest.raises(DecryptionError) as caught:
        for chunk in chunked.decrypt_chunks(key, context, io.BytesIO(blob)):
            released.append(chunk)
    return released, str(caught.value)


@pytest.mark.parametrize("size", BOUNDARY_SIZES)
def test_round_trip_at_chunk_boundaries(size: int) -> None:
    data = os.urandom(size)
    blob = encrypt(data)
    assert len(blob) == ciphertext_size(size)
    assert decrypt(blob) == data
    assert chunked.plaintext_size(len(blob)) == size


@settings(max_examples=40, deadline=None)
@given(
    data=st.one_of(
        st.binary(max_size=3 * CHUNK_SIZE + 5),
        st.sampled_from(BOUNDARY_SIZES).map(lambda n: bytes(n % 251 for n in range(n))),
    ),
    pieces=st.lists(st.integers(min_value=1, max_value=CHUNK_SIZE + 3), min_size=1, max_size=8),
)
def test_round_trip_whatever_the_write_sizes(data: bytes, pieces: list[int]) -> None:
    """The ciphertext does not depend on how the plaintext was cut into writes."""
    salt = b"s" * chunked.SALT_SIZE
    reference, cut = io.BytesIO(), io.BytesIO()
    whole = chunked.Encryptor(KEY, CONTEXT, reference, salt=salt)
    whole.write(data)
    whole.finish()
    encryptor = chunked.Encryptor(KEY, CONTEXT, cut, salt=salt)
    position, i = 0, 0
    while position < len(data):
        step = pieces[i % len(pieces)]
        encryptor.write(data[position : position + step])
        position += step
        i += 1
    encryptor.finish()
    assert cut.getvalue() == reference.getvalue()
    assert decrypt(cut.getvalue()) == data


def test_many_chunks_and_the_final_chunk_is_short() -> None:
    data = os.urandom(40 * CHUNK_SIZE)  # an exact multiple: an empty final chunk marks the end
    blob = encrypt(data)
    assert (len(blob) - HEADER_SIZE) % SEALED_CHUNK_SIZE == chunked.TAG_SIZE
    assert decrypt(blob) == data


def test_same_plaintext_encrypts_differently_each_time() -> None:
    assert encrypt(b"same") != encrypt(b"same")


# The tamper suite: each is refused with a clear error, and nothing unauthenticated is released.

DATA = os.urandom(3 * CHUNK_SIZE + 100)


def test_modified_salt_fails_the_commitment() -> None:
    blob = bytearray(encrypt(DATA))
    blob[0] ^= 1
    released, message = released_before_error(bytes(blob))
    assert released == [] and "commitment" in message


def test_modified_commitment_is_refused() -> None:
    blob = bytearray(encrypt(DATA))
    blob[chunked.SALT_SIZE + 3] ^= 0x80
    released, message = released_before_error(bytes(blob))
    assert released == [] and "commitment" in message


def test_flipped_bit_mid_chunk_stops_at_that_chunk() -> None:
    blob = bytearray(encrypt(DATA))
    blob[HEADER_SIZE + SEALED_CHUNK_SIZE + 500] ^= 0x04  # inside chunk 1
    released, message = released_before_error(bytes(blob))
    assert released == [DATA[:CHUNK_SIZE]]  # chunk 0 verified; nothing of chunk 1 released
    assert "chunk 1" in message


@pytest.mark.parametrize("chunks_kept", [0, 1, 3])
def test_truncation_at_a_chunk_boundary(chunks_kept: int) -> None:
    blob = encrypt(DATA)[: HEADER_SIZE + chunks_kept * SEALED_CHUNK_SIZE]
    released, message = released_before_error(blob)
    assert b"".join(released) == DATA[: max(chunks_kept - 1, 0) * CHUNK_SIZE] or len(released) <= chunks_kept
    assert "truncated" in message or "authentication" in message


def test_truncation_mid_chunk() -> None:
    blob = encrypt(DATA)[:-7]
    _, message = released_before_error(blob)
    assert "authentication" in message


def test_truncated_header() -> None:
    _, message = released_before_error(encrypt(DATA)[:20])
    assert "header" in message


@pytest.mark.parametrize("extra", [b"x", os.urandom(SEALED_CHUNK_SIZE + 5)])
def test_appended_bytes(extra: bytes) -> None:
    released, message = released_before_error(encrypt(DATA) + extra)
    assert b"".join(released) == DATA[: 3 * CHUNK_SIZE]  # the real final chunk never counts as the end
    assert "authentication" in message


def test_appended_chunk_from_the_same_stream() -> None:
    blob = encrypt(DATA)
    _, message = released_before_error(blob + blob[HEADER_SIZE : HEADER_SIZE + SEALED_CHUNK_SIZE])
    assert message


def test_swapped_chunks() -> None:
    blob = encrypt(DATA)
    first = blob[HEADER_SIZE : HEADER_SIZE + SEALED_CHUNK_SIZE]
    second = blob[HEADER_SIZE + SEALED_CHUNK_SIZE : HEADER_SIZE + 2 * SEALED_CHUNK_SIZE]
    swapped = blob[:HEADER_SIZE] + second + first + blob[HEADER_SIZE + 2 * SEALED_CHUNK_SIZE :]
    released, message = released_before_error(swapped)
    assert released == [] and "chunk 0" in message


def test_wrong_context() -> None:
    released, message = released_before_error(encrypt(DATA), context=CONTEXT + b"x")
    assert released == [] and "commitment" in message


def test_wrong_key() -> None:
    released, message = released_before_error(encrypt(DATA), key=os.urandom(32))
    assert released == [] and "commitment" in message


def test_a_whole_different_blob_under_the_same_key_fails_the_other_context() -> None:
    other = encrypt(DATA, context=b"another evidence row")
    released, _ = released_before_error(other)
    assert released == []


# Random access, used to inspect ZIP-based uploads without writing plaintext anywhere.


@pytest.mark.parametrize("size", BOUNDARY_SIZES)
def test_random_access_reads_the_same_plaintext(size: int) -> None:
    data = os.urandom(size)
    reader = RandomAccessReader(KEY, CONTEXT, io.BytesIO(encrypt(data)))
    assert reader.size == size
    assert reader.read() == data
    if size > 10:
        reader.seek(size - 10)
        assert reader.read(4) == data[size - 10 : size - 6]
        reader.seek(-3, io.SEEK_END)
        assert reader.read() == data[-3:]


def test_random_access_refuses_truncation_and_tampering() -> None:
    blob = encrypt(DATA)
    with pytest.raises(DecryptionError):
        RandomAccessReader(KEY, CONTEXT, io.BytesIO(blob[: HEADER_SIZE + SEALED_CHUNK_SIZE])).read()
    tampered = bytearray(blob)
    tampered[-3] ^= 1
    reader = RandomAccessReader(KEY, CONTEXT, io.BytesIO(bytes(tampered)))
    assert reader.read(10) == DATA[:10]
    reader.seek(-1, io.SEEK_END)
    with pytest.raises(DecryptionError):
        reader.read()


def test_input_key_must_be_32_bytes() -> None:
    with pytest.raises(chunked.VaultError):
        encrypt(b"x", key=b"short")
