"""The vendor service: the one place a vendor is made, found, listed and updated, each change audited."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.conftest import World
from vendorcheck import vendors
from vendorcheck.audit import Actor
from vendorcheck.models import AuditEvent, PhiVolume, Vendor, VendorStatus

ACTOR = Actor.cli()


def _events(dbs: Session, action: str) -> list[AuditEvent]:
    return list(dbs.scalars(select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id)))


def test_create_stores_the_checked_profile_and_audits_vendor_created(dbs: Session, world: World) -> None:
    vendor = vendors.create(
        dbs, ACTOR, world.org.id, "  Acme Billing ", {"phi_volume": "high", "offshore": True, "services": ["Claims"]}
    )
    dbs.commit()
    assert vendor.name == "Acme Billing" and vendor.phi_volume == PhiVolume.HIGH and vendor.offshore
    assert vendor.services == ["Claims"] and vendor.status == VendorStatus.PROSPECT
    [event] = _events(dbs, "vendor.created")
    assert (event.org_id, event.vendor_id, event.target_id) == (world.org.id, vendor.id, str(vendor.id))
    assert event.details == {"name": "Acme Billing"}


def test_read_profile_lists_every_problem_at_once() -> None:
    problems = vendors.read_profile(
        {"colour": "red", "offshore": "yes", "phi_volume": "lots", "services": [1], "website": "x" * 501}
    )
    assert isinstance(problems, list) and len(problems) == 5
    assert problems[0].startswith("unknown field 'colour'; known: website, description, services")
    assert "offshore must be a bool" in problems and "website must be at most 500 characters" in problems
    assert any(p.startswith("phi_volume must be one of none, low") for p in problems)
    assert vendors.read_profile(["not", "an", "object"]) == ["expected a JSON object of profile fields"]
    assert vendors.read_profile({"phi_volume": "low", "description": " "}) == {
        "phi_volume": PhiVolume.LOW,
        "description": None,
    }


def test_create_refuses_a_bad_profile_name_or_duplicate_and_stores_nothing(dbs: Session, world: World) -> None:
    vendors.create(dbs, ACTOR, world.org.id, "Acme Billing")
    dbs.commit()
    for name, profile, message in [
        ("Other", {"services": "billing"}, "services must be a list"),
        ("Other", {"offshore_countries": "x" * 301}, "offshore_countries must be at most 300"),
        ("   ", None, "a name of 1 to 200 characters"),
        ("x" * 201, None, "a name of 1 to 200 characters"),
        ("Acme Billing", None, "already a vendor named 'Acme Billing'"),
    ]:
        with pytest.raises(vendors.VendorError, match=message):
            vendors.create(dbs, ACTOR, world.org.id, name, profile)
    dbs.rollback()
    assert dbs.scalar(select(func.count()).select_from(Vendor)) == 1
    assert len(_events(dbs, "vendor.created")) == 1
    vendors.create(dbs, ACTOR, world.other_org.id, "Acme Billing")  # the same name in another organization is fine


def test_find_by_id_or_exact_name_within_an_organization(dbs: Session, world: World) -> None:
    ours = vendors.create(dbs, ACTOR, world.org.id, "Acme Billing")
    theirs = vendors.create(dbs, ACTOR, world.other_org.id, "Acme Billing")
    dbs.commit()
    assert vendors.find(dbs, world.org.id, "Acme Billing") is ours
    assert vendors.find(dbs, world.org.id, str(ours.id)) is ours
    with pytest.raises(vendors.VendorError, match="no vendor"):
        vendors.find(dbs, world.org.id, str(theirs.id))  # another organization's vendor is not found
    with pytest.raises(vendors.VendorError, match=r"several vendors are named 'Acme Billing' \(ids \d+, \d+\)"):
        vendors.find(dbs, None, "Acme Billing")  # the operator's view: every organization
    assert vendors.find(dbs, None, str(theirs.id)) is theirs


@pytest.mark.parametrize("ref", ["²", "9" * 30, "acme billing", ""])
def test_find_answers_not_found_for_what_names_no_vendor(dbs: Session, world: World, ref: str) -> None:
    """Unicode digits and ids beyond the database's integers are a clear "no vendor", not a crash."""
    vendors.create(dbs, ACTOR, world.org.id, "Acme Billing")
    with pytest.raises(vendors.VendorError, match="no vendor"):
        vendors.find(dbs, None, ref)


def test_list_for_one_organization_by_name_or_in_the_order_added(dbs: Session, world: World) -> None:
    zenith = vendors.create(dbs, ACTOR, world.org.id, "Zenith Claims")
    aardvark = vendors.create(dbs, ACTOR, world.org.id, "Aardvark Billing")
    elsewhere = vendors.create(dbs, ACTOR, world.other_org.id, "Secret Vendor")
    assert vendors.list_for(dbs, world.org.id) == [aardvark, zenith]
    assert vendors.list_for(dbs, world.org.id, order="added") == [zenith, aardvark]
    assert vendors.list_for(dbs, None, order="added") == [zenith, aardvark, elsewhere]


def test_update_changes_checked_fields_and_audits_what_changed(dbs: Session, world: World) -> None:
    vendor = vendors.create(dbs, ACTOR, world.org.id, "Acme Billing", {"phi_volume": "low"})
    vendors.create(dbs, ACTOR, world.org.id, "Taken Name")
    changed = vendors.update(dbs, ACTOR, vendor, {"status": "shortlisted", "phi_volume": "high", "offshore": False})
    dbs.commit()
    assert changed == ["status", "phi_volume"]  # offshore was already false: no change
    assert vendor.status == VendorStatus.SHORTLISTED and vendor.phi_volume == PhiVolume.HIGH
    [event] = _events(dbs, "vendor.updated")
    assert event.details == {
        "changes": {"status": {"from": "prospect", "to": "shortlisted"}, "phi_volume": {"from": "low", "to": "high"}}
    }
    assert vendors.update(dbs, ACTOR, vendor, {"status": "shortlisted"}) == []  # nothing changed, nothing recorded
    for changes, message in [
        ({"name": "Taken Name"}, "already a vendor named"),
        ({"status": "hired"}, "status must be one of prospect"),
        ({"phi_volume": "high", "colour": "red"}, "unknown field 'colour'"),
    ]:
        with pytest.raises(vendors.VendorError, match=message):
            vendors.update(dbs, ACTOR, vendor, changes)
    dbs.rollback()
    assert vendor.name == "Acme Billing" and vendor.phi_volume == PhiVolume.HIGH
    assert len(_events(dbs, "vendor.updated")) == 1
