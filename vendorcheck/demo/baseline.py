"""The demo practice's own billing: a four-provider family practice struggling with denials and follow-up.

Two billers (one of them new since the experienced one retired) keep up with submitting claims but not with
working denials: 13% of claims are denied and nearly half of those are never reworked, A/R drifts past 50 days
and a fifth of it is older than 90 days. The front desk covers billing calls between patients. Seeded through
the baseline service (audited) and only when the practice has none, so running the demo again changes nothing.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from vendorcheck import baseline
from vendorcheck.demo.people import DEMO_ACTOR
from vendorcheck.models import Organization

FIGURES = {
    "annual_collections": "1140000",
    "annual_charges": "2300000",
    "monthly_claims": "1450",
    "clean_claim_rate": "86",
    "denial_rate": "13",
    "denials_never_reworked": "45",
    "days_in_ar": "54",
    "ar_over_90": "22",
    "net_collection_rate": "89",
    "staff_cost": "96000",  # two billers, wages and benefits
    "software_cost": "14400",  # billing module and clearinghouse
    "kept_costs": "9600",  # the practice-management system stays whoever bills
}
CHECKLIST = {
    "claims_followed": "sometimes",
    "denials_appealed": "no",
    "payments_reconciled": "no",
    "reports_consistent": "sometimes",
    "billing_disrupts": "yes",
    "handles_growth": "no",
    "staff_experienced": "sometimes",
}


def seed_baseline(session: Session, org_name: str) -> bool:
    """Record the demo practice's figures and checklist if it has none yet; True if it did."""
    org = session.scalars(select(Organization).where(Organization.name == org_name)).one()
    if baseline.get_baseline(session, org.id) is not None:
        return False
    baseline.save_baseline(session, DEMO_ACTOR, org.id, FIGURES, CHECKLIST)
    return True
