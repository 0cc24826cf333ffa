"""Password hashing and the rules for new passwords."""

import subprocess
import sys

import pytest
from argon2 import PasswordHasher

from vendorcheck.accounts import passwords
from vendorcheck.accounts.passwords import generate_password, hash_password, password_problem, verify_password


def test_a_hash_verifies_its_password_only() -> None:
    hashed = hash_password("a long enough passphrase")
    assert hashed.startswith("$argon2id$")
    assert verify_password(hashed, "a long enough passphrase")
    assert not verify_password(hashed, "a long enough passphrasE")


def test_verify_without_a_hash_is_false() -> None:
    assert not verify_password(None, "anything at all here")
    assert not verify_password("not-a-hash", "anything at all here")


def test_importing_the_module_hashes_nothing() -> None:
    code = (
        "import argon2\n"
        "def refuse(*args, **kwargs): raise SystemExit('a password was hashed at import')\n"
        "argon2.PasswordHasher.hash = refuse\n"
        "import vendorcheck.accounts.passwords, vendorcheck.accounts, vendorcheck.app\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr


def test_an_unknown_account_costs_what_the_hasher_in_force_costs(monkeypatch: pytest.MonkeyPatch) -> None:
    for hasher in (PasswordHasher(time_cost=1, memory_cost=1024), PasswordHasher(time_cost=2, memory_cost=2048)):
        monkeypatch.setattr(passwords, "_hasher", hasher)
        assert not verify_password(None, "anything at all here")
        assert not hasher.check_needs_rehash(passwords.dummy_hash())  # made with these very parameters


def test_short_passwords_are_refused_with_advice() -> None:
    assert "at least 12 characters" in (password_problem("short") or "")
    assert password_problem("twelve chars") is None


def test_generated_passwords_are_usable_and_differ() -> None:
    first, second = generate_password(), generate_password()
    assert first != second
    assert password_problem(first) is None
