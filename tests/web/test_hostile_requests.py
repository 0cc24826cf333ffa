"""Request shapes an outside test found answering 500 (issue 15, finding 8) now get a clear 400 or 404."""

from __future__ import annotations

import io
from datetime import date

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session
from werkzeug.routing import IntegerConverter

from tests.conftest import World, csrf_token
from tests.web.conftest import Targets, methods_of, sign_in, token_for, walked_rules
from tests.web.test_evidence import pdf, post_multipart, stored
from vendorcheck.models import Role
from vendorcheck.questionnaire.model import EvidenceRule
from vendorcheck.web.ids import MAX_ID, parse_ids

SENTINEL = 424242424242
BEYOND_IDS = [str(MAX_ID + 1), str(2**64), "9" * 30, "9" * 5000]


def _client(app: Flask, world: World, role: Role = Role.ADMIN) -> FlaskClient:
    client = app.test_client()
    sign_in(client, world.users[role])
    return client


@pytest.mark.parametrize("number", BEYOND_IDS, ids=["2**63", "2**64", "30 digits", "5000 digits"])
def test_an_id_beyond_64_bits_in_any_url_is_not_found(app: Flask, world: World, targets: Targets, number: str) -> None:
    failures = []
    for rule in walked_rules(app):
        for arg in [a for a in rule.arguments if isinstance(rule._converters[a], IntegerConverter)]:
            values = {a: targets.own.get(a, token_for(targets, rule.endpoint)) for a in rule.arguments}
            values.update(question_id="baa_will_sign", **{arg: SENTINEL})
            path = rule.build(values, append_unknown=False)[1].replace(str(SENTINEL), number)
            for method in methods_of(rule):
                status = _client(app, world).open(path, method=method).status_code
                if status != 404:
                    failures.append(f"{method} {rule.rule} with {arg}={number[:30]}: {status}")
    assert failures == []


def test_every_integer_in_a_route_is_bounded(app: Flask) -> None:
    converters = {type(c).__name__ for r in app.url_map.iter_rules() for c in r._converters.values()}
    assert "IntegerConverter" not in converters


def test_vendor_ids_in_the_decision_form_and_comparison_query_are_range_checked(
    app: Flask, world: World, targets: Targets
) -> None:
    viewer = _client(app, world, Role.VIEWER)
    hostile = ",".join([*BEYOND_IDS, "²", "-1", str(targets.own["vendor_id"])])
    response = viewer.post("/decision", data={"csrf_token": csrf_token(viewer, "/compare"), "vendors": hostile})
    assert response.status_code == 302  # back to the comparison with the reason, as for any unscored choice
    query = "&".join(f"vendor={v}" for v in hostile.split(","))
    assert viewer.get(f"/compare?{query}").status_code == 200
    assert viewer.get(f"/compare.csv?{query}").status_code in (200, 400)


def test_parse_ids_keeps_only_database_ids() -> None:
    assert parse_ids(["1", " 2 ", "2", str(MAX_ID), str(MAX_ID + 1), "²", "-3", "1e3", "", "0x10"]) == [1, 2, MAX_ID]


def test_a_line_break_in_the_portal_anchor_never_reaches_the_redirect(
    app: Flask, world: World, targets: Targets
) -> None:
    vendor = app.test_client()
    token = targets.tokens["portal."]
    section = f"/a/{token}/s/1"
    token_field = csrf_token(vendor, section)
    for at, anchor in [
        ("q-baa_will_sign\r\nSet-Cookie: stolen=1", None),
        ("q-baa_will_sign", "#q-baa_will_sign"),
        ("q-not_in_this_section", None),
    ]:
        response = vendor.post(section, data={"csrf_token": token_field, "q-baa_will_sign": "yes", "at": at})
        assert response.status_code == 302
        location = response.headers["Location"]
        assert "\r" not in location and "\n" not in location and "stolen" not in response.headers.get("Set-Cookie", "")
        assert location.endswith(anchor or section), location


def test_a_document_issued_on_the_calendars_last_day_is_refused_with_the_reason(
    app: Flask, dbs: Session, world: World, targets: Targets
) -> None:
    assessor = _client(app, world, Role.ASSESSOR)
    path = f"/vendors/{targets.own['vendor_id']}/evidence/new"
    before = stored(dbs)
    form = {
        "csrf_token": csrf_token(assessor, path),
        "kind": "baa",
        "title": "BAA",
        "question_ids": "baa_will_sign",  # 1095 days of validity, counted from the issue date
        "issued_on": "9999-12-31",
        "document": (io.BytesIO(pdf()), "baa.pdf"),
    }
    response = post_multipart(assessor, path, form)
    assert response.status_code == 400
    assert "This date is after today" in response.get_data(as_text=True)

    vendor = app.test_client()
    token = targets.tokens["portal."]
    slot = f"/a/{token}/q/baa_will_sign/evidence"
    form = {"csrf_token": csrf_token(vendor, f"/a/{token}/s/1"), "issued_on": "9999-12-31"}
    response = post_multipart(vendor, slot, {**form, "file": (io.BytesIO(pdf()), "baa.pdf")})
    assert response.status_code == 302
    page = vendor.get(response.headers["Location"]).get_data(as_text=True)
    assert "The document was not stored: This date is after today" in page
    assert stored(dbs) == before


def test_validity_past_the_calendars_end_never_expires() -> None:
    rule = EvidenceRule(kind="baa", required=True, valid_days=1095)
    assert rule.expires(date(9999, 12, 30)) == date.max
    assert rule.expires(date(2026, 1, 10)) == date(2029, 1, 9)


def test_the_audit_trail_filters_up_to_the_calendars_last_day(app: Flask, world: World) -> None:
    auditor = _client(app, world, Role.AUDITOR)
    for path in ("/audit/?until=9999-12-31", "/audit/?since=0001-01-01&until=9999-12-31"):
        page = auditor.get(path)
        assert page.status_code == 200 and "user.create" in page.get_data(as_text=True)
    export = auditor.get("/audit/export.csv?until=9999-12-31")
    assert export.status_code == 200 and "user.create" in export.get_data(as_text=True)
    assert auditor.get("/audit/?until=0000-00-00").status_code == 400
