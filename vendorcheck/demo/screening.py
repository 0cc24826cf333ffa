"""The demo's screening: principals on three vendors, then the demo LEIE and OCR files imported through the
screening service, which re-screens every vendor. Idempotent: a principal the vendor has is not added again,
and a list file already imported (same SHA-256) is a no-op, so nothing is screened twice.

The result: an open candidate for BlueHarbor's owner on the LEIE (confirming it makes BlueHarbor "do not
use") and one for Summit in a client's breach report; the candidates stay open for the officer to decide.
"""

from __future__ import annotations

import io
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from vendorcheck import screening
from vendorcheck.demo.lists import PRINCIPALS, leie_file, ocr_file
from vendorcheck.demo.people import DEMO_ACTOR
from vendorcheck.models import Organization, Principal, Vendor


def seed_screening(session: Session, org_name: str) -> int:
    """Add the demo principals and import the demo lists; returns how many list versions were new."""
    org = session.scalars(select(Organization).where(Organization.name == org_name)).one()
    for vendor_name, name, title, born, state in PRINCIPALS:
        vendor = session.scalars(select(Vendor).where(Vendor.org_id == org.id, Vendor.name == vendor_name)).first()
        if vendor is None:
            continue
        known = session.scalar(select(Principal.id).where(Principal.vendor_id == vendor.id, Principal.name == name))
        if known is None:
            screening.add_principal(
                session, DEMO_ACTOR, vendor, name, title, date.fromisoformat(born) if born else None, state
            )
    session.flush()
    new = 0
    for source, content, filename in (("leie", leie_file(), "UPDATED.csv"), ("ocr", ocr_file(), "breach_report.csv")):
        imported = screening.import_and_screen(session, DEMO_ACTOR, source, io.BytesIO(content), filename)
        new += imported.created
    return new
