"""Encrypted blobs on the local disk, under random names, complete or absent.

A blob is written as ``<name>.partial`` and renamed only after it is fully written and fsynced, so a crash
or an error at any point leaves no blob that looks complete. ``sweep`` removes partial leftovers and blobs
that no evidence row refers to. ``BlobStore`` is the interface; ``vendorcheck.vault.s3store`` implements
it on an S3-compatible object store.
"""

from __future__ import annotations

import os
import secrets
import time
from collections.abc import Iterable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import BinaryIO, Protocol

from vendorcheck.vault.chunked import Sink, VaultError

PARTIAL = ".partial"
HEX = frozenset("0123456789abcdef")


class StoreUnavailable(VaultError):
    """The blob store could not be reached or refused the request: the blob itself may be fine."""


def new_name() -> str:
    """A random blob name: 128 bits as hex, never derived from anything the user gave."""
    return secrets.token_hex(16)


def is_blob_name(name: str) -> bool:
    """True for a name ``new_name`` could have made (32 lower-case hex digits)."""
    return len(name) == 32 and HEX.issuperset(name)


def check_name(name: str) -> str:
    """``name`` if it is a blob name; VaultError otherwise (nothing else may reach a path or an object key)."""
    if not is_blob_name(name):
        raise VaultError(f"not a blob name: {name!r}")
    return name


class BlobStore(Protocol):
    """Where sealed blobs live: written whole or not at all, read with seeking, swept of leftovers."""

    @property
    def location(self) -> str:
        """Where the blobs are, for messages (a folder, or s3://bucket/prefix)."""

    def open_new(self, name: str | None = None) -> AbstractContextManager[tuple[str, Sink]]:
        """(name, sink) for a new blob, visible under its name only once the ``with`` block succeeds."""

    def open(self, name: str) -> BinaryIO:
        """A seekable reader of a complete blob; VaultError if it is missing."""

    def exists(self, name: str) -> bool:
        """True if a complete blob of this name is stored."""

    def delete(self, name: str) -> None:
        """Remove a blob if it is there."""

    def discard_unfinished(self, name: str) -> None:
        """Remove what an interrupted write of ``name`` left; only for names no one is writing now."""

    def sweep(self, referenced: Iterable[str], older_than_seconds: float = 3600) -> list[str]:
        """Remove unfinished writes and unreferenced blobs older than the grace period; returns their names."""


class LocalBlobStore:
    """Blobs in ``root``, fanned out by the first two characters of their names."""

    def __init__(self, root: Path) -> None:
        self.root = root

    @property
    def location(self) -> str:
        """The folder."""
        return str(self.root)

    def _path(self, name: str) -> Path:
        return self.root / name[:2] / check_name(name)

    @contextmanager
    def open_new(self, name: str | None = None) -> Iterator[tuple[str, BinaryIO]]:
        """(name, file) for a new blob (``name`` from ``new_name``, or a fresh one); visible only on success."""
        name = name or new_name()
        final = self._path(name)
        final.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        partial = final.with_name(name + PARTIAL)
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        try:
            with os.fdopen(fd, "wb") as handle:
                yield name, handle
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(partial, final)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise

    def open(self, name: str) -> BinaryIO:
        """Read a blob; VaultError if it is missing."""
        try:
            return self._path(name).open("rb")
        except FileNotFoundError:
            raise VaultError(f"blob {name} is missing from {self.root}") from None

    def exists(self, name: str) -> bool:
        """True if a complete blob of this name is stored."""
        return self._path(name).is_file()

    def delete(self, name: str) -> None:
        """Remove a blob (used when the transaction that would have referred to it fails)."""
        self._path(name).unlink(missing_ok=True)

    def discard_unfinished(self, name: str) -> None:
        """Remove ``<name>.partial`` (left by a crash; ``open_new`` refuses to reuse it)."""
        path = self._path(name)
        path.with_name(name + PARTIAL).unlink(missing_ok=True)

    def sweep(self, referenced: Iterable[str], older_than_seconds: float = 3600) -> list[str]:
        """Remove partial files and unreferenced blobs older than the grace period; returns their names."""
        keep = set(referenced)
        cutoff = time.time() - older_than_seconds
        removed = []
        if not self.root.is_dir():
            return removed
        for path in self.root.glob("??/*"):
            name = path.name.removesuffix(PARTIAL)
            orphan = path.name.endswith(PARTIAL) or name not in keep
            try:
                old = path.stat().st_mtime < cutoff
            except FileNotFoundError:  # renamed by its upload, or removed by another process's sweep
                continue
            if orphan and old:
                try:
                    path.unlink()
                except FileNotFoundError:  # another sweep was quicker: it reports this one
                    continue
                removed.append(path.name)
        return sorted(removed)
