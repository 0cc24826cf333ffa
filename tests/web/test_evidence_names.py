"""A stored or served evidence file name always carries an extension of the type its content was detected as."""

from __future__ import annotations

import io

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.helpers import Auth, World, csrf_token
from tests.web.test_assessments import create_and_send, vendor_post
from tests.web.test_evidence import pdf, post_multipart, upload
from vendorcheck.models import ActorKind, AuditEvent, Evidence, EvidenceKind, EvidenceVersion, Vendor
from vendorcheck.vault.filetypes import CSV, JPEG, PDF, TXT, name_for


@pytest.mark.parametrize(
    ("given", "file_type", "stored"),
    [
        ("report.pdf", PDF, "report.pdf"),
        ("REPORT.PDF", PDF, "REPORT.PDF"),
        ("scan.jpeg", JPEG, "scan.jpeg"),
        ("scan.JPG", JPEG, "scan.JPG"),
        ("report.pdf.bat", TXT, "report.pdf.bat.txt"),
        ("page.html", TXT, "page.html.txt"),
        ("notes", TXT, "notes.txt"),
        ("access.csv", CSV, "access.csv"),
        ("report.pdf", TXT, "report.pdf.txt"),
        ("pdf", PDF, "pdf.pdf"),
    ],
)
def test_the_name_ends_with_an_extension_of_the_detected_type(given: str, file_type, stored: str) -> None:
    assert name_for(given, file_type) == stored


@pytest.mark.parametrize("extension", ["bat", "html", "svg", "js", "exe"])
def test_text_named_as_a_program_is_stored_and_served_as_text(
    client: FlaskClient, assessor: Auth, vendor: Vendor, dbs: Session, extension: str
) -> None:
    given = f"Certificate of insurance.pdf.{extension}"
    response = upload(client, vendor, b"<script>alert(1)</script>\r\necho pwned\r\n", filename=given)
    assert response.status_code == 302, response.get_data(as_text=True)
    version = dbs.scalars(select(EvidenceVersion)).one()
    assert version.display_filename == f"{given}.txt" and version.content_type == "text/plain"
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert f"It was renamed from “{given}” to “{given}.txt” to match its content (text file)." in page
    event = dbs.scalars(select(AuditEvent).where(AuditEvent.action == "evidence.uploaded")).one()
    assert event.details["filename"] == f"{given}.txt" and event.details["renamed_from"] == given

    download = client.get(f"/evidence/{version.evidence_id}/versions/1/download")
    assert download.status_code == 200
    assert download.headers["Content-Type"] == "text/plain; charset=utf-8"
    disposition = download.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and f'.{extension}.txt"' in disposition
    assert disposition.endswith(f".{extension}.txt")
    assert download.headers["X-Content-Type-Options"] == "nosniff"


def test_a_name_that_fits_its_content_is_kept_as_given(client, assessor, vendor, dbs) -> None:
    response = upload(client, vendor, pdf(), filename="SOC 2 report.PDF")
    assert response.status_code == 302
    assert dbs.scalars(select(EvidenceVersion.display_filename)).one() == "SOC 2 report.PDF"
    assert "renamed" not in client.get(response.headers["Location"]).get_data(as_text=True)


def test_a_new_version_is_renamed_the_same_way(client, assessor, vendor, dbs) -> None:
    upload(client, vendor, pdf())
    item = dbs.scalars(select(Evidence)).one()
    page = f"/evidence/{item.id}"
    form = {"csrf_token": csrf_token(client, page), "document": (io.BytesIO(b"plain words\n"), "v2.pdf")}
    response = post_multipart(client, f"{page}/versions", form)
    assert response.status_code == 302
    dbs.rollback()
    names = dbs.scalars(select(EvidenceVersion.display_filename).order_by(EvidenceVersion.version_no)).all()
    assert names == ["soc2.pdf", "v2.pdf.txt"]
    assert "to “v2.pdf.txt”" in client.get(page).get_data(as_text=True)


def test_a_file_stored_before_renaming_is_still_served_under_its_detected_type(client, assessor, vendor, dbs) -> None:
    upload(client, vendor, b"just text\n", filename="minutes.txt")
    version = dbs.scalars(select(EvidenceVersion)).one()
    version.display_filename = "minutes.pdf.exe"  # as an older release stored it
    dbs.commit()
    download = client.get(f"/evidence/{version.evidence_id}/versions/1/download")
    assert download.status_code == 200 and download.data == b"just text\n"
    assert download.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert download.headers["Content-Disposition"].endswith("minutes.pdf.exe.txt")


def test_the_vendor_portal_renames_through_the_same_service(
    app, client: FlaskClient, auth: Auth, dbs: Session, world: World, vendor: Vendor
) -> None:
    _, link = create_and_send(client, auth, world, vendor, "soc2-review")
    vendor_client = app.test_client()
    vendor_post(vendor_client, link, 1, {"q-soc2_has_report": "yes"})
    form = {
        "csrf_token": csrf_token(vendor_client, f"{link}/s/1"),
        "file": (io.BytesIO(b"<svg onload=alert(1)>"), "SOC2.svg"),
    }
    response = post_multipart(vendor_client, f"{link}/q/soc2_report_upload/evidence", form)
    assert response.status_code == 302
    page = vendor_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "“SOC2.svg.txt” was received and encrypted. It was renamed from “SOC2.svg”" in page
    dbs.rollback()
    version = dbs.scalars(select(EvidenceVersion)).one()
    assert version.display_filename == "SOC2.svg.txt" and version.uploaded_by_kind == ActorKind.VENDOR_LINK
    assert version.evidence.kind == EvidenceKind.SOC2_REPORT
