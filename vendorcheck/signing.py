"""The instance's Ed25519 signing key: signs audit checkpoints and evidence packets. Pure: no Flask.

The private key lives in the instance folder as PKCS#8 PEM (mode 0600), created once by
``vendorcheck init`` and never overwritten. A key is named by its key id: the first 16 bytes of the
SHA-256 of its raw public key, in hex, so a verifier can tell which key signed.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature, UnsupportedAlgorithm
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from vendorcheck.secretfiles import write_secret_file

SIGNING_KEY_FILE = "signing_key.pem"


class SigningKeyError(Exception):
    """The signing key is missing or unreadable; the message says what to run."""


def key_id(public_key: Ed25519PublicKey) -> str:
    """A short, stable name for a public key."""
    raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return hashlib.sha256(raw).hexdigest()[:32]


def public_pem(public_key: Ed25519PublicKey) -> bytes:
    """The public key as SubjectPublicKeyInfo PEM (what verifiers are given)."""
    return public_key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


@dataclass(frozen=True)
class Signer:
    """A private key with its id."""

    private_key: Ed25519PrivateKey

    @property
    def public_key(self) -> Ed25519PublicKey:
        """The matching public key."""
        return self.private_key.public_key()

    @property
    def key_id(self) -> str:
        """The key id of the public key."""
        return key_id(self.public_key)

    def sign(self, message: bytes) -> bytes:
        """An Ed25519 signature over ``message``."""
        return self.private_key.sign(message)


def verify(public_key: Ed25519PublicKey, signature: bytes, message: bytes) -> bool:
    """True if ``signature`` is ``public_key``'s signature over ``message``."""
    try:
        public_key.verify(signature, message)
    except InvalidSignature:
        return False
    return True


def load_public_pem(data: bytes) -> Ed25519PublicKey:
    """Read an Ed25519 public key from PEM; ValueError if it is something else."""
    try:
        key = serialization.load_pem_public_key(data)
    except UnsupportedAlgorithm:
        raise ValueError("not a key type this program reads") from None
    if not isinstance(key, Ed25519PublicKey):
        raise ValueError("not an Ed25519 public key")
    return key


def create_signing_key(home: Path) -> bool:
    """Write a new signing key into ``home``; False (and nothing written) if one exists."""
    pem = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    return write_secret_file(home / SIGNING_KEY_FILE, pem.decode("ascii").strip())


def load_signer(home: Path) -> Signer:
    """The instance's signer; SigningKeyError if the key is missing or unreadable."""
    path = home / SIGNING_KEY_FILE
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except FileNotFoundError:
        raise SigningKeyError(f"no signing key at {path}: run `vendorcheck init`") from None
    except (OSError, ValueError) as exc:
        raise SigningKeyError(f"cannot read the signing key {path} ({exc})") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise SigningKeyError(f"{path} is not an Ed25519 private key")
    return Signer(key)


def verification_keys(home: Path) -> dict[str, Ed25519PublicKey]:
    """The public keys that may have signed this instance's checkpoints (empty if there is no key yet)."""
    try:
        signer = load_signer(home)
    except SigningKeyError:
        return {}
    return {signer.key_id: signer.public_key}
