"""Encrypted blobs in an S3-compatible object store (AWS S3, SeaweedFS, MinIO...), complete or absent.

The store only ever sees ciphertext: the envelope writes the C2SP chunked stream into the sink that
``open_new`` yields, so nothing the vendor sent leaves the process unencrypted.

Writing buffers the ciphertext up to one part (8 MiB). The first full part starts a multipart upload and
each later part is sent as it fills, so memory stays at one part whatever the file size; a blob smaller than
one part is a single PutObject at the end. S3 lists an object under its key only once CompleteMultipartUpload
succeeds (atomically), so an upload cut off at any point leaves nothing under the blob's name, the same
promise as the local store's ``.partial`` file and rename. An error aborts the multipart upload; after a
crash its parts stay on the server until ``sweep`` aborts uploads older than the grace period.

Reading is a seekable file object over ranged GETs, pinned to the object's ETag with If-Match so a blob
replaced mid-read fails instead of mixing two versions. The first read after a seek fetches a small range
(64 KiB, enough for one chunk of a DOCX/XLSX check); each sequential continuation asks for four times more,
up to 64 MiB, read from the response 1 MiB at a time: sequential reads stream at full speed, random ones
fetch little, and memory stays at 1 MiB.

boto3 is imported only when a store is built, so an instance on the local folder never loads it.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

from vendorcheck.vault.blobstore import PARTIAL, StoreUnavailable, check_name, is_blob_name, new_name
from vendorcheck.vault.chunked import SeekableReader, VaultError

PART_SIZE = 8 * 1024 * 1024  # S3's smallest part is 5 MiB (except the last)
PIECE = 1024 * 1024  # bytes held by a reader
MIN_WINDOW = 64 * 1024
MAX_WINDOW = 64 * 1024 * 1024
BUCKET = re.compile(r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$")
PREFIX_SEGMENT = re.compile(r"^[A-Za-z0-9._-]{1,100}$")
BLOB_STATUSES = {404, 412, 416}  # missing, changed while read, shorter than it should be: the blob, not the store


def parse_url(url: str) -> tuple[str, str]:
    """(bucket, key prefix) of ``s3://bucket/prefix``; the prefix is empty or ends with ``/``.

    ValueError says what is wrong: bucket names follow S3's rules, the prefix is plain path segments.
    """
    if not url.startswith("s3://"):
        raise ValueError("expected local or s3://bucket/prefix")
    bucket, _, prefix = url.removeprefix("s3://").partition("/")
    if not BUCKET.match(bucket) or ".." in bucket:
        raise ValueError("the bucket name must be 3 to 63 lower-case letters, digits, dots or hyphens")
    segments = [segment for segment in prefix.split("/") if segment]
    if prefix.startswith("/") or "//" in prefix or len(prefix) > 400:
        raise ValueError("the prefix must be short path segments separated by single slashes")
    for segment in segments:
        if not PREFIX_SEGMENT.match(segment) or segment in {".", ".."}:
            raise ValueError(f"the prefix segment {segment!r} may hold only letters, digits, '.', '_' and '-'")
    return bucket, "".join(segment + "/" for segment in segments)


class S3BlobStore:
    """Blobs as objects ``<prefix><name>`` in ``bucket``, through a boto3 S3 client."""

    def __init__(self, client: Any, bucket: str, prefix: str = "", part_size: int = PART_SIZE) -> None:
        from botocore.exceptions import BotoCoreError, ClientError  # present whenever a client is

        self._client, self.bucket, self.prefix, self.part_size = client, bucket, prefix, part_size
        self._errors: tuple[type[Exception], ...] = (BotoCoreError, ClientError)

    @classmethod
    def connect(
        cls,
        url: str,
        *,
        endpoint_url: str | None = None,
        region: str | None = None,
        credentials: tuple[str, str] | None = None,
    ) -> S3BlobStore:
        """The store at ``s3://bucket/prefix``; without ``credentials`` boto3's own chain applies (roles, ~/.aws)."""
        import boto3
        from botocore.config import Config

        bucket, prefix = parse_url(url)
        key_id, secret = credentials or (None, None)
        session = boto3.session.Session(aws_access_key_id=key_id, aws_secret_access_key=secret, region_name=region)
        config = Config(
            s3={"addressing_style": "path"} if endpoint_url else {},  # what SeaweedFS and MinIO expect
            retries={"max_attempts": 5, "mode": "standard"},
            connect_timeout=10,
            read_timeout=60,
            user_agent_extra="vendorcheck",
        )
        return cls(session.client("s3", endpoint_url=endpoint_url, config=config), bucket, prefix)

    def close(self) -> None:
        """Close the client's pooled connections (an app closes its store when it is torn down)."""
        self._client.close()

    @property
    def location(self) -> str:
        """``s3://bucket/prefix``."""
        return f"s3://{self.bucket}/{self.prefix}"

    def _key(self, name: str) -> str:
        return self.prefix + check_name(name)

    def call(self, operation: str, **arguments: Any) -> Any:
        """One S3 request; any failure becomes a VaultError naming the operation (never the credentials)."""
        try:
            return getattr(self._client, operation)(Bucket=self.bucket, **arguments)
        except self._errors as exc:
            raise self._failed(operation, exc) from None

    def _failed(self, operation: str, exc: Exception) -> VaultError:
        """The error to raise: StoreUnavailable unless the server said something about the blob itself."""
        kind = VaultError if _status(exc) in BLOB_STATUSES else StoreUnavailable
        return kind(f"the object store {self.location} failed {operation}: {_describe(exc)}")

    def _head(self, name: str) -> dict[str, Any] | None:
        """The object's metadata, or None if there is no such object."""
        try:
            return self._client.head_object(Bucket=self.bucket, Key=self._key(name))
        except self._errors as exc:
            if _status(exc) == 404:
                return None
            raise self._failed("head_object", exc) from None

    @contextmanager
    def open_new(self, name: str | None = None) -> Iterator[tuple[str, ObjectWriter]]:
        """(name, sink) for a new blob; it appears under its key only when the ``with`` block succeeds."""
        name = name or new_name()
        writer = ObjectWriter(self, self._key(name))
        try:
            yield name, writer
            writer.complete()
        except BaseException:
            writer.abort()
            raise

    def open(self, name: str) -> ObjectReader:
        """A seekable reader of a blob; VaultError if it is missing."""
        head = self._head(name)
        if head is None:
            raise VaultError(f"blob {name} is missing from {self.location}")
        return ObjectReader(self, self._key(name), head["ContentLength"], head["ETag"])

    def exists(self, name: str) -> bool:
        """True if a complete blob of this name is stored."""
        return self._head(name) is not None

    def delete(self, name: str) -> None:
        """Remove a blob (deleting a missing object succeeds)."""
        self.call("delete_object", Key=self._key(name))

    def discard_unfinished(self, name: str) -> None:
        """Abort every multipart upload of this blob's key (left by a crash)."""
        key = self._key(name)
        for upload in self._uploads(key):
            if upload["Key"] == key:
                self._abort(upload)

    def sweep(self, referenced: Iterable[str], older_than_seconds: float = 3600) -> list[str]:
        """Delete unreferenced blobs and abort multipart uploads older than the grace period; returns their names.

        Only keys directly under the prefix that look like blob names are touched: anything else in the
        bucket is not ours. An upload's age is that of its newest part, so a long upload still running is
        left alone, as the local store leaves a ``.partial`` file that is still growing. Several processes
        may sweep at once: an upload another one aborted is skipped (S3's DeleteObject cannot tell whether
        the object was still there, so a blob two sweeps deleted together may be reported by both).
        """
        keep = set(referenced)
        cutoff = datetime.now(UTC) - timedelta(seconds=older_than_seconds)
        removed = []
        for page in self._pages("list_objects_v2", Prefix=self.prefix):
            for item in page.get("Contents", []):
                name = item["Key"].removeprefix(self.prefix)
                if is_blob_name(name) and name not in keep and item["LastModified"] < cutoff:
                    self.delete(name)
                    removed.append(name)
        for upload in self._uploads(self.prefix):
            name = upload["Key"].removeprefix(self.prefix)
            if is_blob_name(name) and self._last_activity(upload) < cutoff and self._abort(upload):
                removed.append(name + PARTIAL)
        return sorted(removed)

    def _abort(self, upload: dict[str, Any]) -> bool:
        """Abort a multipart upload; False if it is already gone (another process's sweep was quicker)."""
        try:
            self._client.abort_multipart_upload(Bucket=self.bucket, Key=upload["Key"], UploadId=upload["UploadId"])
        except self._errors as exc:
            if _status(exc) == 404:
                return False
            raise self._failed("abort_multipart_upload", exc) from None
        return True

    def _pages(self, operation: str, **arguments: Any) -> Iterator[dict[str, Any]]:
        try:
            yield from self._client.get_paginator(operation).paginate(Bucket=self.bucket, **arguments)
        except self._errors as exc:
            raise self._failed(operation, exc) from None

    def _uploads(self, prefix: str) -> Iterator[dict[str, Any]]:
        for page in self._pages("list_multipart_uploads", Prefix=prefix):
            yield from page.get("Uploads", [])

    def _last_activity(self, upload: dict[str, Any]) -> datetime:
        """When the upload last received a part (or began); "now" if it has gone meanwhile, so it is left alone."""
        latest = upload["Initiated"]
        try:
            for page in self._client.get_paginator("list_parts").paginate(
                Bucket=self.bucket, Key=upload["Key"], UploadId=upload["UploadId"]
            ):
                for part in page.get("Parts", []):
                    latest = max(latest, part["LastModified"])
        except self._errors as exc:
            if _status(exc) == 404:
                return datetime.now(UTC)
            raise self._failed("list_parts", exc) from None
        return latest


def _status(exc: Exception) -> int | None:
    response = getattr(exc, "response", None) or {}
    return response.get("ResponseMetadata", {}).get("HTTPStatusCode")


def _describe(exc: Exception) -> str:
    """The server's error code and message, or the connection problem, in one line."""
    response = getattr(exc, "response", None)
    if response:
        error = response.get("Error", {})
        return f"{error.get('Code', _status(exc))} {error.get('Message', '')}".strip()
    return str(exc)


class ObjectWriter:
    """The sink ``open_new`` yields: ciphertext is buffered up to one part and sent as each part fills."""

    def __init__(self, store: S3BlobStore, key: str) -> None:
        self._store, self._key = store, key
        self._buffer = bytearray()
        self._parts: list[dict[str, Any]] = []
        self._upload_id: str | None = None
        self.size = 0

    def write(self, data: bytes | bytearray | memoryview) -> int:
        """Buffer ``data``; a full part is uploaded at once (the buffer never exceeds one part)."""
        view = memoryview(data)
        self.size += len(view)
        while len(view):
            room = self._store.part_size - len(self._buffer)
            self._buffer += view[:room]
            view = view[room:]
            if len(self._buffer) == self._store.part_size:
                self._send_part()
        return len(data)

    def _send_part(self) -> None:
        if self._upload_id is None:
            self._upload_id = self._store.call("create_multipart_upload", Key=self._key)["UploadId"]
        number = len(self._parts) + 1
        response = self._store.call(
            "upload_part", Key=self._key, UploadId=self._upload_id, PartNumber=number, Body=self._buffer
        )
        self._parts.append({"PartNumber": number, "ETag": response["ETag"]})
        self._buffer = bytearray()

    def complete(self) -> None:
        """Send what remains and make the object visible (one PutObject when it never filled a part)."""
        if self._upload_id is None:
            self._store.call("put_object", Key=self._key, Body=self._buffer)
            self._buffer = bytearray()
            return
        if self._buffer:
            self._send_part()
        self._store.call(
            "complete_multipart_upload",
            Key=self._key,
            UploadId=self._upload_id,
            MultipartUpload={"Parts": self._parts},
        )
        self._upload_id = None

    def abort(self) -> None:
        """Drop the buffer and the parts sent; if the server cannot be told, ``sweep`` aborts them later."""
        self._buffer = bytearray()
        if self._upload_id is not None:
            with contextlib.suppress(VaultError):
                self._store.call("abort_multipart_upload", Key=self._key, UploadId=self._upload_id)
            self._upload_id = None


class ObjectReader(SeekableReader):
    """A seekable, read-only view of one object through ranged GETs pinned to its ETag (see the module notes)."""

    def __init__(self, store: S3BlobStore, key: str, size: int, etag: str) -> None:
        super().__init__()
        self._store, self._key, self._size, self._etag = store, key, size, etag
        self._position = 0
        self._buffer, self._buffer_start = b"", 0
        self._body: Any = None
        self._body_position = self._body_end = 0
        self._last_end = -1  # where the previous range ended: a read from there is sequential
        self._window = MIN_WINDOW

    def readinto(self, buffer: bytearray | memoryview) -> int:  # type: ignore[override]
        if self._position >= self._size or not len(buffer):
            return 0
        offset = self._position - self._buffer_start
        if not 0 <= offset < len(self._buffer):
            self._fill()
            offset = 0
        count = min(len(buffer), len(self._buffer) - offset)
        buffer[:count] = self._buffer[offset : offset + count]
        self._position += count
        return count

    def _fill(self) -> None:
        """Load the next piece starting at the current position, from the open response or a new range."""
        if self._body is None or self._body_position != self._position:
            self._open_range()
        wanted = min(PIECE, self._body_end - self._body_position)
        pieces, got = [], 0
        try:
            while got < wanted:
                data = self._body.read(wanted - got)
                if not data:
                    raise VaultError(f"the object store sent {self._key} short of its length: it changed or broke")
                pieces.append(data)
                got += len(data)
        except self._store._errors as exc:
            self._drop_body()
            raise StoreUnavailable(f"reading {self._key} from the object store failed: {_describe(exc)}") from None
        self._buffer, self._buffer_start = b"".join(pieces), self._position
        self._body_position += got
        if self._body_position >= self._body_end:
            self._drop_body()

    def _open_range(self) -> None:
        self._drop_body()
        sequential = self._position == self._last_end
        self._window = min(self._window * 4, MAX_WINDOW) if sequential else MIN_WINDOW
        end = min(self._position + self._window, self._size)
        response = self._store.call(
            "get_object", Key=self._key, Range=f"bytes={self._position}-{end - 1}", IfMatch=self._etag
        )
        self._body, self._body_position, self._body_end = response["Body"], self._position, end
        self._last_end = end

    def _drop_body(self) -> None:
        if self._body is not None:
            with contextlib.suppress(Exception):  # closing a half-read response only drops its connection
                self._body.close()
            self._body = None

    def close(self) -> None:
        """Release the open response, if any."""
        self._drop_body()
        self._buffer = b""
        super().close()
