"""Model behaviour that the rest of the code relies on."""

from datetime import UTC, datetime, timedelta, timezone

import pytest
from sqlalchemy.exc import StatementError
from sqlalchemy.orm import Session

from tests.helpers import World
from vendorcheck.models import Organization, Vendor


def test_times_come_back_aware_and_in_utc(dbs: Session) -> None:
    moment = datetime(2026, 3, 1, 9, 30, tzinfo=timezone(timedelta(hours=-5)))
    org = Organization(name="Tz Clinic", created_at=moment)
    dbs.add(org)
    dbs.commit()
    dbs.expire_all()
    stored = dbs.get(Organization, org.id)
    assert stored is not None
    assert stored.created_at == moment
    assert stored.created_at.tzinfo == UTC
    assert stored.created_at.hour == 14


def test_naive_times_are_refused(dbs: Session) -> None:
    dbs.add(Organization(name="Naive Clinic", created_at=datetime(2026, 1, 1)))
    with pytest.raises(StatementError, match="naive datetime"):
        dbs.flush()


def test_get_for_org_does_not_cross_organizations(dbs: Session, world: World) -> None:
    vendor = Vendor(org_id=world.other_org.id, name="Their Vendor")
    dbs.add(vendor)
    dbs.commit()
    assert Vendor.get_for_org(dbs, vendor.id, world.other_org.id) is vendor
    assert Vendor.get_for_org(dbs, vendor.id, world.org.id) is None


def test_phi_flows_are_listed_in_plain_words() -> None:
    vendor = Vendor(name="x", stores_phi=True, processes_phi=False, transmits_phi=True)
    assert vendor.phi_flows == ["stores", "transmits"]
