"""`vendorcheck evidence migrate-store`: local folder to SeaweedFS and back, checked, resumable, audited."""

from __future__ import annotations

import secrets
from pathlib import Path

import pytest
from sqlalchemy import select

from tests import seaweed
from tests.helpers import instance_rows
from tests.helpers import run_cli as run
from vendorcheck import accounts, db, evidence
from vendorcheck.audit import Actor
from vendorcheck.config import load_settings
from vendorcheck.evidence import EvidenceDetails, Vault
from vendorcheck.evidence import migration as blobmigration
from vendorcheck.models import AuditEvent, EvidenceKind, EvidenceVersion, Vendor
from vendorcheck.vault.s3store import PART_SIZE, S3BlobStore


@pytest.fixture
def env(seaweedfs: seaweed.SeaweedFS) -> dict[str, str]:
    """The S3 settings as the command reads them, under a prefix of this test's own."""
    return seaweedfs.environ(seaweed.BUCKET, f"m-{secrets.token_hex(6)}")


@pytest.fixture
def home(tmp_path: Path) -> Path:
    """An initialized instance, two organizations, three documents in the local folder (one multipart-sized)."""
    home = tmp_path / "vc"
    assert run(home, "init").exit_code == 0
    engine = db.make_engine(load_settings({"home": home}, environ={}).database_url)
    vault = Vault.for_home(home)
    contents = [b"SOC 2 report text\n", b"BAA text\n" * (PART_SIZE // 9 + 1000), b"Policy text\n"]
    for n, content in enumerate(contents):
        with db.transaction(engine) as session:
            org, _ = accounts.get_or_create_organization(session, f"Practice {n % 2}")
            vendor = Vendor(org_id=org.id, name=f"Vendor {n}")
            session.add(vendor)
            session.flush()
            ids = (org.id, vendor.id)
        evidence.store_bytes(
            lambda: db.transaction(engine),
            vault,
            Actor.cli(),
            ids[1],
            ids[0],
            "doc.txt",
            iter([content]),
            details=EvidenceDetails(EvidenceKind.OTHER, f"Document {n}"),
            max_size=len(content) + 1,
        )
    engine.dispose()
    return home


def blob_names(home: Path) -> list[str]:
    return instance_rows(home, select(EvidenceVersion.blob_name).order_by(EvidenceVersion.id))


def migrations(home: Path) -> list[dict]:
    events = instance_rows(home, select(AuditEvent).where(AuditEvent.action == "evidence.store_migrated"))
    return [{"org_id": e.org_id, **e.details} for e in events]


def s3(env: dict[str, str]) -> S3BlobStore:
    return S3BlobStore.connect(
        env["VENDORCHECK_BLOB_STORE"],
        endpoint_url=env["VENDORCHECK_S3_ENDPOINT_URL"],
        credentials=(env["VENDORCHECK_S3_ACCESS_KEY_ID"], env["VENDORCHECK_S3_SECRET_ACCESS_KEY"]),
    )


def local_blobs(home: Path) -> list[str]:
    return sorted(p.name for p in (home / "evidence").rglob("*") if p.is_file())


def test_to_s3_and_back_every_blob_checked_and_audited(home: Path, env: dict[str, str]) -> None:
    names = blob_names(home)
    result = run(home, "evidence", "migrate-store", "--to", "s3", "--delete-source", **env)
    assert result.exit_code == 0, result.output
    assert "3 copied, 0 already there, 0 failed, of 3 blob(s)" in result.output
    assert "[3/3] copied blob" in result.output
    store = s3(env)
    assert all(store.exists(name) for name in names)
    store.close()
    assert local_blobs(home) == []  # --delete-source: the folder is empty once every copy checked out
    verified = run(home, "evidence", "verify", "--all", **env)
    assert verified.exit_code == 0 and "All 3 evidence file(s)" in verified.output, verified.output
    events = migrations(home)
    assert sorted(e["org_id"] for e in events) == [1, 2]
    assert sum(e["copied"] for e in events) == 3 and all(e["finished"] and e["to"].startswith("s3://") for e in events)

    back = run(home, "evidence", "migrate-store", "--to", "local", **env)
    assert back.exit_code == 0, back.output
    assert "3 copied, 0 already there" in back.output
    assert local_blobs(home) == sorted(names)
    assert run(home, "evidence", "verify", "--all").exit_code == 0  # now from the local folder
    assert run(home, "audit", "verify").exit_code == 0


def test_an_interrupted_run_resumes_where_it_stopped(home: Path, env: dict[str, str]) -> None:
    names = blob_names(home)
    settings = load_settings({"home": home}, environ=env)
    vault = Vault.for_settings(settings)
    source, destination = blobmigration.stores_for(settings, vault.blobs, "s3")
    engine = db.make_engine(settings.database_url)

    def stop_after_first(index: int, total: int, outcome: blobmigration.BlobOutcome) -> None:
        if index == 1:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        blobmigration.migrate_store(
            lambda: db.transaction(engine), vault.keys, source, destination, Actor.cli(), on_blob=stop_after_first
        )
    engine.dispose()
    # ...and the second blob's copy was cut off by a crash half-way: parts on the server, nothing listed.
    client = destination._client
    key = destination.prefix + names[1]
    upload_id = client.create_multipart_upload(Bucket=destination.bucket, Key=key)["UploadId"]
    client.upload_part(Bucket=destination.bucket, Key=key, UploadId=upload_id, PartNumber=1, Body=b"\0" * PART_SIZE)
    assert not destination.exists(names[1])
    assert [e["finished"] for e in migrations(home)] == [False]

    result = run(home, "evidence", "migrate-store", "--to", "s3", **env)
    assert result.exit_code == 0, result.output
    assert "2 copied, 1 already there, 0 failed" in result.output
    assert client.list_multipart_uploads(Bucket=destination.bucket, Prefix=destination.prefix).get("Uploads") is None
    destination.close()
    assert run(home, "evidence", "verify", "--all", **env).exit_code == 0
    again = run(home, "evidence", "migrate-store", "--to", "s3", **env)
    assert "0 copied, 3 already there" in again.output
    assert local_blobs(home) == sorted(names)  # without --delete-source the folder keeps its copies


def test_a_damaged_source_blob_is_reported_and_not_copied(home: Path, env: dict[str, str]) -> None:
    names = blob_names(home)
    path = home / "evidence" / names[0][:2] / names[0]
    data = bytearray(path.read_bytes())
    data[-20] ^= 1
    path.write_bytes(bytes(data))
    result = run(home, "evidence", "migrate-store", "--to", "s3", "--delete-source", **env)
    assert result.exit_code == 1
    assert f"FAILED blob {names[0]}" in result.output and "failed authentication" in result.output
    assert "2 copied, 0 already there, 1 failed" in result.output
    store = s3(env)
    assert not store.exists(names[0]) and store.exists(names[1])
    store.close()
    assert path.exists()  # a source that failed is never deleted
    assert sum(e["failed"] for e in migrations(home)) == 1


def test_without_an_s3_store_configured_it_says_what_to_set(home: Path) -> None:
    result = run(home, "evidence", "migrate-store", "--to", "s3")
    assert result.exit_code == 2
    assert "set VENDORCHECK_BLOB_STORE=s3://bucket/prefix" in result.output
