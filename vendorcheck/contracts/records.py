"""What the contract register tells the score: each vendor's stage and BAAs in force with their missing clauses.

The bridge from the database to the pure engine (:mod:`vendorcheck.scoring.contracts`), read in one query for
any number of vendors, as :func:`vendorcheck.screening.public_record` does for the public lists.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy.orm import Session

from vendorcheck.contracts.agreements import agreements_of, in_force, missing_required
from vendorcheck.models import AgreementKind, Vendor
from vendorcheck.scoring.contracts import BaaOnRecord, ContractRecord, MissingClause


def contract_records(session: Session, vendors: Sequence[Vendor], today: date) -> dict[int, ContractRecord]:
    """Each vendor's record: its status and its BAAs in force on ``today``, each with the required clauses it lacks."""
    found = agreements_of(session, [vendor.id for vendor in vendors])
    records = {}
    for vendor in vendors:
        baas = tuple(
            BaaOnRecord(
                agreement.title,
                agreement.effective_on.isoformat(),
                tuple(MissingClause(c.id, c.title, c.text, c.citations) for c in missing_required(agreement)),
            )
            for agreement in found.get(vendor.id, [])
            if agreement.kind == AgreementKind.BAA and in_force(agreement, today)
        )
        records[vendor.id] = ContractRecord(vendor.status.value, baas)
    return records
