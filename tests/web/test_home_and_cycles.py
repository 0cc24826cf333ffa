"""The officer's home page, the vendor list's tier and next reassessment, the vendor page's cycle, tier settings,
and a reassessment confirmed section by section in the vendor portal."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.helpers import Auth, World, csrf_token
from vendorcheck import assessments
from vendorcheck.audit import Actor
from vendorcheck.demo import lifecycle
from vendorcheck.demo.answers import answers_for
from vendorcheck.lifecycle import cycles
from vendorcheck.models import (
    Assessment,
    AssessmentStatus,
    AuditEvent,
    PhiVolume,
    ReviewState,
    Role,
    TierSetting,
    Vendor,
    VendorStatus,
)


@pytest.mark.parametrize("role", [Role.ADMIN, Role.ASSESSOR])
def test_officers_land_on_the_home_page_with_the_demo_work(
    client: FlaskClient, auth: Auth, demo_data: World, lifecycle_vendors: dict[str, Vendor], role: Role
) -> None:
    response = auth.login_as(demo_data.users[role])
    assert response.headers["Location"] == "/home"
    page = client.get("/home").get_data(as_text=True)
    groups = {g: page.index(f'id="group-{g}"') for g in ("overdue", "soon", "review", "unanswered")}
    assert list(groups) == sorted(groups, key=groups.get), "the groups come in their order"
    overdue = page[groups["overdue"] : groups["soon"]]
    northwind = lifecycle_vendors["Northwind"]
    assert "Reassessment due (tier 1, every 12 months)" in overdue
    assert f'href="/vendors/{northwind.id}"' in overdue
    assert re.search(r"\d+ days overdue", overdue)
    copperline = lifecycle_vendors["Copperline"]
    [late] = [a for a in copperline.assessments]
    assert f"/assessments/{late.id}" in overdue and "7 days overdue" in overdue  # not answered and past due
    soon = page[groups["soon"] : groups["review"]]
    assert "Certificate of cyber liability insurance expires" in soon and "in 25 days" in soon
    assert "Penetration test attestation letter expires" in soon and "in 9 days" in soon
    review = page[groups["review"] : groups["unanswered"]]
    assert "Review the answers to" in review and "waiting now" in review
    assert 'aria-current="page">Home</a>' in page
    # One click from the work: every link on the rows opens.
    for href in re.findall(r'<td><a href="([^"]+)">', page):
        assert client.get(href).status_code == 200, href


@pytest.mark.parametrize("role", [Role.VIEWER, Role.AUDITOR])
def test_the_owner_and_the_auditor_keep_the_vendor_list(
    client: FlaskClient, auth: Auth, world: World, role: Role
) -> None:
    assert auth.login_as(world.users[role]).headers["Location"] == "/"
    assert client.get("/home").status_code == 403
    assert ">Home</a>" not in client.get("/").get_data(as_text=True)


def test_an_empty_home_page_says_so_in_plain_words(client: FlaskClient, auth: Auth, world: World) -> None:
    auth.login_as(world.users[Role.ASSESSOR])
    page = client.get("/home").get_data(as_text=True)
    assert "Nothing is due" in page and "<table" not in page


def test_the_vendor_list_shows_tier_and_next_reassessment_without_a_query_per_vendor(
    app: Flask, client: FlaskClient, auth: Auth, demo_data: World, lifecycle_vendors: dict[str, Vendor], dbs: Session
) -> None:
    from sqlalchemy import event

    from vendorcheck.web import database

    auth.login_as(demo_data.users[Role.VIEWER])
    statements: list[str] = []
    engine = database.engine(app)

    def count(*args: object) -> None:
        statements.append(str(args[2]))

    event.listen(engine, "before_cursor_execute", count)
    try:
        page = client.get("/").get_data(as_text=True)
        few = len(statements)
        dbs.rollback()
        for index in range(12):  # more vendors, all selected: the page's queries do not grow with them
            dbs.add(Vendor(org_id=demo_data.org.id, name=f"Extra {index}", status=VendorStatus.SELECTED))
        dbs.commit()
        statements.clear()
        client.get("/")
        assert len(statements) <= few + 2
    finally:
        event.remove(engine, "before_cursor_execute", count)
    assert '<th scope="col">Tier</th>' in page and "Next reassessment" in page
    row = page[page.index(lifecycle.NORTHWIND) :].split("</tr>")[0]
    assert "days overdue" in row


def test_raising_the_tier_needs_a_reason_and_lowering_is_refused(
    client: FlaskClient, auth: Auth, world: World, dbs: Session
) -> None:
    vendor = Vendor(org_id=world.org.id, name="Tiered Billing", processes_phi=True, status=VendorStatus.SELECTED)
    dbs.add(vendor)
    dbs.commit()
    auth.login_as(world.users[Role.ASSESSOR])
    page = f"/vendors/{vendor.id}"
    assert "Tier 2" in client.get(page).get_data(as_text=True)
    lowered = client.post(f"{page}/tier", data={"csrf_token": csrf_token(client, page), "tier": "3", "reason": "x"})
    assert lowered.status_code == 400 and "never lowered below the profile" in lowered.get_data(as_text=True)
    unexplained = client.post(f"{page}/tier", data={"csrf_token": csrf_token(client, page), "tier": "1"})
    assert unexplained.status_code == 400 and "Give the reason" in unexplained.get_data(as_text=True)
    raised = client.post(
        f"{page}/tier", data={"csrf_token": csrf_token(client, page), "tier": "1", "reason": "Breach last spring"}
    )
    assert raised.status_code == 302
    text = client.get(page).get_data(as_text=True)
    assert "raised by the compliance officer from tier 2" in text and "Breach last spring" in text
    dbs.rollback()
    assert dbs.scalars(select(AuditEvent).where(AuditEvent.action == "vendor.tier_changed")).one().details["to"] == 1


def test_admin_edits_intervals_and_bad_input_is_kept_with_the_message(
    client: FlaskClient, auth: Auth, world: World, dbs: Session
) -> None:
    auth.login_as(world.users[Role.ADMIN])
    page = client.get("/admin/tiers").get_data(as_text=True)
    assert 'name="months-1"' in page and 'value="12"' in page
    data = {
        "csrf_token": csrf_token(client, "/admin/tiers"),
        "months-1": "61",
        "months-2": "18",
        "months-3": "36",
        "q-1": ["hipaa-security", "soc2-review"],
        "q-2": ["hipaa-security"],
        "q-3": ["hipaa-security"],
    }
    refused = client.post("/admin/tiers", data=data)
    text = refused.get_data(as_text=True)
    assert refused.status_code == 400 and "1 to 60 months" in text and 'value="61"' in text and 'value="18"' in text
    assert dbs.scalars(select(TierSetting)).first() is None
    data["months-1"] = "6"
    assert client.post("/admin/tiers", data=data).status_code == 302
    dbs.rollback()
    assert cycles.intervals(dbs, world.org.id) == {1: 6, 2: 18, 3: 36}
    auth.logout()
    auth.login_as(world.users[Role.ASSESSOR])
    assert client.get("/admin/tiers").status_code == 403


def test_a_reassessment_in_the_portal_and_the_review(
    app: Flask, client: FlaskClient, auth: Auth, world: World, dbs: Session
) -> None:
    """Started from the vendor page, confirmed section by section by the vendor, reviewed as changes only."""
    library = app.extensions["vendorcheck.questionnaires"]
    vendor = Vendor(
        org_id=world.org.id, name="Portal Billing", processes_phi=True, phi_volume=PhiVolume.LOW,
        status=VendorStatus.SELECTED,
    )  # fmt: skip
    dbs.add(vendor)
    dbs.flush()
    actor = Actor.cli()
    cycles.save_policies(dbs, actor, world.org.id, {2: (24, ["hipaa-security"])}, list(library))
    first = assessments.create(dbs, actor, vendor, [library["hipaa-security"]])
    chosen = answers_for(library["hipaa-security"], 0.9, {}, date(2026, 1, 1), "portal")
    entries = {
        q: assessments.Entry(raw=[str(x) for x in v] if isinstance(v, list) else str(v)) for q, v in chosen.items()
    }
    assert not assessments.save(dbs, actor, assessments.sheet_of(dbs, first), entries, on_behalf=True).errors
    sheet = assessments.sheet_of(dbs, first)
    later = {q.id: assessments.Entry(raw="later") for q in sheet.visible() if q.type == "evidence"}
    assert not assessments.save(dbs, actor, sheet, later, on_behalf=True).errors
    sheet = assessments.sheet_of(dbs, first)
    first.status = AssessmentStatus.SUBMITTED
    for question in sheet.visible():
        assessments.review(dbs, actor, sheet, question.id, "accept")
    assessments.complete(dbs, actor, sheet)
    dbs.commit()

    auth.login_as(world.users[Role.ASSESSOR])
    page = f"/vendors/{vendor.id}"
    assert "Start reassessment" in client.get(page).get_data(as_text=True)
    due = (date.today() + timedelta(days=20)).isoformat()
    started = client.post(f"{page}/reassess", data={"csrf_token": csrf_token(client, page), "due_date": due})
    assert started.status_code == 302
    dbs.rollback()
    second = dbs.scalars(select(Assessment).where(Assessment.carried_from_id == first.id)).one()
    assert second.due_date.isoformat() == due
    again = client.post(f"{page}/reassess", data={"csrf_token": csrf_token(client, page)})
    assert again.status_code == 400 and "still open" in again.get_data(as_text=True)
    token = assessments.issue_link(dbs, actor, second)
    dbs.commit()
    auth.logout()

    overview = client.get(f"/a/{token}").get_data(as_text=True)
    assert "carried over: confirm or change" in overview
    section = client.get(f"/a/{token}/s/1").get_data(as_text=True)
    assert "Carried over from your last answers — confirm or change" in section
    refused = client.post(f"/a/{token}/submit", data={"csrf_token": csrf_token(client, f"/a/{token}")})
    assert refused.status_code == 302
    assert "confirm or change them first" in client.get(f"/a/{token}").get_data(as_text=True)
    sheet = assessments.sheet_of(dbs, second)
    for number in range(1, len(sheet.sections) + 1):
        form_page = f"/a/{token}/s/{number}"
        text = client.get(form_page).get_data(as_text=True)
        if "Confirm these answers" not in text:
            continue
        fields = dict(re.findall(r'name="(seen-[^"]+)" value="([^"]+)"', text))
        posted = {"csrf_token": csrf_token(client, form_page), "go": "confirm", **fields}
        for qid in (name[5:] for name in fields):
            answer = sheet.answers.get(qid)
            if answer is not None and not answer.not_applicable and answer.value is not None:
                posted[f"q-{qid}"] = answer.value
            if answer is not None and answer.not_applicable:
                posted[f"na-{qid}"] = "1"
        confirmed = client.post(form_page, data=posted)
        assert confirmed.status_code == 302, re.findall(
            r'class="error" role="alert">([^<]+)', confirmed.get_data(as_text=True)
        )
        assert "You confirmed this section" in client.get(form_page).get_data(as_text=True)
    submitted = client.post(f"/a/{token}/submit", data={"csrf_token": csrf_token(client, f"/a/{token}")})
    assert submitted.status_code == 302
    dbs.rollback()
    assert dbs.get(Assessment, second.id).status == AssessmentStatus.SUBMITTED

    auth.login_as(world.users[Role.ASSESSOR])
    review = client.get(f"/assessments/{second.id}").get_data(as_text=True)
    assert "A reassessment, pre-filled" in review and "Unchanged since last time" in review
    assert "Changed since last time" not in review
    routine = int(re.search(r"Accept the (\d+) answers? that need no attention", review).group(1))
    assert f"<strong>0 of {routine}</strong> answers reviewed" in review  # everything unchanged: routine
    vendor_page = client.get(page).get_data(as_text=True)
    assert vendor_page.count("/assessments/") >= 2 and "Pre-filled from the cycle completed before it" in vendor_page
    assert {a.review_state for a in dbs.get(Assessment, second.id).answers} == {ReviewState.PENDING}


def test_every_cycle_stays_in_the_packet(
    app: Flask, client: FlaskClient, auth: Auth, demo_data: World, lifecycle_vendors: dict[str, Vendor], dbs: Session
) -> None:
    import io
    import zipfile

    from vendorcheck import signing
    from vendorcheck.packets.verify import verify as verify_packet

    home = app.config["VENDORCHECK_SETTINGS"].home
    signing.create_signing_key(home)  # as `vendorcheck init` makes it
    northwind = lifecycle_vendors["Northwind"]
    [first] = northwind.assessments
    second = cycles.start_reassessment(dbs, Actor.cli(), northwind, app.extensions["vendorcheck.questionnaires"])
    dbs.commit()
    auth.login_as(demo_data.users[Role.AUDITOR])
    page = f"/vendors/{northwind.id}"
    response = client.post(f"{page}/packet", data={"csrf_token": csrf_token(client, page)})
    assert response.status_code == 200
    data = response.get_data()
    assert verify_packet(io.BytesIO(data), signing.verification_keys(home)).ok
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        names = archive.namelist()
        report = next(archive.read(n).decode() for n in names if n.endswith("data/report.html"))
    assert any(n.endswith(f"answers/assessment-{first.id}.json") for n in names)
    assert any(n.endswith(f"answers/assessment-{second.id}.json") for n in names)
    assert first.title in report and second.title in report
