"""The contract pages: the register, the agreement form with its checklist, offboarding; who may read and change."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.helpers import Auth, World, csrf_token
from tests.web.test_evidence import pdf, upload
from vendorcheck import contracts
from vendorcheck.models import Agreement, AuditEvent, Role, Vendor, VendorStatus


def _vendor(dbs: Session, name: str) -> Vendor:
    return dbs.scalars(select(Vendor).where(Vendor.name == name)).one()


@pytest.mark.parametrize("role", [Role.VIEWER, Role.AUDITOR, Role.ASSESSOR, Role.ADMIN])
def test_every_role_reads_the_register_and_only_assessors_and_admins_change(
    client: FlaskClient, auth: Auth, demo_data: World, dbs: Session, role: Role
) -> None:
    auth.login_as(demo_data.users[role])
    page = client.get("/contracts").get_data(as_text=True)
    assert "Business associate agreement (Summit paper)" in page and "Billing services agreement" in page
    assert "Return or destruction of patient information at termination" in page  # Summit's missing clause
    assert "within 60 days" in page  # Keystone's renewal
    summit = _vendor(dbs, "Summit Revenue Partners")
    vendor_page = client.get(f"/vendors/{summit.id}").get_data(as_text=True)
    assert "Agreements" in vendor_page and "1 required clause missing" in vendor_page
    [baa] = contracts.agreements_of(dbs, [summit.id])[summit.id]
    shown = client.get(f"/agreements/{baa.id}").get_data(as_text=True)
    changes = role in (Role.ASSESSOR, Role.ADMIN)
    assert ("Save the agreement" in shown) is changes
    assert ("End this vendor" in vendor_page) is changes
    new = client.get(f"/vendors/{summit.id}/agreements/new")
    assert new.status_code == (200 if changes else 403)
    posted = client.post(f"/agreements/{baa.id}/edit", data={"title": "x", "csrf_token": csrf_token(client, "/")})
    assert (posted.status_code == 403) is not changes


def test_a_refused_agreement_re_renders_with_messages_and_the_input_kept(
    client: FlaskClient, auth: Auth, demo_data: World, dbs: Session
) -> None:
    auth.login_as(demo_data.users[Role.ASSESSOR])
    apex = _vendor(dbs, "Apex RCM Solutions")
    url = f"/vendors/{apex.id}/agreements/new"
    data = {
        "csrf_token": csrf_token(client, url), "kind": "services", "title": "Apex master services",
        "effective_on": "2026-01-01", "term_months": "12", "notice_days": "400",
        "clause-data_export_at_exit": "y", "ref-data_export_at_exit": "Schedule B",
        "clause-ar_runout": "y", "ref-ar_runout": "", "ref-contingency_notice_24h": "§3",
    }  # fmt: skip
    response = client.post(url, data=data)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "The notice period (400 days) is not shorter than the term" in page.replace("the notice", "The notice")
    assert "A/R run-out after termination: give the section or page" in page
    assert "24-hour notice of contingency-plan activation: tick it" in page
    assert 'value="Apex master services"' in page and 'value="Schedule B"' in page and 'value="§3"' in page
    assert dbs.scalars(select(Agreement).where(Agreement.vendor_id == apex.id)).all() == []
    data.update(notice_days="30", **{"ref-ar_runout": "§11", "ref-contingency_notice_24h": ""})
    response = client.post(url, data=data)
    assert response.status_code == 302, response.get_data(as_text=True)
    dbs.rollback()
    [saved] = dbs.scalars(select(Agreement).where(Agreement.vendor_id == apex.id)).all()
    assert saved.clauses == {"data_export_at_exit": "Schedule B", "ar_runout": "§11"} and saved.notice_days == 30


def test_confirming_the_missing_clause_clears_the_finding_on_the_vendor_page(
    client: FlaskClient, auth: Auth, demo_data: World, dbs: Session
) -> None:
    auth.login_as(demo_data.users[Role.ASSESSOR])
    summit = _vendor(dbs, "Summit Revenue Partners")
    [baa] = contracts.agreements_of(dbs, [summit.id])[summit.id]
    before = client.get(f"/vendors/{summit.id}").get_data(as_text=True)
    assert "The BAA does not say: return or destruction of patient information at termination." in before
    url = f"/agreements/{baa.id}"
    data = {"csrf_token": csrf_token(client, url), "kind": "baa", "title": baa.title, "effective_on": "2026-09-15"}
    data |= {f"clause-{c}": "y" for c in baa.clauses} | {f"ref-{c}": r for c, r in baa.clauses.items()}
    data |= {"clause-return_or_destroy": "y", "ref-return_or_destroy": "Amendment 1, §2", "notes": baa.notes}
    assert client.post(f"{url}/edit", data=data).status_code == 302
    after = client.get(f"/vendors/{summit.id}").get_data(as_text=True)
    assert "The BAA does not say" not in after and "Required clauses present" in after


def test_offboarding_through_the_pages_ends_the_vendor(
    client: FlaskClient, auth: Auth, demo_data: World, dbs: Session
) -> None:
    auth.login_as(demo_data.users[Role.ASSESSOR])
    apex = _vendor(dbs, "Apex RCM Solutions")
    url = f"/vendors/{apex.id}/offboarding"
    token = csrf_token(client, url)
    past = (date.today() - timedelta(days=3)).isoformat()
    refused = client.post(f"{url}/start", data={"csrf_token": token, "reason": "Not chosen", "due_on": past})
    assert refused.status_code == 400 and "is in the past" in refused.get_data(as_text=True)
    assert "Not chosen" in refused.get_data(as_text=True)
    due = (date.today() + timedelta(days=20)).isoformat()
    assert (
        client.post(f"{url}/start", data={"csrf_token": token, "reason": "Not chosen", "due_on": due}).status_code
        == 302
    )
    dbs.rollback()
    assert dbs.get(Vendor, apex.id).status == VendorStatus.OFFBOARDING
    missing = client.post(f"{url}/steps", data={"csrf_token": token, "step": "phi_returned_or_destroyed"})
    assert missing.status_code == 400 and "certificate as evidence, then choose it" in missing.get_data(as_text=True)
    # the certificate is filed through the evidence upload, as any document
    filed = upload(
        client, apex, pdf("certificate"), "certificate.pdf", kind="certificate", title="Certificate of destruction"
    )
    assert filed.status_code == 302
    dbs.rollback()
    certificate = next(e.id for e in dbs.get(Vendor, apex.id).evidence if e.title == "Certificate of destruction")
    steps = {
        "access_revoked": {}, "phi_returned_or_destroyed": {"evidence_id": str(certificate)},
        "final_export_received": {}, "ar_runout_arranged": {"note": "Apex keeps working open claims 60 days"},
        "surviving_obligations_noted": {"note": "Backups purged by 2027-03-01"},
    }  # fmt: skip
    for step, extra in steps.items():
        response = client.post(f"{url}/steps", data={"csrf_token": token, "step": step, **extra})
        assert response.status_code == 302, response.get_data(as_text=True)
    dbs.rollback()
    assert dbs.get(Vendor, apex.id).status == VendorStatus.ENDED
    page = client.get(url).get_data(as_text=True)
    assert "Ended on" in page and "Mark done" not in page
    trail = dbs.scalars(select(AuditEvent.action).where(AuditEvent.vendor_id == apex.id)).all()
    assert trail.count("offboarding.step_done") == 5 and "offboarding.ended" in trail


def test_a_viewer_reads_the_offboarding_checklist_but_cannot_tick_it(
    client: FlaskClient, auth: Auth, demo_data: World, dbs: Session
) -> None:
    auth.login_as(demo_data.users[Role.VIEWER])
    keystone = _vendor(dbs, "Keystone Billing Services")
    page = client.get(f"/vendors/{keystone.id}/offboarding").get_data(as_text=True)
    assert "Access revoked" in page and "Mark done" not in page and "Offboarding" in page
    assert (
        client.post(
            f"/vendors/{keystone.id}/offboarding/steps",
            data={"step": "ar_runout_arranged", "csrf_token": csrf_token(client, "/")},
        ).status_code
        == 403
    )
