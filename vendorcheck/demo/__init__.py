"""The demo: a practice (Riverside Family Medicine) with a user per role, four shortlisted billing companies,
their documents and their answers, so every page has something real to show.

``people`` makes the organization, users and their passwords; ``vendors`` the four companies; ``documents``
their PDFs, stored encrypted; ``answers`` their assessments at different stages of the review; ``screening``
their principals and the demo's public lists (``lists``), with a planted exclusion and breach; ``baseline`` the
practice's own billing (struggling with denials and follow-up); ``lifecycle`` a vendor in use whose reassessment
is overdue and whose documents expire this month, and a prospect that has not answered. ``seed_all``
does all of it, in that order, and is what ``vendorcheck demo`` and the tests both run. Every step is
idempotent: running it again duplicates nothing.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from vendorcheck import audit, db, signing
from vendorcheck.demo.answers import seed_answers
from vendorcheck.demo.baseline import seed_baseline
from vendorcheck.demo.contracts import seed_contracts
from vendorcheck.demo.documents import DOCUMENTS, seed_evidence
from vendorcheck.demo.lifecycle import VENDORS as LIFECYCLE_VENDORS
from vendorcheck.demo.lifecycle import seed_lifecycle
from vendorcheck.demo.people import (
    CREDENTIALS_FILE,
    DEMO_ACTOR,
    ORGANIZATION,
    USERS,
    DemoLogin,
    load_or_create_credentials,
    seed_people,
)
from vendorcheck.demo.screening import seed_screening
from vendorcheck.demo.vendors import VENDORS, seed_vendors
from vendorcheck.evidence import Vault
from vendorcheck.questionnaire.model import Questionnaire

__all__ = [
    "CREDENTIALS_FILE",
    "DEMO_ACTOR",
    "DOCUMENTS",
    "LIFECYCLE_VENDORS",
    "ORGANIZATION",
    "USERS",
    "VENDORS",
    "DemoLogin",
    "DemoReport",
    "load_or_create_credentials",
    "seed",
    "seed_all",
    "seed_answers",
    "seed_evidence",
]


@dataclass
class DemoReport:
    """What a demo seeding did: the logins to print and how many documents and assessments it added."""

    logins: list[DemoLogin]
    documents_added: int
    assessments_created: int


def seed(session: Session, passwords: dict[str, str]) -> list[DemoLogin]:
    """Create what is missing of the demo organization, users and vendors; returns the users' logins."""
    org, logins = seed_people(session, passwords)
    seed_vendors(session, org)
    return logins


def seed_all(
    engine: Engine,
    vault: Vault,
    library: Mapping[str, Questionnaire],
    passwords: dict[str, str],
    signer: signing.Signer | None = None,
) -> DemoReport:
    """Everything the demo has that the database lacks: people and vendors, documents, answers, then screening.

    Each step commits on its own (documents are stored through the upload service, which manages its own
    transactions). With a ``signer``, every audit chain the seeding wrote to is then signed ("demo setup"),
    as ``vendorcheck demo`` does, so the trail verifies from the start.
    """
    with db.transaction(engine) as session:
        logins = seed(session, passwords)
    added = seed_evidence(lambda: db.transaction(engine), vault, ORGANIZATION, DEMO_ACTOR)
    with db.transaction(engine) as session:
        answered = seed_answers(session, ORGANIZATION, library, DEMO_ACTOR)
    with db.transaction(engine) as session:
        seed_screening(session, ORGANIZATION)
    with db.transaction(engine) as session:
        seed_baseline(session, ORGANIZATION)
    seed_lifecycle(lambda: db.transaction(engine), vault, library, ORGANIZATION, DEMO_ACTOR)
    with db.transaction(engine) as session:
        seed_contracts(session, ORGANIZATION)  # agreements, clause checks, an outgoing vendor being offboarded
    if signer is not None:
        audit.sign_waiting(lambda: db.transaction(engine), signer, reason="demo setup")
    return DemoReport(logins, added, answered)
