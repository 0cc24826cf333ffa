"""`vendorcheck keys status|rotate|rewrap` and `vendorcheck evidence verify|sweep` on a real instance folder, and
the services behind them (``vendorcheck.evidence.keys``), each writing its own audit events."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, select

from tests.helpers import instance_rows, run_cli
from vendorcheck import accounts, db, evidence
from vendorcheck.audit import Actor
from vendorcheck.config import ConfigError, load_settings
from vendorcheck.evidence import EvidenceDetails, Vault, keys
from vendorcheck.evidence.keys import ACTIVE, DECRYPT_ONLY, RETIRED, RewrapProgress
from vendorcheck.models import AuditEvent, EvidenceKind, EvidenceVersion, Vendor
from vendorcheck.vault.chunked import VaultError
from vendorcheck.vault.keyring import LocalKeyRing


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """An initialized instance with one vendor and two stored documents."""
    home = tmp_path / "vc"
    assert run_cli(home, "init").exit_code == 0
    settings = load_settings({"home": home}, environ={})
    engine = db.make_engine(settings.database_url)
    with db.transaction(engine) as session:
        org, _ = accounts.get_or_create_organization(session, "Riverside Family Medicine")
        vendor = Vendor(org_id=org.id, name="ClaimPath Billing")
        session.add(vendor)
        session.flush()
        ids = (org.id, vendor.id)
    vault = Vault.for_home(home)
    for title in ("SOC 2 report", "BAA"):
        evidence.store_bytes(
            lambda: db.transaction(engine),
            vault,
            Actor.cli(),
            ids[1],
            ids[0],
            "doc.txt",
            iter([f"{title} text\n".encode()]),
            details=EvidenceDetails(EvidenceKind.OTHER, title),
        )
    engine.dispose()
    return home


def actions(home: Path) -> list[str]:
    return instance_rows(home, select(AuditEvent.action).order_by(AuditEvent.seq))


def test_init_creates_an_owner_only_key_ring(home: Path) -> None:
    ring = home / "keyring.json"
    assert ring.stat().st_mode & 0o777 == 0o600
    assert json.loads(ring.read_text())["active_version"] == 1


def test_rotate_rewrap_retire(home: Path) -> None:
    status = run_cli(home, "keys", "status")
    assert status.exit_code == 0 and "v1   active" in status.output and "wraps 2 file(s)" in status.output
    rotated = run_cli(home, "keys", "rotate")
    assert rotated.exit_code == 0 and "Key version 2 is now active" in rotated.output
    assert "2 file(s) are wrapped under older versions" in run_cli(home, "keys", "status").output
    rewrap = run_cli(home, "keys", "rewrap", "--batch-size", "1")
    assert rewrap.exit_code == 0, rewrap.output
    assert "Re-wrapped 1/2" in rewrap.output and "Re-wrapped 2/2" in rewrap.output
    assert run_cli(home, "evidence", "verify", "--all").exit_code == 0
    retired = run_cli(home, "keys", "rewrap", "--retire")
    assert retired.exit_code == 0 and "Key versions below 2 are retired" in retired.output
    status = run_cli(home, "keys", "status").output
    assert "v1   retired" in status and "v2   active" in status and "older versions" not in status
    verified = run_cli(home, "evidence", "verify", "--all")
    assert verified.exit_code == 0 and "All 2 evidence file(s)" in verified.output
    assert [a for a in actions(home) if a.startswith("keys.")] == [
        "keys.rotated",
        "keys.rewrapped",
        "keys.rewrapped",
        "keys.retired",
    ]
    assert run_cli(home, "audit", "verify").exit_code == 0


def test_verify_names_the_tampered_file_and_writes_nothing(home: Path) -> None:
    blob = next(p for p in (home / "evidence").rglob("*") if p.is_file())
    data = bytearray(blob.read_bytes())
    data[70] ^= 1
    blob.write_bytes(bytes(data))
    before = actions(home)
    result = run_cli(home, "evidence", "verify")
    assert result.exit_code == 1
    assert "FAILED evidence" in result.output and "ClaimPath Billing" in result.output
    assert "1 of 2 evidence file(s) failed verification" in result.output
    assert actions(home) == before


def test_rotate_refuses_a_key_ring_from_the_environment(home: Path) -> None:
    result = run_cli(home, "keys", "rotate", VENDORCHECK_KEYRING=(home / "keyring.json").read_text())
    assert result.exit_code == 2
    assert result.output.startswith("vendorcheck: error: the key ring comes from VENDORCHECK_KEYRING")


def test_missing_key_ring_says_what_to_run(home: Path) -> None:
    (home / "keyring.json").unlink()
    result = run_cli(home, "evidence", "verify")
    assert result.exit_code == 2 and "run `vendorcheck init`" in result.output


def test_sweep_removes_leftovers_of_a_crashed_upload(home: Path) -> None:
    settings = load_settings({"home": home}, environ={})
    engine = db.make_engine(settings.database_url)
    with db.transaction(engine) as session:  # an upload that crashed after step 1 of 3
        vendor = session.scalars(select(Vendor)).one()
        version = evidence.start_upload(
            session, Actor.cli(), vendor, "cut.pdf", details=EvidenceDetails(EvidenceKind.BAA, "Cut off")
        )
        partial = Vault.for_home(home).blobs._path(version.blob_name).with_suffix(".partial")
    partial.parent.mkdir(parents=True, exist_ok=True)
    partial.write_bytes(b"ciphertext of half a file")
    assert "Swept 0" in run_cli(home, "evidence", "sweep").output  # too young: it may still be running
    result = run_cli(home, "evidence", "sweep", "--older-than-hours", "0")
    assert result.exit_code == 0 and "Swept 2 leftover(s)" in result.output, result.output
    assert not partial.exists()
    with db.transaction(engine) as session:
        assert len(session.scalars(select(EvidenceVersion)).all()) == 2
    engine.dispose()
    assert run_cli(home, "evidence", "verify", "--all").exit_code == 0


ACTOR = Actor.cli("tests")


@pytest.fixture
def engine(home: Path) -> Iterator[Engine]:
    """The instance's database."""
    engine = db.make_engine(load_settings({"home": home}, environ={}).database_url)
    yield engine
    engine.dispose()


def ring_file(home: Path) -> dict:
    """The key file as stored."""
    return json.loads((home / "keyring.json").read_text())


def test_rotate_rewrap_retire_each_write_their_audit_event(home: Path, engine: Engine) -> None:
    with db.transaction(engine) as session:
        status = keys.key_status(session, home)
    assert status.source == str(home / "keyring.json") and status.stale == 0
    assert [(v.version, v.state, v.files) for v in status.versions] == [(1, ACTIVE, 2)]
    with db.transaction(engine) as session:
        assert keys.rotate(session, home, None, ACTOR) == 2
    with db.transaction(engine) as session:
        status = keys.key_status(session, home)
    assert [(v.version, v.state, v.files) for v in status.versions] == [(1, DECRYPT_ONLY, 2), (2, ACTIVE, 0)]
    assert status.stale == 2 and status.versions[1].created_at

    seen: list[RewrapProgress] = []
    done = keys.rewrap(lambda: db.transaction(engine), home, None, ACTOR, batch_size=1, on_batch=seen.append)
    assert seen == [RewrapProgress(2, 1, 2), RewrapProgress(2, 2, 2)] and done == RewrapProgress(2, 2, 2)
    with db.transaction(engine) as session:
        assert keys.retire_older(session, home, None, ACTOR) == 2
        assert keys.retire_older(session, home, None, ACTOR) is None  # nothing left to retire: no event
        status = keys.key_status(session, home)
    assert [(v.version, v.state) for v in status.versions] == [(1, RETIRED), (2, ACTIVE)] and status.stale == 0
    assert ring_file(home)["min_decrypt_version"] == 2
    assert [a for a in actions(home) if a.startswith("keys.")] == [
        "keys.rotated",
        "keys.rewrapped",
        "keys.rewrapped",
        "keys.retired",
    ]
    vault = evidence.Vault.for_home(home)
    with db.transaction(engine) as session:
        results = list(evidence.verify_stored(vault, evidence.versions_to_verify(session, True)))
    assert len(results) == 2 and all(r.error is None for r in results)


def test_retiring_refuses_while_files_are_still_wrapped_under_an_older_version(
    home: Path,
    engine: Engine,
) -> None:
    """Retiring before the rewrap finished would leave those files unreadable: refused, nothing changed."""
    with db.transaction(engine) as session:
        keys.rotate(session, home, None, ACTOR)
    before = actions(home)
    refused = r"2 file\(s\) are still wrapped under key versions below 2"
    with pytest.raises(VaultError, match=refused), db.transaction(engine) as session:
        keys.retire_older(session, home, None, ACTOR)
    assert ring_file(home)["min_decrypt_version"] == 1 and actions(home) == before


def test_a_rotation_whose_key_file_cannot_be_saved_leaves_no_event(
    home: Path,
    engine: Engine,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def fail(self: LocalKeyRing) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(LocalKeyRing, "save", fail)
    before = actions(home)
    with pytest.raises(OSError), db.transaction(engine) as session:
        keys.rotate(session, home, None, ACTOR)
    assert actions(home) == before and ring_file(home)["active_version"] == 1


def test_a_key_ring_from_the_environment_is_rewrapped_to_but_not_changed(
    home: Path,
    engine: Engine,
) -> None:
    from_env = (home / "keyring.json").read_text()
    with db.transaction(engine) as session:
        keys.rotate(session, home, None, ACTOR)
        status = keys.key_status(session, home, from_env)
    assert status.source == "VENDORCHECK_KEYRING" and status.active_version == 1
    refused = "the key ring comes from VENDORCHECK_KEYRING"
    with pytest.raises(ConfigError, match=refused), db.transaction(engine) as session:
        keys.rotate(session, home, from_env, ACTOR)
    rotated = ring_file(home)
    done = keys.rewrap(lambda: db.transaction(engine), home, json.dumps(rotated), ACTOR)
    assert done == RewrapProgress(2, 2, 2)
    with pytest.raises(ConfigError, match=refused), db.transaction(engine) as session:
        keys.retire_older(session, home, json.dumps(rotated), ACTOR)
    with db.transaction(engine) as session:
        assert {v.kek_version for v in session.scalars(select(EvidenceVersion))} == {2}
    assert "keys.retired" not in actions(home)
