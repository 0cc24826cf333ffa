"""Evidence through the real app with VENDORCHECK_BLOB_STORE=s3://...: uploads, Office checks, downloads, verify."""

from __future__ import annotations

import io
import secrets
from datetime import timedelta
from pathlib import Path

import boto3
import openpyxl
import pytest
from botocore.config import Config
from flask import Flask
from sqlalchemy import select

from tests.conftest import World
from tests.web.test_evidence import pdf, upload
from vendorcheck import evidence
from vendorcheck.audit import Actor
from vendorcheck.models import AuditEvent, Evidence, EvidenceVersion, Role, Vendor
from vendorcheck.vault.s3store import PART_SIZE, S3BlobStore


@pytest.fixture
def vendor(dbs, world: World) -> Vendor:
    found = Vendor(org_id=world.org.id, name="MedBill Partners")
    dbs.add(found)
    dbs.commit()
    return found


@pytest.fixture
def assessor(auth, world: World):
    auth.login_as(world.users[Role.ASSESSOR])
    return auth


def store_of(app: Flask) -> S3BlobStore:
    store = app.extensions["vendorcheck.vault"].blobs
    assert isinstance(store, S3BlobStore)
    return store


def objects(store: S3BlobStore) -> dict[str, bytes]:
    """Every object under the store's prefix and its bytes."""
    client = store._client
    listed = client.list_objects_v2(Bucket=store.bucket, Prefix=store.prefix).get("Contents", [])
    return {
        item["Key"].removeprefix(store.prefix): client.get_object(Bucket=store.bucket, Key=item["Key"])["Body"].read()
        for item in listed
    }


def xlsx() -> bytes:
    """A real workbook, as a vendor's access review would come."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["user", "role", "last review"])
    for n in range(200):
        sheet.append([f"user{n}@vendor.example", "billing", "2026-10-01"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


@pytest.mark.parametrize("padding", [1024, PART_SIZE * 2], ids=["small", "multipart"])
def test_upload_lands_in_s3_as_ciphertext_and_downloads_intact(app, client, assessor, vendor, dbs, padding) -> None:
    marker = "PLAINTEXT-MARKER-" + secrets.token_hex(8)
    data = pdf(marker, padding=padding)
    response = upload(client, vendor, data)
    assert response.status_code == 302, response.get_data(as_text=True)
    version = dbs.scalars(select(EvidenceVersion)).one()
    stored = objects(store_of(app))
    assert list(stored) == [version.blob_name]
    assert marker.encode() not in stored[version.blob_name]
    download = client.get(f"/evidence/{version.evidence_id}/versions/1/download")
    assert download.status_code == 200 and download.data == data


def test_nothing_is_written_to_the_instance_folder(app, client, assessor, vendor) -> None:
    assert upload(client, vendor, pdf("local?")).status_code == 302
    assert not (Path(app.instance_path) / "evidence").exists()


def test_office_documents_are_checked_by_seeking_in_the_s3_object(app, client, assessor, vendor, dbs) -> None:
    response = upload(client, vendor, xlsx(), filename="access-review.xlsx", kind="policy")
    assert response.status_code == 302, response.get_data(as_text=True)
    version = dbs.scalars(select(EvidenceVersion)).one()
    assert version.content_type.endswith("spreadsheetml.sheet")


def test_refused_upload_leaves_nothing_in_the_bucket(app, client, assessor, vendor, dbs) -> None:
    response = upload(client, vendor, b"MZ\x90\x00" + b"\x01" * 5000, filename="invoice.exe")
    assert response.status_code == 400
    store = store_of(app)
    assert objects(store) == {}
    uploads = store._client.list_multipart_uploads(Bucket=store.bucket, Prefix=store.prefix)
    assert uploads.get("Uploads", []) == []


def test_tampered_object_is_caught_by_verify_and_the_download(app, client, assessor, vendor, dbs) -> None:
    assert upload(client, vendor, pdf("first")).status_code == 302
    assert upload(client, vendor, pdf("second"), title="BAA").status_code == 302
    first = dbs.scalars(select(EvidenceVersion).order_by(EvidenceVersion.id)).first()
    store = store_of(app)
    data = bytearray(objects(store)[first.blob_name])
    data[-40] ^= 1
    store._client.put_object(Bucket=store.bucket, Key=store.prefix + first.blob_name, Body=bytes(data))
    vault = app.extensions["vendorcheck.vault"]
    results = list(evidence.verify_stored(vault, evidence.versions_to_verify(dbs, everything=True)))
    assert [r.version_id for r in results if r.error] == [first.id]
    assert "failed authentication" in next(r.error for r in results if r.error)
    response = client.get(f"/evidence/{first.evidence_id}/versions/1/download")
    assert response.status_code == 500 and "first" not in response.get_data(as_text=True)
    dbs.rollback()
    assert "evidence.integrity_failed" in dbs.scalars(select(AuditEvent.action)).all()


def test_sweep_through_the_service_removes_unreferenced_objects(app, client, assessor, vendor, dbs) -> None:
    assert upload(client, vendor, pdf("kept")).status_code == 302
    store = store_of(app)
    with store.open_new() as (orphan, sink):
        sink.write(b"ciphertext nobody refers to")
    removed = evidence.sweep(dbs, app.extensions["vendorcheck.vault"], Actor.cli(), timedelta(0))
    dbs.commit()
    assert removed == [f"blob {orphan}"]
    assert list(objects(store)) == [dbs.scalars(select(Evidence)).one().versions[0].blob_name]


def test_an_unreachable_store_is_an_outage_not_a_tampered_file(app, client, assessor, vendor, dbs) -> None:
    assert upload(client, vendor, pdf("kept")).status_code == 302
    item = dbs.scalars(select(Evidence)).one()
    store = store_of(app)
    store._client.close()
    store._client = boto3.client(  # nothing listens on port 9 of this machine: connection refused at once
        "s3",
        endpoint_url="http://127.0.0.1:9",
        region_name="us-east-1",
        aws_access_key_id="x",
        aws_secret_access_key="y",
        config=Config(retries={"max_attempts": 1}, connect_timeout=1),
    )
    response = client.get(f"/evidence/{item.id}/versions/1/download")
    assert response.status_code == 503
    assert "cannot be reached right now" in response.get_data(as_text=True)
    dbs.rollback()
    actions = dbs.scalars(select(AuditEvent.action)).all()
    assert "evidence.integrity_failed" not in actions and "evidence.read" not in actions
