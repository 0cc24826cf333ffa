"""Screening vendors against public lists: OIG LEIE and SAM.gov exclusions, the HHS OCR breach portal.

``importing`` stores a downloaded list as a dated, hashed version (streamed, all or nothing); ``matching``
(pure) finds candidates for the company and its principals; ``service`` runs screenings, records
principals and a person's decision on each candidate; ``records`` is the stable JSON; ``scheduler`` re-screens
every vendor monthly. What a person confirmed reaches the score through :mod:`vendorcheck.scoring.track`.
No Flask here: the web views and the CLI are thin over these. docs/screening.md describes formats,
thresholds and what each result means.
"""

from __future__ import annotations

from typing import IO

from sqlalchemy.orm import Session

from vendorcheck.audit import Actor
from vendorcheck.enums import CandidateStatus, ListSource
from vendorcheck.screening.formats import LABELS
from vendorcheck.screening.importing import Imported, ListImportError, import_list, newest_version
from vendorcheck.screening.records import candidate_json, records_json, version_json
from vendorcheck.screening.service import (
    ScreeningError,
    SourceStatus,
    add_principal,
    candidates_of,
    decide,
    find_candidate,
    list_label,
    open_counts,
    public_record,
    remove_principal,
    run,
    screen_vendor,
    status,
    subjects_of,
    vendors_in_scope,
)

__all__ = [
    "LABELS",
    "CandidateStatus",
    "Imported",
    "ListImportError",
    "ListSource",
    "ScreeningError",
    "SourceStatus",
    "add_principal",
    "candidate_json",
    "candidates_of",
    "decide",
    "find_candidate",
    "import_and_screen",
    "import_list",
    "list_label",
    "newest_version",
    "open_counts",
    "public_record",
    "records_json",
    "remove_principal",
    "run",
    "screen_vendor",
    "status",
    "subjects_of",
    "vendors_in_scope",
    "version_json",
]


def import_and_screen(
    session: Session, actor: Actor, source: ListSource | str, stream: IO[bytes], filename: str,
    org_id: int | None = None,
) -> Imported:  # fmt: skip
    """Import a list file, then (when it was new) screen every vendor it reaches against the newest version."""
    imported = import_list(session, actor, source, stream, filename, org_id=org_id)
    if imported.created:
        run(session, actor, vendors_in_scope(session, org_id), [imported.version.source])
    return imported
