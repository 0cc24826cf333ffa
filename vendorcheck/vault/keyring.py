"""Key-encryption keys (KEKs): a versioned key ring that wraps each evidence file's data key.

The local ring is a JSON file in the instance folder (mode 0600), or the same JSON in
VENDORCHECK_KEYRING. Rotation adds a new active version; old versions keep unwrapping until retired by
raising ``min_decrypt_version``. Wrapping binds the data key to its evidence context (as AES-GCM
associated data), so a wrapped key copied to another evidence row does not unwrap. ``KeyProvider`` is the
interface a KMS or Vault Transit provider would implement instead.
"""

from __future__ import annotations

import base64
import json
import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from vendorcheck.config import KEYRING_FILE
from vendorcheck.secretfiles import replace_secret_file, write_secret_file
from vendorcheck.vault.chunked import KEY_SIZE, NONCE_SIZE, VaultError

WRAP_LABEL = b"vendorcheck-dek-wrap-v1"


class KeyProvider(Protocol):
    """Wraps and unwraps data keys; the vault needs nothing else from key management."""

    def wrap(self, dek: bytes, context: bytes) -> tuple[int, bytes]:
        """(KEK version, wrapped data key) under the active KEK."""

    def unwrap(self, kek_version: int, wrapped: bytes, context: bytes) -> bytes:
        """The data key, or VaultError if the version is retired or unknown or the wrap was tampered with."""


@dataclass
class KeyRing:
    """Versioned KEKs: which is active, which may still decrypt."""

    keys: dict[int, bytes]
    created_at: dict[int, str] = field(default_factory=dict)
    active_version: int = 1
    min_decrypt_version: int = 1

    @classmethod
    def new(cls) -> KeyRing:
        """A ring with one fresh key."""
        return cls(keys={1: os.urandom(KEY_SIZE)}, created_at={1: datetime.now(UTC).isoformat()})

    @classmethod
    def from_json(cls, text: str, source: str) -> KeyRing:
        """Parse the ring's JSON; VaultError naming ``source`` if it is malformed."""
        try:
            data = json.loads(text)
            keys = {int(v): base64.b64decode(k["key"], validate=True) for v, k in data["keys"].items()}
            created = {int(v): str(k.get("created_at", "")) for v, k in data["keys"].items()}
            ring = cls(keys, created, int(data["active_version"]), int(data["min_decrypt_version"]))
        except (ValueError, KeyError, TypeError, AttributeError) as exc:
            raise VaultError(f"{source} is not a valid key ring ({exc})") from None
        if any(len(k) != KEY_SIZE for k in ring.keys.values()) or ring.active_version not in ring.keys:
            raise VaultError(f"{source} is not a valid key ring (bad key size or missing active key)")
        return ring

    def to_json(self) -> str:
        """The ring as JSON (secret: keep it 0600)."""
        return json.dumps(
            {
                "format": 1,
                "active_version": self.active_version,
                "min_decrypt_version": self.min_decrypt_version,
                "keys": {
                    str(v): {"key": base64.b64encode(k).decode(), "created_at": self.created_at.get(v, "")}
                    for v, k in sorted(self.keys.items())
                },
            },
            indent=2,
        )

    def wrap(self, dek: bytes, context: bytes) -> tuple[int, bytes]:
        """Wrap ``dek`` under the active KEK: nonce || AES-256-GCM(dek, aad=label || context)."""
        nonce = os.urandom(NONCE_SIZE)
        sealed = AESGCM(self.keys[self.active_version]).encrypt(nonce, dek, WRAP_LABEL + context)
        return self.active_version, nonce + sealed

    def unwrap(self, kek_version: int, wrapped: bytes, context: bytes) -> bytes:
        """Unwrap a data key; refuses retired and unknown versions and anything tampered with."""
        if kek_version < self.min_decrypt_version:
            raise VaultError(f"key version {kek_version} is retired: rewrap before retiring it")
        key = self.keys.get(kek_version)
        if key is None:
            raise VaultError(f"key version {kek_version} is not in the key ring")
        try:
            return AESGCM(key).decrypt(wrapped[:NONCE_SIZE], wrapped[NONCE_SIZE:], WRAP_LABEL + context)
        except InvalidTag:
            raise VaultError(
                "the wrapped data key does not open: tampered with or moved from another evidence row"
            ) from None

    def rotate(self) -> int:
        """Add a new key and make it active; returns its version."""
        version = max(self.keys) + 1
        self.keys[version] = os.urandom(KEY_SIZE)
        self.created_at[version] = datetime.now(UTC).isoformat()
        self.active_version = version
        return version

    def retire(self, min_version: int) -> None:
        """Stop older versions from decrypting (after a complete rewrap)."""
        if min_version > self.active_version:
            raise VaultError(f"cannot retire the active key version {self.active_version}")
        self.min_decrypt_version = max(self.min_decrypt_version, min_version)

    def rewrap(self, kek_version: int, wrapped: bytes, context: bytes) -> tuple[int, bytes]:
        """Re-wrap a data key under the active KEK (the file itself is not touched)."""
        return self.wrap(self.unwrap(kek_version, wrapped, context), context)


class LocalKeyRing(KeyRing):
    """A key ring kept in a file in the instance folder."""

    path: Path

    @classmethod
    def load(cls, path: Path) -> LocalKeyRing:
        """Read the ring; VaultError saying what to run if it is missing."""
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise VaultError(f"no key ring at {path}: run `vendorcheck init`") from None
        ring = cls.from_json(text, str(path))
        local = cls(ring.keys, ring.created_at, ring.active_version, ring.min_decrypt_version)
        local.path = path
        return local

    def save(self) -> None:
        """Write the ring back atomically (0600)."""
        replace_secret_file(self.path, self.to_json())


def create_keyring(home: Path) -> bool:
    """Create ``keyring.json`` in ``home`` with one key; False (nothing written) if it exists."""
    return write_secret_file(home / KEYRING_FILE, KeyRing.new().to_json())


def load_keyring(home: Path, from_environment: str | None = None) -> KeyRing:
    """The instance's ring: from VENDORCHECK_KEYRING's JSON when given, else the file in ``home``."""
    if from_environment:
        return KeyRing.from_json(from_environment, "VENDORCHECK_KEYRING")
    return LocalKeyRing.load(home / KEYRING_FILE)


class WatchedKeyRing:
    """The key ring file, re-read whenever it changes, so a running app follows ``keys rotate``/``rewrap``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._stamp: tuple[int, int] | None = None
        self._ring: LocalKeyRing | None = None

    def current(self) -> LocalKeyRing:
        """The ring as the file holds it now."""
        try:
            info = self.path.stat()
        except FileNotFoundError:
            raise VaultError(f"no key ring at {self.path}: run `vendorcheck init`") from None
        stamp = (info.st_mtime_ns, info.st_size)
        if self._ring is None or stamp != self._stamp:
            self._ring, self._stamp = LocalKeyRing.load(self.path), stamp
        return self._ring

    def wrap(self, dek: bytes, context: bytes) -> tuple[int, bytes]:
        """Wrap under the active key of the current ring."""
        return self.current().wrap(dek, context)

    def unwrap(self, kek_version: int, wrapped: bytes, context: bytes) -> bytes:
        """Unwrap with the current ring."""
        return self.current().unwrap(kek_version, wrapped, context)


def key_provider(home: Path, from_environment: str | None = None) -> KeyProvider:
    """What the app and CLI wrap data keys with: VENDORCHECK_KEYRING's ring, or the watched file."""
    if from_environment:
        return KeyRing.from_json(from_environment, "VENDORCHECK_KEYRING")
    return WatchedKeyRing(home / KEYRING_FILE)
