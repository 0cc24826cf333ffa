"""The dashboard and vendor pages show one organization's vendors only."""

from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.helpers import Auth, World
from vendorcheck.models import PhiVolume, Role, Vendor, VendorContact, VendorStatus


def _vendor(dbs: Session, org_id: int, name: str, **profile) -> Vendor:
    vendor = Vendor(org_id=org_id, name=name, **profile)
    dbs.add(vendor)
    dbs.commit()
    return vendor


def test_dashboard_lists_own_vendors_shortlisted_first(client: FlaskClient, auth: Auth, world: World, dbs: Session):
    _vendor(dbs, world.org.id, "Aardvark Billing", status=VendorStatus.PROSPECT)
    _vendor(
        dbs, world.org.id, "Zenith Claims", status=VendorStatus.SHORTLISTED, offshore=True, offshore_countries="India"
    )
    _vendor(dbs, world.other_org.id, "Secret Vendor Of Elsewhere")
    auth.login_as(world.users[Role.VIEWER])
    page = client.get("/").get_data(as_text=True)
    assert "Secret Vendor Of Elsewhere" not in page
    assert page.index("Zenith Claims") < page.index("Aardvark Billing")
    assert "India" in page


def test_empty_dashboard_explains_what_to_do(client: FlaskClient, auth: Auth, world: World) -> None:
    auth.login_as(world.users[Role.ASSESSOR])
    assert "No vendors yet" in client.get("/").get_data(as_text=True)


def test_vendor_page_shows_profile_in_plain_words(client: FlaskClient, auth: Auth, world: World, dbs: Session):
    vendor = _vendor(
        dbs,
        world.org.id,
        "ClearPath",
        phi_volume=PhiVolume.HIGH,
        stores_phi=True,
        transmits_phi=True,
        uses_subcontractors=True,
        subcontractors="Availity (clearinghouse)",
    )
    dbs.add(VendorContact(vendor_id=vendor.id, name="Maria Lopez", email="m@clearpath.example", is_primary=True))
    dbs.commit()
    auth.login_as(world.users[Role.AUDITOR])
    page = client.get(f"/vendors/{vendor.id}").get_data(as_text=True)
    assert "High (over 50,000 patients)" in page
    assert "stores, transmits" in page
    assert "Availity (clearinghouse)" in page
    assert "Maria Lopez" in page


def test_another_organizations_vendor_is_not_found(client: FlaskClient, auth: Auth, world: World, dbs: Session):
    theirs = _vendor(dbs, world.other_org.id, "Secret Vendor Of Elsewhere")
    auth.login_as(world.users[Role.ADMIN])
    response = client.get(f"/vendors/{theirs.id}")
    assert response.status_code == 404
    assert "Secret Vendor" not in response.get_data(as_text=True)


def test_missing_vendor_is_not_found(client: FlaskClient, auth: Auth, world: World) -> None:
    auth.login_as(world.users[Role.ADMIN])
    assert client.get("/vendors/999999").status_code == 404
