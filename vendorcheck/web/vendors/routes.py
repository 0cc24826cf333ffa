"""Dashboard listing the organization's vendors, and one vendor's page."""

from __future__ import annotations

from datetime import date

from flask import render_template
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from vendorcheck import db, scores
from vendorcheck.models import Vendor, VendorStatus
from vendorcheck.permissions import Capability
from vendorcheck.scoring import LEVELS
from vendorcheck.web.access import get_or_404, requires
from vendorcheck.web.vendors import bp

# Shortlisted vendors first, then the rest in the order a decision moves through.
STATUS_ORDER = [
    VendorStatus.SHORTLISTED,
    VendorStatus.SELECTED,
    VendorStatus.PROSPECT,
    VendorStatus.REJECTED,
    VendorStatus.ARCHIVED,
]


@bp.route("/")
@requires(Capability.VENDOR_READ)
def dashboard() -> str:
    """Every vendor of the signed-in user's organization, shortlisted first."""
    vendors = (
        db.session()
        .scalars(
            select(Vendor)
            .where(Vendor.org_id == current_user.org_id)
            .options(selectinload(Vendor.assessments), selectinload(Vendor.evidence))
            .order_by(Vendor.name)
        )
        .all()
    )
    ordered = sorted(vendors, key=lambda v: STATUS_ORDER.index(v.status))
    counts = {status: sum(v.status == status for v in vendors) for status in STATUS_ORDER}
    return render_template("vendors/dashboard.html", vendors=ordered, counts=counts)


@bp.route("/vendors/<int:vendor_id>")
@requires(Capability.VENDOR_READ)
def vendor(vendor_id: int) -> str:
    """One vendor: profile, contacts, assessments and evidence."""
    found = get_or_404(Vendor, vendor_id)
    session = db.session()
    [entry] = scores.score_vendors(session, [found], scores.current_profile(session, found.org_id))
    return render_template("vendors/vendor.html", vendor=found, today=date.today(), entry=entry, levels=LEVELS)
