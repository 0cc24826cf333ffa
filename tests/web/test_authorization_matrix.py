"""Every endpoint × role × method × organization answers as the capability table says.

The expected outcome of each cell comes from the capability the view declares and the role table in
vendorcheck.permissions: a role without the capability gets 403; with it, its own organization's objects
work and another organization's objects answer 404 (never 403, never data); anonymous visitors are sent
to sign in. Public endpoints are reached by everyone.
"""

from __future__ import annotations

from dataclasses import dataclass

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_login.utils import _create_identifier
from sqlalchemy.orm import Session
from werkzeug.routing import Rule

from tests.conftest import PASSWORD, World, csrf_token
from vendorcheck import accounts, assessments, db, evidence, signing, user_sessions
from vendorcheck.audit import Actor
from vendorcheck.models import EvidenceKind, EvidenceVersion, Role, User, Vendor
from vendorcheck.permissions import can
from vendorcheck.web.access import PUBLIC

SKIPPED_ENDPOINTS = {"static"}


@dataclass
class Targets:
    """Objects the URLs point at: one set in the user's organization, one in another."""

    own: dict[str, int]
    other: dict[str, int]


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
            lambda: db.transaction(db.engine(app)),
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
        dbs.commit()
        found.update(assessment_id=assessment.id, number=1)
    return Targets(*ids)


def _rules(app: Flask) -> list[Rule]:
    return [r for r in app.url_map.iter_rules() if r.endpoint not in SKIPPED_ENDPOINTS]


def _url(rule: Rule, ids: dict[str, int]) -> str:
    values = {arg: ids.get(arg, "no-such-token") for arg in rule.arguments}
    if "question_id" in values:
        values["question_id"] = "baa_will_sign"
    return rule.build(values, append_unknown=False)[1]


def _sign_in(client: FlaskClient, user: User) -> None:
    """Put a signed-in session straight into the client's cookie (the sign-in flow has its own tests)."""
    with client.application.test_request_context(environ_base=client.environ_base):
        identifier = _create_identifier()  # what Flask-Login's strong session protection expects
    dbs = Session(db.engine(client.application))
    _record, token = user_sessions.start(dbs, user, None, None)
    dbs.commit()
    dbs.close()
    with client.session_transaction() as session:
        session.clear()
        session["_user_id"] = token  # the server-side session's token, as sign-in stores it
        session["_fresh"] = True
        session["_id"] = identifier


def _request(client: FlaskClient, method: str, url: str) -> int:
    """Send one request; a POST carries a valid CSRF token, so what is tested is authorization."""
    data = {"csrf_token": csrf_token(client, "/login")} if method == "POST" else {}
    with client.open(url, method=method, data=data) as response:  # closing ends a streamed response
        return response.status_code


def _methods(rule: Rule) -> list[str]:
    return sorted(rule.methods - {"HEAD", "OPTIONS"})


def test_matrix_covers_every_endpoint(app: Flask) -> None:
    for rule in _rules(app):
        assert hasattr(app.view_functions[rule.endpoint], "required_capability"), rule.endpoint


@pytest.mark.parametrize("role", [*Role, None], ids=[*(r.value for r in Role), "anonymous"])
def test_every_endpoint_for_role(app: Flask, dbs: Session, world: World, targets: Targets, role: Role | None):
    failures = []
    for rule in _rules(app):
        capability = app.view_functions[rule.endpoint].required_capability
        for method in _methods(rule):
            for scope, ids in (("own", targets.own), ("other", targets.other)):
                client = app.test_client()
                if role is not None:
                    user = world.users[role]
                    dbs.rollback()  # end the read snapshot: see what earlier requests changed
                    dbs.refresh(user)
                    _sign_in(client, user)
                status = _request(client, method, _url(rule, ids))
                expected = _expected(capability, role, scope, rule)
                if not expected(status):
                    failures.append(f"{method} {rule.rule} [{scope}] as {role}: {status} ({expected.__doc__})")
    assert failures == [], "\n".join(failures)


def _expected(capability: str, role: Role | None, scope: str, rule: Rule):
    """What a cell must answer."""
    has_object = bool(set(rule.arguments) & {"vendor_id", "user_id", "invitation_id", "evidence_id", "assessment_id"})
    if capability == PUBLIC:
        return _not_denied
    if role is None:
        return _sent_to_sign_in
    if not can(role, capability):
        return _forbidden
    if scope == "other" and has_object:
        return _not_found
    return _allowed


def _not_denied(status: int) -> bool:
    """public: never 403 or 500"""
    return status not in (403, 500)


def _sent_to_sign_in(status: int) -> bool:
    """anonymous: redirected to sign in"""
    return status == 302


def _forbidden(status: int) -> bool:
    """role lacks the capability: 403"""
    return status == 403


def _not_found(status: int) -> bool:
    """another organization's object: 404"""
    return status == 404


def _allowed(status: int) -> bool:
    """allowed: reaches the view (200, redirect, or a form error), never 403/404/500"""
    return status in (200, 302, 400)
