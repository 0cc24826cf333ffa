"""The demo's people: one practice and a user per role, with their passwords.

Seeding is idempotent: what exists (found by organization name and email) is left alone. Passwords are
random per demo home and kept in ``demo-credentials.json`` (mode 0600) so they can be printed again on every run.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from vendorcheck import accounts, audit
from vendorcheck.accounts.passwords import generate_password
from vendorcheck.models import Organization, Role
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


def seed_people(session: Session, passwords: dict[str, str]) -> tuple[Organization, list[DemoLogin]]:
    """Create what is missing of the demo organization and its users; returns it and the users' logins."""
    org, _ = accounts.get_or_create_organization(session, ORGANIZATION)
    logins = []
    for role, email, name in USERS:
        if accounts.find_user(session, email) is None:
            accounts.create_user(session, org, email, role, passwords[email], display_name=name, actor=DEMO_ACTOR)
        logins.append(DemoLogin(role, email, passwords[email]))
    return org, logins
