"""Demo data: one practice, a user per role and four shortlisted billing companies.

Seeding is idempotent: what exists (found by organization, email and vendor name) is left alone, so
running ``vendorcheck demo`` twice duplicates nothing. Passwords are random per demo home and kept in
``demo-credentials.json`` (mode 0600) so they can be printed again on every run.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vendorcheck import accounts, audit, vendors
from vendorcheck.models import PhiVolume, Role, Vendor, VendorContact, VendorStatus
from vendorcheck.passwords import generate_password
from vendorcheck.secretfiles import write_secret_file

ORGANIZATION = "Riverside Family Medicine"
CREDENTIALS_FILE = "demo-credentials.json"
DEMO_ACTOR = audit.Actor.cli("vendorcheck demo")

USERS = [
    (Role.ADMIN, "admin@riverside.example", "Dana Admin"),
    (Role.ASSESSOR, "compliance@riverside.example", "Carmen Ortiz"),
    (Role.VIEWER, "owner@riverside.example", "Dr. Priya Shah"),
    (Role.AUDITOR, "auditor@riverside.example", "Alex Kim"),
]

# Four realistic billing companies whose profiles differ where inherent risk differs.
VENDORS: list[dict[str, Any]] = [
    {
        "name": "ClearPath Medical Billing",
        "website": "https://clearpath-billing.example",
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


@dataclass
class DemoLogin:
    """A demo user's role, email and password, as printed."""

    role: Role
    email: str
    password: str


def load_or_create_credentials(home: Path) -> dict[str, str]:
    """The demo passwords of this home by email: read back, or generated and saved once."""
    path = home / CREDENTIALS_FILE
    if path.exists():
        return json.loads(path.read_text(encoding="utf-8"))
    passwords = {email: generate_password() for _, email, _ in USERS}
    write_secret_file(path, json.dumps(passwords, indent=2))
    return passwords


def seed(session: Session, passwords: dict[str, str]) -> list[DemoLogin]:
    """Create what is missing of the demo organization, users and vendors."""
    org, _ = accounts.get_or_create_organization(session, ORGANIZATION)
    logins = []
    for role, email, name in USERS:
        if accounts.find_user(session, email) is None:
            accounts.create_user(session, org, email, role, passwords[email], display_name=name, actor=DEMO_ACTOR)
        logins.append(DemoLogin(role, email, passwords[email]))
    existing = set(session.scalars(select(Vendor.name).where(Vendor.org_id == org.id)))
    for spec in VENDORS:
        if spec["name"] in existing:
            continue
        profile = {k: v for k, v in spec.items() if k not in ("name", "status", "contacts")}
        vendor = vendors.create(session, DEMO_ACTOR, org.id, spec["name"], profile, status=spec["status"])
        for index, (name, email, title, phone) in enumerate(spec["contacts"]):
            vendor.contacts.append(
                VendorContact(name=name, email=email, title=title, phone=phone, is_primary=index == 0)
            )
    session.flush()
    return logins
