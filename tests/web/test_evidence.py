"""Evidence through the web: streamed encrypted upload, bad files refused with nothing kept, audited downloads."""

from __future__ import annotations

import io
import os
import secrets
import tempfile
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select
from sqlalchemy.orm import Session
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from tests.helpers import Auth, World, csrf_token
from vendorcheck import create_app
from vendorcheck.models import AuditEvent, Evidence, EvidenceReview, EvidenceVersion, Role, Vendor
from vendorcheck.web import database


def pdf(marker: str = "", padding: int = 0) -> bytes:
    """A small but well-formed-looking PDF carrying ``marker``."""
    body = f"%PDF-1.7\n1 0 obj << /Title ({marker}) >> endobj\n".encode() + b"%" + b"x" * padding + b"\n"
    return body + b"trailer << /Root 1 0 R >>\n%%EOF\n"


def docx(extra: dict[str, bytes] | None = None) -> bytes:
    """A minimal Office Open XML word-processing package."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        archive.writestr("word/document.xml", "<w:document>Incident response policy</w:document>")
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return out.getvalue()


def upload(client: FlaskClient, vendor: Vendor, data: bytes, filename: str = "soc2.pdf", **fields: str):
    """Post the upload form as a browser would: text fields first, the file last."""
    path = f"/vendors/{vendor.id}/evidence/new"
    form = {"csrf_token": csrf_token(client, path), "kind": "soc2_report", "title": "SOC 2 Type II report 2026"}
    form.update(fields)
    form["document"] = (io.BytesIO(data), filename)  # type: ignore[assignment]
    return post_multipart(client, path, form)


def post_multipart(client: FlaskClient, path: str, form: dict):
    """Encode the body in memory (the test client would spool big bodies to a temporary file of its own)."""
    values = {k: FileStorage(*v) if isinstance(v, tuple) else v for k, v in form.items()}
    boundary, body = encode_multipart(values)
    return client.post(path, data=body, content_type=f"multipart/form-data; boundary={boundary}")


def stored(dbs: Session) -> tuple[int, int]:
    dbs.rollback()
    return dbs.scalar(select(func.count()).select_from(Evidence)), dbs.scalar(
        select(func.count()).select_from(EvidenceVersion)
    )


def blobs(app: Flask) -> list[Path]:
    root = app.extensions["vendorcheck.vault"].blobs.root
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def files_containing(marker: bytes, roots: list[Path], since: float) -> list[Path]:
    found = []
    for root in roots:
        for dirpath, _, names in os.walk(root):
            for name in names:
                path = Path(dirpath) / name
                try:
                    info = path.stat()
                    if info.st_mtime >= since and info.st_size < 50 * 1024 * 1024 and marker in path.read_bytes():
                        found.append(path)
                except OSError:
                    continue
    return found


def test_upload_encrypts_and_no_plaintext_reaches_the_disk(app: Flask, client, assessor, vendor, dbs) -> None:
    marker = "PLAINTEXT-MARKER-" + secrets.token_hex(8)
    started = time.time() - 1
    data = pdf(marker, padding=3 * 1024 * 1024)  # bigger than any in-memory spooling threshold
    response = upload(client, vendor, data)
    assert response.status_code == 302, response.get_data(as_text=True)
    assert stored(dbs) == (1, 1)
    version = dbs.scalars(select(EvidenceVersion)).one()
    assert version.complete and version.size == len(data) and version.content_type == "application/pdf"
    assert version.display_filename == "soc2.pdf" and version.blob_name not in "soc2.pdf"
    assert version.kek_version == 1 and len(version.wrapped_dek) == 12 + 32 + 16
    [blob] = blobs(app)
    assert blob.name == version.blob_name
    roots = [app.extensions["vendorcheck.vault"].blobs.root.parent, Path(tempfile.gettempdir()), Path("/var/tmp")]
    assert files_containing(marker.encode(), roots, started) == []
    event = dbs.scalars(select(AuditEvent).where(AuditEvent.action == "evidence.uploaded")).one()
    assert event.details["sha256"] == version.plaintext_sha256 and event.vendor_id == vendor.id


def test_download_is_the_same_file_as_an_audited_attachment(client, assessor, vendor, dbs) -> None:
    data = pdf("download me")
    upload(client, vendor, data, filename="Report ünicode.pdf")
    item = dbs.scalars(select(Evidence)).one()
    response = client.get(f"/evidence/{item.id}/versions/1/download")
    assert response.status_code == 200
    assert response.data == data
    assert response.headers["Content-Type"] == "application/pdf"
    assert response.headers["Content-Disposition"].startswith("attachment;")
    assert "filename*=UTF-8''Report%20%C3%BCnicode.pdf" in response.headers["Content-Disposition"]
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response.headers["Content-Security-Policy"]
    dbs.rollback()
    reads = dbs.scalars(select(AuditEvent).where(AuditEvent.action == "evidence.read")).all()
    assert [(e.target_id, e.details["version"]) for e in reads] == [(str(item.id), 1)]


@pytest.mark.parametrize(
    ("data", "filename", "message"),
    [
        (b"", "empty.pdf", "The file is empty"),
        (b"\x00\x01\x02\x03binary junk" * 100, "report.pdf", "not accepted"),
        (b"MZ\x90\x00" + os.urandom(5000), "invoice.exe", "not accepted"),
        (b"%PDF-1.4\nno end marker", "cut.pdf", "PDF is incomplete"),
        (docx({"word/vbaProject.bin": b"macro"}), "policy.docm", "macros"),
        (b"PK\x03\x04" + os.urandom(200), "x.docx", "damaged"),
    ],
    ids=["empty", "binary", "executable", "truncated-pdf", "macro", "broken-zip"],
)
def test_bad_files_are_refused_and_nothing_is_kept(app, client, assessor, vendor, dbs, data, filename, message) -> None:
    response = upload(client, vendor, data, filename=filename, valid_until="2027-06-30")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert message in page
    assert 'value="SOC 2 Type II report 2026"' in page and 'value="2027-06-30"' in page  # what they typed stays
    assert stored(dbs) == (0, 0)
    assert blobs(app) == []
    refused = dbs.scalars(select(AuditEvent).where(AuditEvent.action == "evidence.upload_refused")).all()
    assert len(refused) == 1


def test_zip_bomb_is_refused(app, client, assessor, vendor, dbs) -> None:
    bomb = docx({"word/media/huge.bin": b"\0" * (64 * 1024 * 1024)})  # 64 MiB of zeros in ~64 KiB
    assert len(bomb) < 1024 * 1024
    response = upload(client, vendor, bomb, filename="policy.docx")
    assert response.status_code == 400 and "zip bomb" in response.get_data(as_text=True)
    assert stored(dbs) == (0, 0) and blobs(app) == []


def test_office_documents_are_opened_and_recognised(client, assessor, vendor, dbs) -> None:
    response = upload(client, vendor, docx(), filename="Incident response plan.docx", kind="policy")
    assert response.status_code == 302
    version = dbs.scalars(select(EvidenceVersion)).one()
    assert version.content_type.endswith("wordprocessingml.document")


def test_text_and_csv_by_content(client, assessor, vendor, dbs) -> None:
    assert upload(client, vendor, b"user,role\nana,admin\n", filename="access-review.csv").status_code == 302
    assert upload(client, vendor, "Näive policy text\n".encode(), filename="notes").status_code == 302
    types = sorted(dbs.scalars(select(EvidenceVersion.content_type)).all())
    assert types == ["text/csv", "text/plain"]


def test_too_large_is_refused_with_the_limit(database_url: str, tmp_path: Path, world: World, dbs: Session) -> None:
    from vendorcheck.vault.keyring import create_keyring

    home = tmp_path / "small"
    home.mkdir()
    create_keyring(home)
    app = create_app(
        {"env": "test", "home": home, "database_url": database_url, "secret_key": "s" * 40, "max_upload_mib": 1}
    )
    try:
        vendor = Vendor(org_id=world.org.id, name="Big Files Inc")
        dbs.add(vendor)
        dbs.commit()
        client = app.test_client()
        Auth(client).login_as(world.users[Role.ASSESSOR])
        response = upload(client, vendor, pdf(padding=2 * 1024 * 1024))
        assert response.status_code == 400 and "larger than the 1 MiB limit" in response.get_data(as_text=True)
        assert stored(dbs) == (0, 0) and blobs(app) == []
    finally:
        database.dispose(app)


def test_filename_is_sanitized_for_display(client, assessor, vendor, dbs) -> None:
    upload(client, vendor, pdf(), filename="../../etc/\x07evil\u202e.pdf")
    version = dbs.scalars(select(EvidenceVersion)).one()
    assert version.display_filename == "evil.pdf"


def test_missing_title_keeps_the_other_fields_and_stores_nothing(app, client, assessor, vendor, dbs) -> None:
    response = upload(client, vendor, pdf(), title="", kind="baa", valid_until="2028-01-01")
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and "Give the document a title." in page
    assert '<option selected value="baa">' in page and 'value="2028-01-01"' in page
    assert stored(dbs) == (0, 0) and blobs(app) == []


def test_questions_are_chosen_from_the_library_and_set_the_validity(app, client, assessor, vendor, dbs) -> None:
    page = client.get(f"/vendors/{vendor.id}/evidence/new").get_data(as_text=True)
    # Every scored question, not only those with an evidence slot, as checkboxes grouped by section; the filter
    # box is there for the script to show (hidden without it) and the script comes from /static (strict CSP).
    assert 'name="question_ids" value="baa_will_sign"' in page and 'name="question_ids" value="mfa_remote"' in page
    assert "<legend>HIPAA Security Rule for business associates · Encryption</legend>" in page
    assert 'class="question-filter" hidden' in page and "/static/js/question-filter.js" in page
    assert 'value="soc2_exceptions_detail"' not in page  # text: information only, nothing to prove
    # Two questions chosen, no valid-until given: the shorter validity (pen test 365 days vs BAA 1095) applies.
    path = f"/vendors/{vendor.id}/evidence/new"
    form = {"csrf_token": csrf_token(client, path), "kind": "baa", "title": "BAA + pen test", "issued_on": "2026-01-10"}
    form["question_ids"] = ["baa_will_sign", "pen_test_yearly"]  # type: ignore[assignment]
    form["document"] = (io.BytesIO(pdf()), "both.pdf")  # type: ignore[assignment]
    assert post_multipart(client, path, form).status_code == 302
    item = dbs.scalars(select(Evidence)).one()
    assert item.question_ids == ["baa_will_sign", "pen_test_yearly"] and str(item.valid_until) == "2027-01-10"
    # An id that is no question is refused by name; the other fields stay.
    response = upload(client, vendor, pdf(), question_ids="drop_table", issued_on="2026-01-10")
    assert response.status_code == 400 and "is not a valid choice" in response.get_data(as_text=True)
    assert 'value="2026-01-10"' in response.get_data(as_text=True) and stored(dbs) == (1, 1)


def test_without_csrf_token_nothing_is_stored(app, client, assessor, vendor, dbs) -> None:
    path = f"/vendors/{vendor.id}/evidence/new"
    response = post_multipart(client, path, {"kind": "baa", "title": "BAA", "document": (io.BytesIO(pdf()), "baa.pdf")})
    assert response.status_code == 400 and "The form expired" in response.get_data(as_text=True)
    assert stored(dbs) == (0, 0) and blobs(app) == []


def test_without_a_file(client, assessor, vendor, dbs) -> None:
    path = f"/vendors/{vendor.id}/evidence/new"
    form = {"csrf_token": csrf_token(client, path), "kind": "baa", "title": "BAA"}
    response = post_multipart(client, path, form)
    assert response.status_code == 400 and "Choose the document" in response.get_data(as_text=True)
    assert stored(dbs) == (0, 0)


@pytest.fixture
def uploaded(client: FlaskClient, assessor: Auth, vendor: Vendor, dbs: Session) -> Iterator[Evidence]:
    upload(client, vendor, pdf("first"))
    yield dbs.scalars(select(Evidence)).one()


def test_tampered_blob_gets_an_error_page_and_an_audit_event(app, client, uploaded, dbs) -> None:
    [blob] = blobs(app)
    data = bytearray(blob.read_bytes())
    data[-40] ^= 1
    blob.write_bytes(bytes(data))
    response = client.get(f"/evidence/{uploaded.id}/versions/1/download")
    page = response.get_data(as_text=True)
    assert response.status_code == 500
    assert "did not pass its tamper check" in page and "first" not in page
    assert response.headers["Content-Type"].startswith("text/html")
    dbs.rollback()
    actions = dbs.scalars(select(AuditEvent.action)).all()
    assert "evidence.integrity_failed" in actions and "evidence.read" not in actions


def test_new_version_supersedes_and_needs_a_new_review(client, uploaded, dbs) -> None:
    token = csrf_token(client, f"/evidence/{uploaded.id}")
    response = client.post(
        f"/evidence/{uploaded.id}/review", data={"csrf_token": token, "decision": "accept", "reason": ""}
    )
    assert response.status_code == 302
    dbs.rollback()
    assert dbs.get(Evidence, uploaded.id).review_state is EvidenceReview.ACCEPTED
    response = post_multipart(
        client,
        f"/evidence/{uploaded.id}/versions",
        {"csrf_token": token, "document": (io.BytesIO(pdf("second")), "soc2-2027.pdf")},
    )
    assert response.status_code == 302
    dbs.rollback()
    item = dbs.get(Evidence, uploaded.id)
    assert [v.version_no for v in item.versions] == [1, 2] and item.review_state is EvidenceReview.PENDING
    assert b"second" in client.get(f"/evidence/{item.id}/versions/2/download").data
    assert b"first" in client.get(f"/evidence/{item.id}/versions/1/download").data  # the old one stays
    page = client.get(f"/evidence/{item.id}").get_data(as_text=True)
    assert "soc2-2027.pdf" in page and "Current" in page


def test_bad_new_version_keeps_the_old_one(app, client, uploaded, dbs) -> None:
    token = csrf_token(client, f"/evidence/{uploaded.id}")
    response = post_multipart(
        client,
        f"/evidence/{uploaded.id}/versions",
        {"csrf_token": token, "document": (io.BytesIO(b"\x00\xff" * 100), "x.bin")},
    )
    assert response.status_code == 400 and "not accepted" in response.get_data(as_text=True)
    assert stored(dbs) == (1, 1) and len(blobs(app)) == 1


def test_rejection_needs_a_reason(client, uploaded, dbs) -> None:
    token = csrf_token(client, f"/evidence/{uploaded.id}")
    response = client.post(f"/evidence/{uploaded.id}/review", data={"csrf_token": token, "decision": "reject"})
    assert response.status_code == 400 and "Say why the document is rejected" in response.get_data(as_text=True)
    client.post(
        f"/evidence/{uploaded.id}/review",
        data={"csrf_token": token, "decision": "reject", "reason": "This is the 2023 report; send the 2026 one."},
    )
    dbs.rollback()
    item = dbs.get(Evidence, uploaded.id)
    assert item.review_state is EvidenceReview.REJECTED and "2026" in item.rejection_reason


def test_viewer_sees_the_document_but_cannot_download(client, uploaded, auth, world) -> None:
    auth.logout()
    auth.login_as(world.users[Role.VIEWER])
    page = client.get(f"/evidence/{uploaded.id}").get_data(as_text=True)
    assert "SOC 2 Type II report 2026" in page and "Download" not in page and "Upload a newer version" not in page
    assert client.get(f"/evidence/{uploaded.id}/versions/1/download").status_code == 403


def test_running_app_follows_rotation_and_downloads_work_during_rewrap(app, client, uploaded, vendor, dbs) -> None:
    from vendorcheck import evidence as service
    from vendorcheck.vault.keyring import KEYRING_FILE, LocalKeyRing

    home = app.extensions["vendorcheck.vault"].blobs.root.parent
    ring = LocalKeyRing.load(home / KEYRING_FILE)
    ring.rotate()
    ring.save()  # as `vendorcheck keys rotate` does, while the app runs
    upload(client, vendor, pdf("after rotation"), title="BAA 2026")
    dbs.rollback()
    assert sorted(dbs.scalars(select(EvidenceVersion.kek_version)).all()) == [1, 2]
    with client.get(f"/evidence/{uploaded.id}/versions/1/download") as response:  # not rewrapped yet
        assert b"first" in response.data
    dbs.rollback()  # a fresh snapshot: the download wrote an audit event since
    assert service.rewrap_batch(dbs, ring, 2, 10) == 1
    dbs.commit()
    assert b"first" in client.get(f"/evidence/{uploaded.id}/versions/1/download").data  # rewrapped
