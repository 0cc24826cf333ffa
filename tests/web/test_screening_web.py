"""Screening through the browser's forms: the demo's planted LEIE owner confirmed by the officer makes the vendor
"do not use"; principals added and refused with the input kept; the admin's list upload; the packet's records."""

from __future__ import annotations

import io
import json
import zipfile
from pathlib import Path

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.helpers import Auth, World, csrf_token
from tests.screening_files import leie, leie_row
from vendorcheck import signing
from vendorcheck.models import AuditEvent, Candidate, CandidateStatus, ListVersion, Role, Vendor
from vendorcheck.packets.verify import verify as verify_packet


def _candidate(dbs: Session, vendor: Vendor) -> Candidate:
    return dbs.scalars(select(Candidate).where(Candidate.vendor_id == vendor.id)).one()


def test_officer_confirms_the_planted_leie_owner_and_the_vendor_becomes_do_not_use(
    client: FlaskClient, auth: Auth, demo_data: World, vendors: dict[str, Vendor], dbs: Session
):
    blue = vendors["BlueHarbor"]
    auth.login_as(demo_data.users[Role.ASSESSOR])
    page = client.get(f"/vendors/{blue.id}").get_data(as_text=True)
    assert "Screened against OIG LEIE 2025-07-14 (sha256 " in page and ": 1 candidate" in page
    assert "1 screening candidate to review" in page and "Thomas Becker" in page
    assert "do not use" not in page.lower().split("public lists")[1].split("risk rating")[1][:400]
    candidate = _candidate(dbs, blue)
    token = csrf_token(client, f"/vendors/{blue.id}")
    refused = client.post(
        f"/vendors/{blue.id}/candidates/decide",
        data={"csrf_token": token, "candidate_id": candidate.id, "decision": "confirm", "note": ""},
    )
    assert refused.status_code == 400 and "Say in a sentence why." in refused.get_data(as_text=True)
    done = client.post(
        f"/vendors/{blue.id}/candidates/decide",
        data={"csrf_token": token, "candidate_id": candidate.id, "decision": "confirm",
              "note": "Same name and date of birth; the owner confirmed it"},
    )  # fmt: skip
    assert done.status_code == 302
    page = client.get(f"/vendors/{blue.id}").get_data(as_text=True)
    assert "Very High: do not use." in page and "Confirmed on OIG LEIE 2025-07-14: Thomas Becker (principal)" in page
    dbs.rollback()
    assert _candidate(dbs, blue).status == CandidateStatus.CONFIRMED
    event = dbs.scalars(select(AuditEvent).where(AuditEvent.action == "screening.confirmed")).one()
    assert event.actor_user_id == demo_data.users[Role.ASSESSOR].id and event.vendor_id == blue.id


def test_a_candidate_of_another_vendor_is_not_found(
    client: FlaskClient, auth: Auth, demo_data: World, vendors: dict[str, Vendor], dbs: Session
):
    auth.login_as(demo_data.users[Role.ASSESSOR])
    other = vendors["ClearPath"]
    candidate = _candidate(dbs, vendors["BlueHarbor"])
    token = csrf_token(client, f"/vendors/{other.id}")
    response = client.post(
        f"/vendors/{other.id}/candidates/decide",
        data={"csrf_token": token, "candidate_id": candidate.id, "decision": "dismiss", "note": "no"},
    )
    assert response.status_code == 404


def test_a_principal_with_a_bad_state_is_refused_and_the_input_kept(
    client: FlaskClient, auth: Auth, demo_data: World, vendors: dict[str, Vendor], dbs: Session
):
    apex = vendors["Apex"]
    auth.login_as(demo_data.users[Role.ASSESSOR])
    token = csrf_token(client, f"/vendors/{apex.id}")
    form = {"csrf_token": token, "name": "Jenna Q. Park", "title": "COO", "date_of_birth": "1980-05-05"}
    refused = client.post(f"/vendors/{apex.id}/principals", data=form | {"state": "Texas"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "two-letter USPS code" in page and 'value="Jenna Q. Park"' in page
    assert client.post(f"/vendors/{apex.id}/principals", data=form | {"state": "tx"}).status_code == 302
    dbs.rollback()
    dbs.refresh(apex)
    assert [(p.name, p.state) for p in apex.principals] == [("Jenna Q. Park", "TX")]


def test_the_admin_uploads_a_list_streamed_and_a_bad_file_stores_nothing(
    client: FlaskClient, auth: Auth, world: World, dbs: Session
):
    vendor = Vendor(org_id=world.org.id, name="Acme Billing", state="OH")
    dbs.add(vendor)
    dbs.commit()
    auth.login_as(world.users[Role.ADMIN])
    token = csrf_token(client, "/admin/lists")
    bad = client.post(
        "/admin/lists",
        data={"csrf_token": token, "source": "ocr", "file": (io.BytesIO(leie(leie_row(business="X"))), "UPDATED.csv")},
        content_type="multipart/form-data",
    )
    assert bad.status_code == 400 and "line 1: column" in bad.get_data(as_text=True)
    assert dbs.scalars(select(ListVersion)).first() is None
    good = client.post(
        "/admin/lists",
        data={"csrf_token": token, "source": "leie",
              "file": (io.BytesIO(leie(leie_row(business="ACME BILLING, LLC"))), "UPDATED.csv")},
        content_type="multipart/form-data",
    )  # fmt: skip
    assert good.status_code == 302
    dbs.rollback()
    version = dbs.scalars(select(ListVersion)).one()
    assert version.org_id == world.org.id  # an organization's upload serves that organization only
    assert _candidate(dbs, vendor).subject == "Acme Billing"
    assert "1 to review" in client.get("/").get_data(as_text=True)


def test_the_packet_carries_the_screening_records_and_verifies(
    app: Flask, client: FlaskClient, auth: Auth, demo_data: World, vendors: dict[str, Vendor]
):
    home: Path = app.config["VENDORCHECK_SETTINGS"].home
    signing.create_signing_key(home)  # as `vendorcheck init` makes (a no-op when there is one)
    summit = vendors["Summit"]
    auth.login_as(demo_data.users[Role.AUDITOR])
    token = csrf_token(client, f"/vendors/{summit.id}")
    data = client.post(f"/vendors/{summit.id}/packet", data={"csrf_token": token}).get_data()
    report = verify_packet(io.BytesIO(data), signing.verification_keys(home))
    assert report.ok, report.problems
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        [name] = [n for n in archive.namelist() if n.endswith("data/screening/records.json")]
        records = json.loads(archive.read(name))
    assert records["format"] == "vendorcheck-screening/1"
    lists = {s["list"]: s for s in records["screenings"]}
    assert lists["ocr"]["result"] == "1 candidate(s)" and len(lists["ocr"]["sha256"]) == 64
    assert lists["leie"]["result"] == "no match" and lists["leie"]["version_date"] == "2025-07-14"
    [candidate] = records["candidates"]
    assert candidate["listed"]["name"] == "Lakeshore Pediatrics, P.C." and candidate["status"] == "open"
