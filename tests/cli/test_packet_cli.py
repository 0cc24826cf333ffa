"""Evidence packets from the demo instance: export, verify (ours and the Library of Congress `bagit`), tampering."""

from __future__ import annotations

import base64
import hashlib
import io
import json
import sqlite3
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path

import bagit
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from tests.helpers import copy_home, run_cli
from vendorcheck import signing
from vendorcheck.packets import format as packet
from vendorcheck.packets.verify import verify as verify_packet

VENDOR = "ClearPath Medical Billing"


@pytest.fixture(scope="module")
def demo(demo_home_template: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, bytes]:
    """A demo instance and one packet exported from it (ClearPath: three documents, a submitted assessment)."""
    home = copy_home(demo_home_template, tmp_path_factory.mktemp("demo") / "demo")
    out = home / "clearpath.zip"
    result = run_cli(home, "packet", "export", VENDOR, "--out", str(out))
    assert result.exit_code == 0, result.output
    return home, out.read_bytes()


@pytest.fixture
def keys(demo: tuple[Path, bytes]) -> dict:
    return signing.verification_keys(demo[0])


def rewrite(data: bytes, change: Callable[[str, bytes], bytes | None], add: dict[str, bytes] | None = None) -> bytes:
    """A copy of the ZIP with each member passed through ``change`` (None drops it) and ``add`` appended."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for info in source.infolist():
            content = change(info.filename, source.read(info))
            if content is not None:
                target.writestr(info.filename, content)
        for name, content in (add or {}).items():
            target.writestr(name, content)
    return out.getvalue()


def damage(data: bytes, name: str, how: str) -> bytes:
    """A copy of the ZIP whose entry ``name`` no longer reads: a flipped byte (the CRC fails), a corrupt
    deflate stream, or an unknown compression method. The entry is stored uncompressed first, to edit in place."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            kind = zipfile.ZIP_STORED if info.filename == name else zipfile.ZIP_DEFLATED
            target.writestr(info.filename, source.read(info), compress_type=kind)
    raw = bytearray(out.getvalue())
    with zipfile.ZipFile(io.BytesIO(bytes(raw))) as archive:
        local = archive.getinfo(name).header_offset
    name_length, extra_length = struct.unpack_from("<HH", raw, local + 26)
    start = local + 30 + name_length + extra_length
    if how == "checksum":
        raw[start] ^= 0xFF
        return bytes(raw)
    method = {"deflate": zipfile.ZIP_DEFLATED, "method": 99}[how]
    if how == "deflate":
        raw[start] = 0x07  # a final block of type 3, which deflate does not have
    central = raw.index(b"PK\x01\x02")  # the central directory: find the entry's own record
    while raw[central + 46 : central + 46 + len(name.encode())] != name.encode():
        central = raw.index(b"PK\x01\x02", central + 4)
    struct.pack_into("<H", raw, local + 8, method)
    struct.pack_into("<H", raw, central + 10, method)
    return bytes(raw)


def names(data: bytes) -> list[str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return archive.namelist()


def member(data: bytes, suffix: str) -> str:
    return next(n for n in names(data) if n.endswith(suffix))


def test_an_exported_packet_verifies_and_holds_what_the_auditor_needs(demo, keys, tmp_path: Path) -> None:
    home, data = demo
    report = verify_packet(io.BytesIO(data), keys)
    assert report.ok, report.problems
    assert report.evidence == 4 and report.events > 10 and report.notes == []
    assert report.predicate["vendor"]["name"] == VENDOR and report.predicate["format"] == "vendorcheck-packet/2"
    listed = names(data)
    bag = listed[0].split("/")[0]
    assert f"{bag}.dsse.json" in listed
    for part in (
        "bagit.txt",
        "bag-info.txt",
        "manifest-sha256.txt",
        "tagmanifest-sha256.txt",
        "data/report.html",
        "data/score/score.json",
        "data/answers/assessment-1.json",
        "data/evidence/index.json",
        "data/audit/events.json",
        "data/audit/checkpoint.json",
        "data/keys/organization-signing-key.pem",
    ):
        assert f"{bag}/{part}" in listed, part
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        # The documents are decrypted, with the hash recorded at upload (verify checks that against the audit log).
        index = json.loads(archive.read(f"{bag}/data/evidence/index.json"))["files"]
        assert len(index) == 4 and all(f["upload_event"] is not None for f in index)
        for item in index:
            content = archive.read(f"{bag}/data/{item['path']}")
            assert content.startswith(b"%PDF") and hashlib.sha256(content).hexdigest() == item["sha256"]
        events = json.loads(archive.read(f"{bag}/data/audit/events.json"))["events"]
        assert events[-1]["entry"]["action"] == "packet.exported"
        report_html = archive.read(f"{bag}/data/report.html").decode()
        assert "Risk rating" in report_html and VENDOR in report_html and "<script" not in report_html
        uploads = sum(e["entry"]["action"] == "evidence.uploaded" for e in events)
        assert f"{len(events)} events from " in report_html and f"evidence.uploaded &times; {uploads}," in report_html
        score = json.loads(archive.read(f"{bag}/data/score/score.json"))
        assert score["rating"] == "Moderate" and score["format"] == "vendorcheck-score/1"
        archive.extractall(tmp_path)
    # The Library of Congress validator accepts the bag as it is unzipped.
    bagit.Bag(str(tmp_path / bag)).validate()
    # And the CLI agrees; the instance's audit trail still verifies after the export's checkpoint.
    path = tmp_path / "p.zip"
    path.write_bytes(data)
    checked = run_cli(home, "packet", "verify", str(path))
    assert checked.exit_code == 0 and "Packet intact" in checked.output and "4 evidence file(s)" in checked.output
    assert run_cli(home, "audit", "verify").exit_code == 0


def test_a_modified_file_is_named(demo, keys) -> None:
    _, data = demo
    target = member(data, "ClearPath SOC 2 Type II 2026.pdf")
    tampered = rewrite(data, lambda n, b: b + b"%%EOF appended" if n == target else b)
    report = verify_packet(io.BytesIO(tampered), keys)
    assert f"changed: {target} does not match the SHA-256 in the signed statement" in report.problems
    assert any("is not the file whose upload the audit log recorded" in p for p in report.problems)


@pytest.mark.parametrize("how", ["checksum", "deflate", "method"])
def test_a_damaged_zip_entry_is_named(demo, keys, how: str) -> None:
    _, data = demo
    target = member(data, "ClearPath SOC 2 Type II 2026.pdf")
    report = verify_packet(io.BytesIO(damage(data, target, how)), keys)
    assert f"changed: {target} is damaged (its ZIP entry cannot be read)" in report.problems
    envelope = member(data, packet.ENVELOPE_SUFFIX)
    report = verify_packet(io.BytesIO(damage(data, envelope, how)), keys)
    assert report.problems == [f"{envelope} is damaged: its ZIP entry cannot be read"]


@pytest.mark.parametrize(
    ("suffix", "content"),
    [("data/audit/events.json", b'{"events": 5}'), ("data/evidence/index.json", b'{"files": [5]}')],
)
def test_json_of_another_shape_is_a_finding_not_a_crash(demo, keys, suffix: str, content: bytes) -> None:
    _, data = demo
    report = verify_packet(io.BytesIO(rewrite(data, lambda n, b: content if n.endswith(suffix) else b)), keys)
    assert report.problems[-1].startswith("the packet is malformed and could not be checked further")


def test_a_removed_file_is_named(demo, keys) -> None:
    _, data = demo
    target = member(data, "BAA signed.pdf")
    report = verify_packet(io.BytesIO(rewrite(data, lambda n, b: None if n == target else b)), keys)
    assert f"missing: {target} is listed in the signed statement but not in the packet" in report.problems


def test_an_added_file_is_named(demo, keys) -> None:
    _, data = demo
    bag = names(data)[0].split("/")[0]
    extra = f"{bag}/data/evidence/9/v1-backdated-soc2.pdf"
    report = verify_packet(io.BytesIO(rewrite(data, lambda n, b: b, {extra: b"%PDF-1.4 forged"})), keys)
    assert f"added: {extra} is not listed in the signed statement" in report.problems
    assert not any("manifest" in p for p in report.problems)  # named once, against the signed statement
    assert any(p.startswith("bag-info.txt's Payload-Oxum does not match") for p in report.problems)


def test_an_edited_audit_event_is_named(demo, keys) -> None:
    _, data = demo
    target = member(data, "data/audit/events.json")

    def edit(name: str, content: bytes) -> bytes:
        if name != target:
            return content
        document = json.loads(content)
        document["events"][0]["entry"]["actor_label"] = "someone else"
        return json.dumps(document).encode()

    report = verify_packet(io.BytesIO(rewrite(data, edit)), keys)
    assert f"changed: {target} does not match the SHA-256 in the signed statement" in report.problems
    seq = json.loads(zipfile.ZipFile(io.BytesIO(data)).read(target))["events"][0]["entry"]["seq"]
    assert any(
        p.startswith(f"audit event {seq} (") and p.endswith("was edited: its content no longer matches its hash")
        for p in report.problems
    )


def _resigned(
    data: bytes, key: Ed25519PrivateKey, edit: Callable[[dict], None] = lambda s: None, keyid: str | None = None
) -> bytes:
    """The packet with its statement (optionally edited) signed by ``key``, claiming ``keyid``."""
    envelope_name = member(data, packet.ENVELOPE_SUFFIX)
    envelope = json.loads(zipfile.ZipFile(io.BytesIO(data)).read(envelope_name))
    statement = json.loads(base64.b64decode(envelope["payload"]))
    edit(statement)
    forged = packet.envelope(statement, signing.Signer(key))
    if keyid is not None:
        forged["signatures"][0]["keyid"] = keyid
    return rewrite(data, lambda n, b: json.dumps(forged).encode() if n == envelope_name else b)


def test_a_signature_from_another_key_is_refused(demo, keys) -> None:
    _, data = demo
    other = Ed25519PrivateKey.generate()
    unknown = verify_packet(io.BytesIO(_resigned(data, other)), keys)
    assert len(unknown.problems) == 1 and unknown.problems[0].startswith(
        f"signed by an unknown key {signing.Signer(other).key_id}"
    )
    (org_key,) = keys
    impostor = verify_packet(io.BytesIO(_resigned(data, other, keyid=org_key)), keys)
    assert impostor.problems[0].startswith(f"bad signature: the statement was not signed by key {org_key}")


def test_a_statement_edited_after_signing_fails_the_signature(demo, keys) -> None:
    _, data = demo
    envelope_name = member(data, packet.ENVELOPE_SUFFIX)

    def edit(name: str, content: bytes) -> bytes:
        if name != envelope_name:
            return content
        envelope = json.loads(content)
        statement = json.loads(base64.b64decode(envelope["payload"]))
        statement["predicate"]["vendor"]["name"] = "Someone Else"
        envelope["payload"] = base64.b64encode(json.dumps(statement).encode()).decode()
        return json.dumps(envelope).encode()

    report = verify_packet(io.BytesIO(rewrite(data, edit)), keys)
    assert report.problems[0].startswith("bad signature")


def test_without_a_pinned_key_the_packets_own_key_is_used_and_said(demo) -> None:
    _, data = demo
    report = verify_packet(io.BytesIO(data), {})
    assert report.ok and "proves nothing about who made it" in report.notes[0]


def test_the_cli_names_problems_and_refuses_bad_input(demo, tmp_path: Path) -> None:
    home, data = demo
    target = member(data, "pentest letter.pdf")
    tampered = tmp_path / "tampered.zip"
    tampered.write_bytes(rewrite(data, lambda n, b: None if n == target else b))
    result = run_cli(home, "packet", "verify", str(tampered))
    assert result.exit_code == 1 and f"missing: {target}" in result.output and "FAILED verification" in result.output

    other = tmp_path / "other.pem"
    other.write_bytes(signing.public_pem(Ed25519PrivateKey.generate().public_key()))
    good = tmp_path / "good.zip"
    good.write_bytes(data)
    pinned = run_cli(home, "packet", "verify", str(good), "--key", str(other))
    assert pinned.exit_code == 1 and "signed by an unknown key" in pinned.output
    # an auditor's machine without an instance: the packet's own key, said in a note
    elsewhere = run_cli(tmp_path / "none", "packet", "verify", str(good))
    assert elsewhere.exit_code == 0 and "note: checked against the key inside the packet" in elsewhere.output
    not_a_key = tmp_path / "not-a-key.pem"
    not_a_key.write_text("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n")
    refused = run_cli(home, "packet", "verify", str(good), "--key", str(not_a_key))
    assert refused.exit_code == 2 and "is not an Ed25519 public key" in refused.output
    junk = tmp_path / "junk.zip"
    junk.write_bytes(b"not a zip")
    assert "not a readable ZIP file" in run_cli(home, "packet", "verify", str(junk)).output
    assert run_cli(home, "packet", "export", VENDOR, "--out", str(tmp_path / "p.tar")).exit_code == 2
    assert "no vendor" in run_cli(home, "packet", "export", "Nobody", "--out", str(tmp_path / "p.zip")).output


def test_an_export_that_cannot_decrypt_leaves_no_file(demo_home: Path, tmp_path: Path) -> None:
    home = demo_home
    for blob in (home / "evidence").rglob("*"):
        if blob.is_file():
            raw = bytearray(blob.read_bytes())
            raw[-1] ^= 1
            blob.write_bytes(bytes(raw))
    out = tmp_path / "packet.zip"
    result = run_cli(home, "packet", "export", VENDOR, "--out", str(out))
    assert result.exit_code == 2 and "error" in result.output
    assert list(tmp_path.glob("packet.zip*")) == []


def test_an_export_that_cannot_decrypt_is_recorded_in_the_audit_trail(tmp_path: Path) -> None:
    """The command line records the failure as the web does (the export service writes it, not the caller)."""
    home = tmp_path / "demo"
    assert run_cli(home, "demo", "--no-serve").exit_code == 0
    for blob in (home / "evidence").rglob("*"):
        if blob.is_file():
            raw = bytearray(blob.read_bytes())
            raw[-1] ^= 1
            blob.write_bytes(bytes(raw))
    result = run_cli(home, "packet", "export", VENDOR, "--out", str(tmp_path / "packet.zip"))
    assert result.exit_code == 2
    with sqlite3.connect(home / "vendorcheck.db") as connection:
        query = "SELECT action, actor_kind, vendor_id FROM audit_events ORDER BY id DESC LIMIT 2"
        failed, exported = connection.execute(query).fetchall()
        vendor_id = connection.execute("SELECT id FROM vendors WHERE name = ?", (VENDOR,)).fetchone()[0]
    assert exported[0] == "packet.exported"
    assert failed == ("packet.export_failed", "cli", vendor_id)
    assert run_cli(home, "audit", "verify").exit_code == 0


@pytest.mark.parametrize(
    "content",
    [
        b"[]",
        b"not json",
        b'{"payloadType": "application/vnd.in-toto+json", "payload": "%%%", "signatures": []}',
        b'{"payloadType": "application/vnd.in-toto+json", "payload": "e30=", "signatures": ["x"]}',
        b'{"payloadType": "text/plain", "payload": "e30=", "signatures": []}',
    ],
)
def test_a_hostile_envelope_is_a_finding_not_a_crash(demo, keys, content: bytes) -> None:
    _, data = demo
    envelope_name = member(data, packet.ENVELOPE_SUFFIX)
    report = verify_packet(io.BytesIO(rewrite(data, lambda n, b: content if n == envelope_name else b)), keys)
    assert not report.ok and report.problems
