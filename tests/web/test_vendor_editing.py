"""Vendors in the browser: the compliance officer adds and edits one; the vendor service checks and audits."""

from __future__ import annotations

from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.helpers import Auth, World, csrf_token
from vendorcheck.models import AuditEvent, PhiVolume, Role, Vendor, VendorStatus

PROFILE = {
    "name": "Northwind Billing",
    "status": "shortlisted",
    "website": "https://northwind.example",
    "services": "Claims submission\nDenial management\n",
    "phi_volume": "moderate",
    "stores_phi": "y",
    "transmits_phi": "y",
    "uses_subcontractors": "y",
    "subcontractors": "Availity",
}


def test_the_officer_adds_a_vendor_with_its_profile(client: FlaskClient, auth: Auth, world: World, dbs: Session):
    auth.login_as(world.users[Role.ASSESSOR])
    assert "Add a vendor" in client.get("/").get_data(as_text=True)
    response = client.post("/vendors/new", data={**PROFILE, "csrf_token": csrf_token(client, "/vendors/new")})
    assert response.status_code == 302
    found = dbs.scalars(select(Vendor).where(Vendor.name == "Northwind Billing")).one()
    assert found.status == VendorStatus.SHORTLISTED and found.phi_volume == PhiVolume.MODERATE
    assert found.services == ["Claims submission", "Denial management"] and found.stores_phi and not found.offshore
    event = dbs.scalars(select(AuditEvent).where(AuditEvent.action == "vendor.created")).one()
    assert event.actor_user_id == world.users[Role.ASSESSOR].id and event.vendor_id == found.id


def test_a_duplicate_name_is_refused_with_everything_typed_kept(client, auth, world, vendor) -> None:
    auth.login_as(world.users[Role.ASSESSOR])
    data = {**PROFILE, "name": vendor.name, "csrf_token": csrf_token(client, "/vendors/new")}
    page = client.post("/vendors/new", data=data)
    text = page.get_data(as_text=True)
    assert page.status_code == 400 and "already a vendor named" in text
    assert "https://northwind.example" in text and "Denial management" in text and 'aria-invalid="true"' in text


def test_editing_changes_the_profile_and_records_what_it_was(client, auth, world, vendor, dbs: Session) -> None:
    auth.login_as(world.users[Role.ASSESSOR])
    page = f"/vendors/{vendor.id}/edit"
    assert 'value="Acme Billing"' in client.get(page).get_data(as_text=True)
    data = {
        **PROFILE,
        "name": "Acme Billing",
        "phi_volume": "high",
        "offshore": "y",
        "csrf_token": csrf_token(client, page),
    }
    assert client.post(page, data=data).status_code == 302
    dbs.expire_all()
    edited = dbs.get(Vendor, vendor.id)
    assert edited.phi_volume == PhiVolume.HIGH and edited.offshore and edited.status == VendorStatus.SHORTLISTED
    event = dbs.scalars(select(AuditEvent).where(AuditEvent.action == "vendor.updated")).one()
    assert event.details["changes"]["phi_volume"] == {"from": "none", "to": "high"}


def test_owners_and_auditors_cannot_edit_vendors(client, auth, world, vendor) -> None:
    auth.login_as(world.users[Role.VIEWER])
    assert "Add a vendor" not in client.get("/").get_data(as_text=True)
    assert client.get("/vendors/new").status_code == 403
    assert client.get(f"/vendors/{vendor.id}/edit").status_code == 403
