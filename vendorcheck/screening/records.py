"""Screening as stable JSON: ``vendorcheck screening list --json`` and the packet's ``screening/records.json``
(format ``vendorcheck-screening/1``, documented in docs/screening.md)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from vendorcheck import audit
from vendorcheck.models import Candidate, ListVersion, Screening, Vendor
from vendorcheck.screening.service import candidates_of

FORMAT = "vendorcheck-screening/1"


def version_json(version: ListVersion) -> dict[str, Any]:
    """A list version: which list, its date, digest and size."""
    return {
        "id": version.id,
        "list": version.source.value,
        "version_date": version.version_date.isoformat(),
        "sha256": version.sha256,
        "rows": version.row_count,
        "filename": version.filename,
        "older_than_newest": version.older,
        "imported_at": audit.iso(version.imported_at),
        "imported_by": version.imported_by,
        "scope": "instance" if version.org_id is None else "organization",
    }


def candidate_json(candidate: Candidate) -> dict[str, Any]:
    """A candidate: who matched which listed entry, why, and what a person decided."""
    row = candidate.row
    return {
        "id": candidate.id,
        "vendor": {"id": candidate.vendor_id},
        "subject": candidate.subject,
        "principal_id": candidate.principal_id,
        "list_version": candidate.screening.version_id,
        "list": candidate.screening.version.source.value,
        "listed": {
            "name": row.name,
            "kind": row.kind,
            "line": row.line,
            "state": row.state,
            "address": row.address,
            "date_of_birth": row.dob.isoformat() if row.dob else None,
            "listed_on": row.listed_on.isoformat() if row.listed_on else None,
            "ends_on": row.ends_on.isoformat() if row.ends_on else None,
            "type": row.type,
            "individuals_affected": row.affected,
        },
        "score": candidate.score,
        "reasons": candidate.reasons,
        "status": candidate.status.value,
        "note": candidate.note,
        "decided_by": candidate.decided_by_label,
        "decided_at": audit.iso(candidate.decided_at) if candidate.decided_at else None,
    }


def records_json(session: Session, vendor: Vendor) -> dict[str, Any]:
    """Every screening of the vendor (list, version date, digest, result) and every candidate with its decision."""
    screenings = session.scalars(select(Screening).where(Screening.vendor_id == vendor.id).order_by(Screening.id)).all()
    return {
        "format": FORMAT,
        "vendor": {"id": vendor.id, "name": vendor.name, "state": vendor.state, "address": vendor.address},
        "principals": [
            {
                "id": p.id,
                "name": p.name,
                "title": p.title,
                "state": p.state,
                "date_of_birth_given": p.date_of_birth is not None,
            }
            for p in vendor.principals
        ],  # fmt: skip  (a date of birth is personal data: the packet says only that it was used)
        "screenings": [
            {
                "id": s.id,
                "list": s.version.source.value,
                "version_date": s.version.version_date.isoformat(),
                "sha256": s.version.sha256,
                "rows": s.version.row_count,
                "screened_at": audit.iso(s.screened_at),
                "screened_by": s.screened_by,
                "result": "no match" if s.candidates == 0 else f"{s.candidates} candidate(s)",
                "candidates": s.candidates,
                "new_candidates": s.new_candidates,
            }
            for s in screenings
        ],
        "candidates": [candidate_json(c) for c in candidates_of(session, vendor.id)],
    }
