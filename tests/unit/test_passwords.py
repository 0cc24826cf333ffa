"""Password hashing and the rules for new passwords."""

from vendorcheck.passwords import generate_password, hash_password, password_problem, verify_password


def test_a_hash_verifies_its_password_only() -> None:
    hashed = hash_password("a long enough passphrase")
    assert hashed.startswith("$argon2id$")
    assert verify_password(hashed, "a long enough passphrase")
    assert not verify_password(hashed, "a long enough passphrasE")


def test_verify_without_a_hash_is_false() -> None:
    assert not verify_password(None, "anything at all here")
    assert not verify_password("not-a-hash", "anything at all here")


def test_short_passwords_are_refused_with_advice() -> None:
    assert "at least 12 characters" in (password_problem("short") or "")
    assert password_problem("twelve chars") is None


def test_generated_passwords_are_usable_and_differ() -> None:
    first, second = generate_password(), generate_password()
    assert first != second
    assert password_problem(first) is None
