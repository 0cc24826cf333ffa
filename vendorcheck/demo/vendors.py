"""The demo's four shortlisted billing companies, whose profiles differ where inherent risk differs.

Idempotent: a vendor whose name the organization already has is left alone.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vendorcheck import vendors
from vendorcheck.demo.people import DEMO_ACTOR
from vendorcheck.models import Organization, PhiVolume, Vendor, VendorContact, VendorStatus

# Four realistic billing companies whose profiles differ where inherent risk differs.
VENDORS: list[dict[str, Any]] = [
    {
        "name": "ClearPath Medical Billing",
        "website": "https://clearpath-billing.example",
        "address": "1200 Olentangy River Rd, Columbus 43212",
        "state": "OH",
        "description": "Regional billing company for primary-care practices, in business since 2009.",
        "status": VendorStatus.SHORTLISTED,
        "services": ["Claims submission", "Denial management", "Payment posting", "Patient statements"],
        "phi_volume": PhiVolume.MODERATE,
        "stores_phi": True,
        "processes_phi": True,
        "transmits_phi": True,
        "offshore": False,
        "uses_subcontractors": True,
        "subcontractors": "Availity (clearinghouse); AWS (hosting, us-east)",
        "contacts": [("Maria Lopez", "mlopez@clearpath-billing.example", "Director of Compliance", "+1 614 555 0142")],
    },
    {
        "name": "Summit Revenue Partners",
        "website": "https://summitrevenue.example",
        "address": "233 S Wacker Dr, Chicago 60606",
        "state": "IL",
        "description": "Full revenue-cycle outsourcing with a coding team in India; serves 400 practices.",
        "status": VendorStatus.SHORTLISTED,
        "services": ["Claims submission", "Medical coding", "A/R follow-up", "Credentialing", "Reporting"],
        "phi_volume": PhiVolume.HIGH,
        "stores_phi": True,
        "processes_phi": True,
        "transmits_phi": True,
        "offshore": True,
        "offshore_countries": "India",
        "uses_subcontractors": True,
        "subcontractors": "Change Healthcare (clearinghouse); Azure (hosting); offshore coding affiliate",
        "contacts": [("Rahul Mehta", "security@summitrevenue.example", "CISO", "+1 312 555 0199")],
    },
    {
        "name": "BlueHarbor Claims Co.",
        "website": "https://blueharborclaims.example",
        "address": "45 Commercial St, Portland 04101",
        "state": "ME",
        "description": "Small local firm; its staff work inside the practice's own EHR and keep nothing.",
        "status": VendorStatus.SHORTLISTED,
        "services": ["Claims submission", "Payment posting"],
        "phi_volume": PhiVolume.LOW,
        "stores_phi": False,
        "processes_phi": True,
        "transmits_phi": False,
        "offshore": False,
        "uses_subcontractors": False,
        "contacts": [("Tom Becker", "tom@blueharborclaims.example", "Owner", "+1 207 555 0110")],
    },
    {
        "name": "Apex RCM Solutions",
        "website": "https://apexrcm.example",
        "address": "500 Congress Ave, Austin 78701",
        "state": "TX",
        "description": "National RCM platform with its own practice software and a centre in the Philippines.",
        "status": VendorStatus.PROSPECT,
        "services": [
            "Practice-management software",
            "Claims submission",
            "Eligibility checks",
            "Patient payments",
        ],
        "phi_volume": PhiVolume.HIGH,
        "stores_phi": True,
        "processes_phi": True,
        "transmits_phi": True,
        "offshore": True,
        "offshore_countries": "Philippines",
        "uses_subcontractors": True,
        "subcontractors": "Waystar (clearinghouse); Google Cloud (hosting); Stripe (payments)",
        "contacts": [("Jenna Park", "vendor-risk@apexrcm.example", "Vendor Risk Manager", None)],
    },
]


def create_vendor(session: Session, org: Organization, spec: dict[str, Any]) -> Vendor:
    """Make one demo vendor and its contacts from its entry in ``VENDORS``, through the vendor service."""
    profile = {k: v for k, v in spec.items() if k not in ("name", "status", "contacts")}
    vendor = vendors.create(session, DEMO_ACTOR, org.id, spec["name"], profile, status=spec["status"])
    for index, (name, email, title, phone) in enumerate(spec["contacts"]):
        vendor.contacts.append(VendorContact(name=name, email=email, title=title, phone=phone, is_primary=index == 0))
    session.flush()
    return vendor


def seed_vendors(session: Session, org: Organization) -> int:
    """Create the demo vendors ``org`` does not have yet; returns how many were created."""
    existing = set(session.scalars(select(Vendor.name).where(Vendor.org_id == org.id)))
    missing = [spec for spec in VENDORS if spec["name"] not in existing]
    for spec in missing:
        create_vendor(session, org, spec)
    return len(missing)
