"""Every endpoint × role × method × organization answers as the capability table says.

The expected outcome of each cell comes from the capability the view declares and the role table in
vendorcheck.permissions: a role without the capability gets 403; with it, its own organization's objects
work and another organization's objects answer 404 (never 403, never data); anonymous visitors are sent
to sign in. Public endpoints are reached by everyone.
"""

from __future__ import annotations

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session
from werkzeug.routing import Rule

from tests.helpers import World, csrf_token
from tests.web.conftest import Targets, methods_of, sign_in, walked_rules
from vendorcheck.models import Role
from vendorcheck.permissions import can
from vendorcheck.web.access import PUBLIC


def _url(rule: Rule, ids: dict[str, int]) -> str:
    values = {arg: ids.get(arg, "no-such-token") for arg in rule.arguments}
    if "question_id" in values:
        values["question_id"] = "baa_will_sign"
    return rule.build(values, append_unknown=False)[1]


def _request(client: FlaskClient, method: str, url: str) -> int:
    """Send one request; a POST carries a valid CSRF token, so what is tested is authorization."""
    data = {"csrf_token": csrf_token(client, "/login")} if method == "POST" else {}
    with client.open(url, method=method, data=data) as response:  # closing ends a streamed response
        return response.status_code


@pytest.mark.parametrize("role", [*Role, None], ids=[*(r.value for r in Role), "anonymous"])
def test_every_endpoint_for_role(app: Flask, dbs: Session, world: World, targets: Targets, role: Role | None):
    failures = []
    for rule in walked_rules(app):
        capability = app.view_functions[rule.endpoint].required_capability
        for method in methods_of(rule):
            for scope, ids in (("own", targets.own), ("other", targets.other)):
                client = app.test_client()
                if role is not None:
                    user = world.users[role]
                    dbs.rollback()  # end the read snapshot: see what earlier requests changed
                    dbs.refresh(user)
                    sign_in(client, user)
                status = _request(client, method, _url(rule, ids))
                expected = _expected(capability, role, scope, rule)
                if not expected(status):
                    failures.append(f"{method} {rule.rule} [{scope}] as {role}: {status} ({expected.__doc__})")
    assert failures == [], "\n".join(failures)


def _expected(capability: str, role: Role | None, scope: str, rule: Rule):
    """What a cell must answer."""
    objects = {"vendor_id", "user_id", "invitation_id", "evidence_id", "assessment_id", "message_id", "agreement_id"}
    has_object = bool(set(rule.arguments) & objects)
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
