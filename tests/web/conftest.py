"""What the tests that walk every route share: objects for the URLs to point at, signing in, the routes.

The authorization matrix and the fuzz test both walk ``app.url_map``; the objects are seeded here, once.
The demo's vendors (``vendors``) come from the demo template (see ``demo_data`` in tests/conftest.py).
"""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_login.utils import _create_identifier
from sqlalchemy import event, select
from sqlalchemy.orm import Session
from werkzeug.routing import Rule

from tests.helpers import PASSWORD, Auth, World
from vendorcheck import accounts, assessments, contracts, db, demo, evidence, signing
from vendorcheck.accounts import sessions as user_sessions
from vendorcheck.audit import Actor
from vendorcheck.enums import MailKind
from vendorcheck.mail import outbox
from vendorcheck.models import (
    AuditEvent,
    Evidence,
    EvidenceKind,
    EvidenceVersion,
    Organization,
    OrgScoped,
    Role,
    User,
    UserSession,
    Vendor,
)
from vendorcheck.web import database

SKIPPED_ENDPOINTS = {"static"}


@pytest.fixture(autouse=True)
def every_change_a_request_commits_is_audited() -> Iterator[None]:
    """Fail a web test whose requests committed a change to an organization's data with no audit event.

    The page cache (``web.pagecache``) keys kept pages on the audit chains' heads: a change that appended nothing
    would leave kept pages stale. Two writes are exempt: a session's last-seen time (no kept page shows it) and a
    document's reservation at the start of an upload (no page lists a document before its first complete
    version, whose completion is audited).
    """
    problems: list[str] = []

    def changed(session: Session) -> set[str]:
        rows = [o for o in session.new if not isinstance(o, Evidence | UserSession)]
        rows += [o for o in session.dirty if session.is_modified(o) and not isinstance(o, UserSession)]
        rows += list(session.deleted)
        return {type(o).__name__ for o in rows if isinstance(o, OrgScoped)}

    def after_flush(session: Session, _context: object) -> None:
        if session.info.get("request"):
            session.info.setdefault("changed", set()).update(changed(session))
            if any(isinstance(o, AuditEvent) for o in session.new):
                session.info["audited"] = True

    def before_commit(session: Session) -> None:
        if session.info.get("request"):
            if session.info.get("changed") and not session.info.get("audited"):
                problems.append(", ".join(sorted(session.info["changed"])))
            forget(session)

    def forget(session: Session, *_args: object) -> None:
        session.info.pop("changed", None)
        session.info.pop("audited", None)

    hooks = [("after_flush", after_flush), ("before_commit", before_commit), ("after_soft_rollback", forget)]
    for name, hook in hooks:
        event.listen(Session, name, hook)
    yield
    for name, hook in hooks:
        event.remove(Session, name, hook)
    assert not problems, f"changes committed with no audit event (kept pages would be stale): {problems}"


@dataclass
class Targets:
    """Objects the URLs point at: one set in the user's organization, one in another; live links of the first."""

    own: dict[str, int]
    other: dict[str, int]
    tokens: dict[str, str] = field(default_factory=dict)  # endpoint prefix -> a working token for its <token>


def seed_links(app: Flask, dbs: Session, org: Organization, vendor_id: int) -> tuple[int, dict[str, str]]:
    """A new assessment with a live vendor link, an invitation and a password reset in ``org``.

    Returns the assessment's id and the tokens by the endpoint that takes them.
    """
    library = app.extensions["vendorcheck.questionnaires"]
    assessment = assessments.create(dbs, Actor.cli(), dbs.get(Vendor, vendor_id), [library["hipaa-security"]])
    vendor_token = assessments.issue_link(dbs, Actor.cli(), assessment)
    serial = secrets.token_hex(4)  # unique whichever copy of this module runs
    _, invitation = accounts.invite(dbs, org, f"newcomer{serial}@{org.id}.example", Role.VIEWER, Actor.cli())
    resettable = accounts.create_user(dbs, org, f"forgetful{serial}@{org.id}.example", Role.VIEWER, PASSWORD)
    _, reset = accounts.issue_password_reset(dbs, resettable, Actor.cli())
    dbs.commit()
    return assessment.id, {"portal.": vendor_token, "auth.invitation": invitation, "auth.reset": reset}


@pytest.fixture
def vendor(dbs: Session, world: World) -> Vendor:
    """A vendor of the signed-in users' organization with the default profile (no PHI)."""
    found = Vendor(org_id=world.org.id, name="Acme Billing")
    dbs.add(found)
    dbs.commit()
    return found


@pytest.fixture
def assessor(auth: Auth, world: World) -> Auth:
    """The client signed in as the organization's compliance officer."""
    auth.login_as(world.users[Role.ASSESSOR])
    return auth


@pytest.fixture
def vendors(dbs: Session, demo_data: World) -> dict[str, Vendor]:
    """The demo's four vendors in the signed-in users' organization, with answers and documents, by first word
    (the lifecycle story's vendors, ``demo.LIFECYCLE_VENDORS``, are left out: see ``lifecycle_vendors``)."""
    names = {spec["name"] for spec in demo.VENDORS}
    found = dbs.scalars(select(Vendor).where(Vendor.org_id == demo_data.org.id, Vendor.name.in_(names)))
    return {v.name.split()[0]: v for v in found}


@pytest.fixture
def lifecycle_vendors(dbs: Session, demo_data: World) -> dict[str, Vendor]:
    """The demo's lifecycle story (a reassessment overdue, a vendor that has not answered), by first word."""
    names = {spec["name"] for spec in demo.LIFECYCLE_VENDORS}
    found = dbs.scalars(select(Vendor).where(Vendor.org_id == demo_data.org.id, Vendor.name.in_(names)))
    return {v.name.split()[0]: v for v in found}


@pytest.fixture
def targets(app: Flask, dbs: Session, world: World) -> Targets:
    """A vendor and a spare user in each organization (spare, so actions on them harm no signed-in user)."""
    signing.create_signing_key(app.config["VENDORCHECK_SETTINGS"].home)  # as `vendorcheck init` makes
    ids: list[dict[str, int]] = []
    for org in (world.org, world.other_org):
        vendor = Vendor(org_id=org.id, name=f"Vendor of {org.name}")
        dbs.add(vendor)
        spare = accounts.create_user(dbs, org, f"spare@{org.id}.example", Role.VIEWER, PASSWORD)
        invitation, _ = accounts.invite(dbs, org, f"invited@{org.id}.example", Role.VIEWER, Actor.cli())
        dbs.flush()
        ids.append({"vendor_id": vendor.id, "user_id": spare.id, "invitation_id": invitation.id, "version_no": 1})
    dbs.commit()
    for org, found in zip((world.org, world.other_org), ids, strict=True):
        version_id = evidence.store_bytes(
            lambda: db.transaction(database.engine(app)),
            app.extensions["vendorcheck.vault"],
            Actor.cli(),
            found["vendor_id"],
            org.id,
            "policy.txt",
            iter([b"Access control policy\n"]),
            details=evidence.EvidenceDetails(EvidenceKind.POLICY, "Access control policy"),
        )
        dbs.rollback()  # a fresh snapshot, after the upload committed
        found["evidence_id"] = dbs.get(EvidenceVersion, version_id).evidence_id
        library = app.extensions["vendorcheck.questionnaires"]
        assessment = assessments.create(
            dbs, Actor.cli(), dbs.get(Vendor, found["vendor_id"]), [library["hipaa-security"]]
        )
        message = outbox.queue(dbs, org.id, outbox_draft(f"target:{org.id}"))
        agreement = contracts.add(
            dbs, Actor.cli(), dbs.get(Vendor, found["vendor_id"]),
            contracts.AgreementInput("baa", "Business associate agreement", date(2026, 1, 1), term_months=24),
        )  # fmt: skip
        dbs.commit()
        found.update(assessment_id=assessment.id, number=1, message_id=message.id, agreement_id=agreement.id)
    _, tokens = seed_links(app, dbs, world.org, ids[0]["vendor_id"])
    return Targets(*ids, tokens=tokens)


def outbox_draft(key: str, recipient: str = "officer@riverside.example") -> outbox.Draft:
    """A reminder for the outbox, as the reminders service would queue it."""
    subject = "[vendorcheck] A reminder"
    return outbox.Draft(MailKind.REMINDER, recipient, subject, "Text body\n", "<p>HTML body</p>", key)


def token_for(targets: Targets, endpoint: str) -> str | None:
    """The working token ``endpoint`` takes in its URL, if the seed made one."""
    return next((token for prefix, token in targets.tokens.items() if endpoint.startswith(prefix)), None)


def walked_rules(app: Flask) -> list[Rule]:
    """Every route a person or a vendor can reach."""
    return [r for r in app.url_map.iter_rules() if r.endpoint not in SKIPPED_ENDPOINTS]


def methods_of(rule: Rule) -> list[str]:
    """The methods a route's view answers (HEAD and OPTIONS are Flask's own)."""
    return sorted(rule.methods - {"HEAD", "OPTIONS"})


def sign_in(client: FlaskClient, user: User, base_url: str = "http://localhost") -> None:
    """Put a signed-in session straight into the client's cookie (the sign-in flow has its own tests)."""
    with client.application.test_request_context(environ_base=client.environ_base):
        identifier = _create_identifier()  # what Flask-Login's strong session protection expects
    dbs = Session(database.engine(client.application))
    _record, token = user_sessions.start(dbs, user, None, None)
    dbs.commit()
    dbs.close()
    with client.session_transaction(base_url=base_url) as session:
        session.clear()
        session["_user_id"] = token  # the server-side session's token, as sign-in stores it
        session["_fresh"] = True
        session["_id"] = identifier
