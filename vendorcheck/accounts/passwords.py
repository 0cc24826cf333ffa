"""Password hashing (argon2id) and the rules a new password must meet."""

from __future__ import annotations

import re
import secrets
from functools import cache
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

MIN_LENGTH = 12
MAX_LENGTH = 256
_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
# The hash verified when the account does not exist (so timing does not reveal it) and the hasher that made
# it: made on first use, not at import, where a full-cost hash would slow every process start.
_dummy: tuple[PasswordHasher, str] | None = None


def hash_password(password: str) -> str:
    """An argon2id hash of ``password``."""
    return _hasher.hash(password)


def dummy_hash() -> str:
    """A valid hash of a random secret, made by the hasher in force, for verifying when there is no account.

    Made again if the hasher was replaced since, so an unknown account costs what a real one costs.
    """
    global _dummy
    if _dummy is None or _dummy[0] is not _hasher:
        _dummy = (_hasher, _hasher.hash(secrets.token_urlsafe(16)))
    return _dummy[1]


def verify_password(password_hash: str | None, password: str) -> bool:
    """True if ``password`` matches; spends the same effort when there is no hash."""
    try:
        return _hasher.verify(password_hash or dummy_hash(), password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the hash was made with weaker parameters than today's."""
    return _hasher.check_needs_rehash(password_hash)


COMMON_PASSWORDS_FILE = Path(__file__).parent.parent / "data" / "common-passwords.txt"
# The product's own name and the obvious words of its users' trade make weak passwords here.
CONTEXT_WORDS = ("vendorcheck", "password", "passw0rd", "hipaa", "qwerty")


@cache
def common_passwords() -> frozenset[str]:
    """The bundled list of the most common passwords, lower-cased."""
    lines = COMMON_PASSWORDS_FILE.read_text(encoding="utf-8").splitlines()
    return frozenset(line for line in lines if line and not line.startswith("#"))


def password_problem(password: str, *, personal: tuple[str, ...] = ()) -> str | None:
    """Why ``password`` cannot be used, in plain words, or None if it can (NIST SP 800-63B rules).

    Length and a blocklist, no composition rules: the list catches common passwords and the
    common ones dressed up with digits or symbols at the ends ("Password2024!"); ``personal`` holds
    words of the user's own (email, name) that must not carry the password.
    """
    if len(password) < MIN_LENGTH:
        return f"Use at least {MIN_LENGTH} characters; a few unrelated words make a strong password."
    if len(password) > MAX_LENGTH:
        return f"Use at most {MAX_LENGTH} characters."
    lowered = password.lower()
    core = re.sub(r"^[\W\d_]+|[\W\d_]+$", "", lowered)
    common = common_passwords()
    if lowered in common or core in common or len(set(lowered)) < 4:
        return "That password is too common or too easy to guess; choose something less predictable."
    squeezed = re.sub(r"[\W_]+", "", lowered)
    personal_words = (re.sub(r"[\W_]+", "", p.lower()) for p in personal)
    for word in (*CONTEXT_WORDS, *(w for w in personal_words if len(w) >= 4)):
        if word in squeezed and len(squeezed.replace(word, "")) < 8:
            return "That password is built on a word that is easy to guess here; choose something else."
    return None


def generate_password() -> str:
    """A random one-time password to print once (about 120 bits)."""
    return secrets.token_urlsafe(15)
