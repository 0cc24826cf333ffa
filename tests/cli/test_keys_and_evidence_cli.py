"""`vendorcheck keys status|rotate|rewrap` and `vendorcheck evidence verify|sweep` on a real instance folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from tests.helpers import run_cli
from vendorcheck import accounts, db, evidence
from vendorcheck.audit import Actor
from vendorcheck.config import load_settings
from vendorcheck.evidence import EvidenceDetails, Vault
from vendorcheck.models import AuditEvent, EvidenceKind, EvidenceVersion, Vendor


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
    vault = Vault.open(home)
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
    engine = db.make_engine(load_settings({"home": home}, environ={}).database_url)
    with db.transaction(engine) as session:
        found = list(session.scalars(select(AuditEvent.action).order_by(AuditEvent.seq)))
    engine.dispose()
    return found


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
        partial = Vault.open(home).blobs._path(version.blob_name).with_suffix(".partial")
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
