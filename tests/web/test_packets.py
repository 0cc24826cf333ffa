"""The auditor's Export button: a streamed, signed packet that verifies; the export is audited; others are refused."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.helpers import Auth, World, csrf_token
from vendorcheck import audit, db, evidence, signing
from vendorcheck.audit import Actor
from vendorcheck.models import ActorKind, AuditEvent, AuditHead, EvidenceKind, EvidenceVersion, Role, Vendor, utcnow
from vendorcheck.packets.verify import verify as verify_packet
from vendorcheck.web import database

DOCUMENT = b"%PDF-1.7\n" + b"SOC 2 Type II report body\n" * 4000 + b"%%EOF\n"


@pytest.fixture
def home(app: Flask) -> Path:
    """The instance folder, with the signing key `vendorcheck init` would have made."""
    path = app.config["VENDORCHECK_SETTINGS"].home
    signing.create_signing_key(path)
    return path


@pytest.fixture
def vendor(app: Flask, dbs: Session, world: World) -> Vendor:
    """A vendor with one SOC 2 report in the vault."""
    found = Vendor(org_id=world.org.id, name="MedBill Partners")
    dbs.add(found)
    dbs.commit()
    evidence.store_bytes(
        lambda: db.transaction(database.engine(app)),
        app.extensions["vendorcheck.vault"],
        Actor.cli(),
        found.id,
        world.org.id,
        "soc2 report.pdf",
        iter([DOCUMENT[:50_000], DOCUMENT[50_000:]]),
        details=evidence.EvidenceDetails(EvidenceKind.SOC2_REPORT, "SOC 2 Type II 2026", ["soc2_report"]),
    )
    return found


def export(client: FlaskClient, vendor: Vendor):
    token = csrf_token(client, f"/vendors/{vendor.id}")
    return client.post(f"/vendors/{vendor.id}/packet", data={"csrf_token": token})


def test_an_auditor_exports_a_packet_that_verifies(
    client: FlaskClient, auth: Auth, world: World, vendor: Vendor, home: Path, dbs: Session
) -> None:
    auth.login_as(world.users[Role.AUDITOR])
    page = client.get(f"/vendors/{vendor.id}").get_data(as_text=True)
    assert "Export evidence packet" in page
    response = export(client, vendor)
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert response.is_streamed and "Content-Length" not in response.headers  # the download starts at once
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="vendorcheck-packet-medbill-partners-')
    data = response.get_data()
    report = verify_packet(io.BytesIO(data), signing.verification_keys(home))
    assert report.ok, report.problems
    assert report.evidence == 1 and report.predicate["exported_by"] == world.users[Role.AUDITOR].email
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        [document] = [n for n in archive.namelist() if n.endswith("soc2 report.pdf")]
        assert archive.read(document) == DOCUMENT
    dbs.rollback()  # a fresh snapshot: the app wrote in its own transactions
    event = dbs.scalars(select(AuditEvent).where(AuditEvent.action == "packet.exported")).one()
    assert event.vendor_id == vendor.id and event.actor_user_id == world.users[Role.AUDITOR].id
    assert event.source_ip is not None
    checkpoint = audit.latest_checkpoint(dbs, world.org.id)
    assert checkpoint is not None and checkpoint.reason == "packet export" and checkpoint.tree_size == event.seq
    assert audit.verify(dbs, signing.verification_keys(home)).ok


def test_a_packet_proves_its_events_against_its_organizations_checkpoint_only(
    client: FlaskClient, auth: Auth, world: World, vendor: Vendor, home: Path, dbs: Session
) -> None:
    """Finding 13: the checkpoint in a packet covers the organization's entries, not every tenant's."""
    for n in range(5):  # another tenant busy meanwhile
        audit.record(dbs, "vendor.note", Actor.cli(), org_id=world.other_org.id, details={"n": n})
    dbs.commit()
    auth.login_as(world.users[Role.AUDITOR])
    data = export(client, vendor).get_data()
    report = verify_packet(io.BytesIO(data), signing.verification_keys(home))
    assert report.ok, report.problems
    dbs.rollback()
    ours = dbs.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.org_id == world.org.id))
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        [name] = [n for n in archive.namelist() if n.endswith("data/audit/checkpoint.json")]
        checkpoint = json.loads(archive.read(name))
        events = json.loads(archive.read(name.replace("checkpoint.json", "events.json")))["events"]
    assert checkpoint["format"] == "vendorcheck-audit-checkpoint/v2" and checkpoint["chain"] == world.org.id
    assert checkpoint["tree_size"] == ours == report.predicate["audit_checkpoint"]["tree_size"]
    assert {e["entry"]["org_id"] for e in events} == {world.org.id} == {e["entry"]["chain"] for e in events}
    assert events[-1]["entry"]["seq"] == ours  # the export, numbered in the organization's chain


@pytest.mark.parametrize("role", [Role.VIEWER, Role.ASSESSOR])
def test_roles_without_the_capability_see_no_button_and_are_refused(
    client: FlaskClient, auth: Auth, world: World, vendor: Vendor, home: Path, role: Role
) -> None:
    auth.login_as(world.users[role])
    assert "Export evidence packet" not in client.get(f"/vendors/{vendor.id}").get_data(as_text=True)
    assert export(client, vendor).status_code == 403


def test_another_organizations_vendor_is_not_found(
    client: FlaskClient, auth: Auth, world: World, vendor: Vendor, home: Path
) -> None:
    auth.login_as(world.other_users[Role.AUDITOR])
    token = csrf_token(client, "/")
    assert client.post(f"/vendors/{vendor.id}/packet", data={"csrf_token": token}).status_code == 404


def test_without_a_token_or_a_signing_key_nothing_is_exported(
    app: Flask, client: FlaskClient, auth: Auth, world: World, vendor: Vendor, dbs: Session
) -> None:
    auth.login_as(world.users[Role.AUDITOR])
    assert client.post(f"/vendors/{vendor.id}/packet").status_code in (302, 400)
    response = export(client, vendor)  # no signing key in this instance
    assert response.status_code == 302
    assert "no signing key" in client.get(response.headers["Location"]).get_data(as_text=True)
    assert dbs.scalars(select(AuditEvent).where(AuditEvent.action == "packet.exported")).first() is None


def test_a_document_that_fails_to_decrypt_cuts_the_stream_and_is_recorded(
    app: Flask, client: FlaskClient, auth: Auth, world: World, vendor: Vendor, home: Path, dbs: Session
) -> None:
    version = dbs.scalars(select(EvidenceVersion)).one()
    blob = next(p for p in (home / "evidence").rglob("*") if p.is_file() and p.name == version.blob_name)
    raw = bytearray(blob.read_bytes())
    raw[-20] ^= 1
    blob.write_bytes(bytes(raw))
    auth.login_as(world.users[Role.AUDITOR])
    response = export(client, vendor)
    assert response.status_code == 200  # headers went out before the document was reached
    with pytest.raises(Exception, match=r"failed authentication"):
        response.get_data()
    dbs.rollback()  # a fresh snapshot: the app wrote in its own transactions
    failure = dbs.scalars(select(AuditEvent).where(AuditEvent.action == "packet.export_failed")).one()
    assert failure.vendor_id == vendor.id and failure.actor_user_id == world.users[Role.AUDITOR].id


def test_the_audit_page_offers_the_public_key_that_verify_pins(
    client: FlaskClient, auth: Auth, world: World, vendor: Vendor, home: Path
) -> None:
    auth.login_as(world.users[Role.AUDITOR])
    signer = signing.load_signer(home)
    assert f"signed with key <code>{signer.key_id}</code>" in client.get("/audit/").get_data(as_text=True)
    response = client.get("/audit/signing-key.pem")
    assert response.status_code == 200 and signer.key_id in response.headers["Content-Disposition"]
    assert signing.key_id(signing.load_public_pem(response.get_data())) == signer.key_id
    auth.logout()
    auth.login_as(world.users[Role.VIEWER])
    assert client.get("/audit/signing-key.pem").status_code == 403


def _legacy_history(dbs: Session, world: World, vendor: Vendor) -> list[AuditEvent]:
    """What migration 0008 leaves of an instance's earlier single chain: v1 entries in the legacy chain, unsigned
    past their last checkpoint (here: none), both tenants' interleaved."""
    previous, events = audit.GENESIS_HASH, []
    owners = [world.org.id, world.other_org.id, world.org.id, world.other_org.id]
    for seq, org_id in enumerate(owners, start=1):
        event = AuditEvent(
            chain=audit.LEGACY_CHAIN,
            seq=seq,
            prev_hash=previous,
            occurred_at=utcnow(),
            org_id=org_id,
            vendor_id=vendor.id if org_id == world.org.id else None,
            actor_kind=ActorKind.CLI,
            actor_label="before",
            action="vendor.note",
            details={"seq": seq},
        )
        event.entry_hash = previous = audit.event_hash(event)
        events.append(event)
    dbs.add_all(events)
    dbs.add(AuditHead(chain=audit.LEGACY_CHAIN, seq=len(owners), last_hash=previous))
    dbs.commit()
    return events


def test_a_vendors_history_from_before_per_organization_chains_is_proven_against_the_legacy_checkpoint(
    client: FlaskClient, auth: Auth, world: World, vendor: Vendor, home: Path, dbs: Session
) -> None:
    legacy = _legacy_history(dbs, world, vendor)
    auth.login_as(world.users[Role.AUDITOR])
    data = export(client, vendor).get_data()
    report = verify_packet(io.BytesIO(data), signing.verification_keys(home))
    assert report.ok, report.problems
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        [name] = [n for n in archive.namelist() if n.endswith("data/audit/legacy-checkpoint.json")]
        checkpoint = json.loads(archive.read(name))
        events = json.loads(archive.read(name.replace("legacy-checkpoint.json", "events.json")))["events"]
    assert checkpoint["format"] == "vendorcheck-audit-checkpoint/v1" and checkpoint["tree_size"] == len(legacy)
    old = [e["entry"] for e in events if "chain" not in e["entry"]]
    assert [e["seq"] for e in old] == [1, 3] and {e["org_id"] for e in old} == {world.org.id}
    assert [e["checkpoint"] for e in events[:2]] == ["legacy-checkpoint.json"] * 2
    assert events[-1]["entry"]["chain"] == world.org.id and events[-1]["checkpoint"] == "checkpoint.json"
    # The legacy chain was signed once, to its end (v1), and the instance's trail verifies.
    dbs.rollback()
    assert audit.latest_checkpoint(dbs, audit.LEGACY_CHAIN).tree_size == len(legacy)
    assert audit.verify(dbs, signing.verification_keys(home)).ok
    page = client.get("/audit/").text
    assert "earlier shared chain, which verifies intact" in page
    numbers = re.findall(r"<tr>\s*<td>(\d*)</td>", page)  # legacy entries last, without their global numbers
    ours = dbs.scalar(select(func.count()).select_from(AuditEvent).where(AuditEvent.chain == world.org.id))
    assert numbers == [str(n) for n in range(ours, 0, -1)] + ["", ""]
    rows = list(csv.DictReader(io.StringIO(client.get("/audit/export.csv").text)))
    assert [r["seq"] for r in rows[-2:]] == ["", ""] and rows[-1]["entry_hash"] == legacy[0].entry_hash
