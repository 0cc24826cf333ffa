"""The questionnaire runner through Flask's test client: link, drafts, conditions, submit, review, spreadsheets."""

from __future__ import annotations

import io
import re
import secrets
from datetime import timedelta

import openpyxl
import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.helpers import Auth, World, csrf_token
from tests.web.test_evidence import pdf, post_multipart, stored
from vendorcheck import assessments
from vendorcheck.audit import Actor
from vendorcheck.models import (
    ActorKind,
    Answer,
    Assessment,
    AssessmentStatus,
    AuditEvent,
    Evidence,
    EvidenceKind,
    EvidenceReview,
    ReviewState,
    Role,
    Vendor,
    utcnow,
)

LINK_RE = re.compile(r'<code id="issued-link">https?://[^/]+(/a/[^<]+)</code>')
QUESTION_RE = re.compile(r'<fieldset[^>]*\bdata-question="([^"]+)"([^>]*)>')


def shown_questions(page: str) -> set[str]:
    """The questions a section page shows; the follow-ups the answers do not ask are there, hidden and disabled."""
    return {qid for qid, rest in QUESTION_RE.findall(page) if not re.search(r"\bhidden\b", rest)}


def create_and_send(client: FlaskClient, auth: Auth, world: World, vendor: Vendor, *keys: str) -> tuple[int, str]:
    auth.login_as(world.users[Role.ASSESSOR])
    path = f"/vendors/{vendor.id}/assessments/new"
    response = client.post(
        path,
        data={"csrf_token": csrf_token(client, path), "questionnaires": list(keys), "contact_email": "it@acme.example"},
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    assessment_id = int(response.headers["Location"].rsplit("/", 1)[1])
    page = f"/assessments/{assessment_id}"
    response = client.post(f"{page}/link", data={"csrf_token": csrf_token(client, page), "days": "14"})
    link = LINK_RE.search(response.get_data(as_text=True))
    assert link, response.get_data(as_text=True)
    return assessment_id, link.group(1)


def vendor_post(vendor_client: FlaskClient, link: str, number: int, data: dict) -> object:
    path = f"{link}/s/{number}"
    return vendor_client.post(path, data={"csrf_token": csrf_token(vendor_client, path), **data})


def answers(dbs: Session, assessment_id: int) -> dict[str, Answer]:
    dbs.rollback()
    return {a.question_id: a for a in dbs.scalars(select(Answer).where(Answer.assessment_id == assessment_id))}


def test_a_vendor_answers_through_the_link_and_the_assessor_reviews(
    app: Flask, client: FlaskClient, auth: Auth, dbs: Session, world: World, vendor: Vendor
) -> None:
    assessment_id, link = create_and_send(client, auth, world, vendor, "soc2-review")
    dbs.rollback()
    stored = dbs.get(Assessment, assessment_id)
    token = link.rsplit("/", 1)[1]
    assert stored.link_token_hash == assessments.token_hash(token) and token not in str(stored.link_token_hash)
    assert stored.status == AssessmentStatus.SENT

    vendor_client = app.test_client()
    overview = vendor_client.get(link)
    assert overview.status_code == 200 and "Acme Billing" in overview.get_data(as_text=True)
    # Before "do you have a report?" is answered, its follow-ups are hidden (the server decides).
    page = vendor_client.get(f"{link}/s/1").get_data(as_text=True)
    assert "soc2_has_report" in shown_questions(page) and "soc2_report_type" not in shown_questions(page)
    assert 'id="q-soc2_report_type"' in page  # there for the page's script to show, hidden and disabled
    assert vendor_post(vendor_client, link, 1, {"q-soc2_has_report": "yes"}).status_code == 302
    page = vendor_client.get(f"{link}/s/1").get_data(as_text=True)
    assert {"soc2_report_type", "soc2_period_end"} <= shown_questions(page)

    # A bad answer re-renders with its message; the good answers beside it are saved, the bad input kept.
    response = vendor_post(
        vendor_client,
        link,
        1,
        {
            "q-soc2_has_report": "yes",
            "q-soc2_report_type": "type_2",
            "q-soc2_period_end": "June 30th",
            "c-soc2_report_type": "Covers 12 months",
        },
    )
    assert response.status_code == 400
    body = response.get_data(as_text=True)
    assert "Enter a date as YYYY-MM-DD" in body and 'value="June 30th"' in body
    saved = answers(dbs, assessment_id)
    assert saved["soc2_report_type"].value == "type_2" and saved["soc2_report_type"].comment == "Covers 12 months"
    assert "soc2_period_end" not in saved

    # Submitting with questions left open names them and locks nothing.
    submit = vendor_client.post(f"{link}/submit", data={"csrf_token": csrf_token(vendor_client, f"{link}/s/1")})
    assert submit.status_code == 400 and "still need an answer" in submit.get_data(as_text=True)

    # Saying "no report" hides every follow-up, so one answer completes the questionnaire.
    vendor_post(vendor_client, link, 1, {"q-soc2_has_report": "no"})
    for _ in range(2):  # a double submit is harmless
        submit = vendor_client.post(f"{link}/submit", data={"csrf_token": csrf_token(vendor_client, f"{link}/s/1")})
        assert submit.status_code == 302
    dbs.rollback()
    assert dbs.get(Assessment, assessment_id).status == AssessmentStatus.SUBMITTED
    assert vendor_post(vendor_client, link, 1, {"q-soc2_has_report": "yes"}).status_code == 302
    assert answers(dbs, assessment_id)["soc2_has_report"].value == "no"  # locked

    # The assessor asks for a clarification; only that answer reopens, highlighted with the question.
    page = f"/assessments/{assessment_id}"
    review = f"{page}/answers/soc2_has_report/review"
    response = client.post(review, data={"csrf_token": csrf_token(client, page), "action": "clarify", "note": ""})
    assert response.status_code == 400 and "Write what the vendor should clarify" in response.get_data(as_text=True)
    client.post(
        review,
        data={"csrf_token": csrf_token(client, page), "action": "clarify", "note": "Is a SOC 2 report in progress?"},
    )
    client.post(f"{page}/send-back", data={"csrf_token": csrf_token(client, page)})
    dbs.rollback()
    assert dbs.get(Assessment, assessment_id).status == AssessmentStatus.IN_PROGRESS
    section = vendor_client.get(f"{link}/s/1").get_data(as_text=True)
    assert "Is a SOC 2 report in progress?" in section and 'class="question clarify"' in section
    vendor_post(
        vendor_client,
        link,
        1,
        {"q-soc2_has_report": "no", "c-soc2_has_report": "Our first Type II audit starts in January."},
    )
    vendor_client.post(f"{link}/submit", data={"csrf_token": csrf_token(vendor_client, f"{link}/s/1")})
    assert answers(dbs, assessment_id)["soc2_has_report"].review_state == ReviewState.PENDING

    # Override with a reason, then complete; the link closes.
    response = client.post(
        review,
        data={"csrf_token": csrf_token(client, page), "action": "override", "override": "no", "note": ""},
    )
    assert "Give the reason for overriding" in response.get_data(as_text=True)
    client.post(review, data={"csrf_token": csrf_token(client, page), "action": "accept"})
    client.post(f"{page}/complete", data={"csrf_token": csrf_token(client, page)})
    dbs.rollback()
    assert dbs.get(Assessment, assessment_id).status == AssessmentStatus.COMPLETED
    assert vendor_client.get(link).status_code == 410
    actions = [e.action for e in assessments.timeline(dbs, dbs.get(Assessment, assessment_id))]
    assert actions[:3] == ["assessment.created", "assessment.link_issued", "answers.saved"]
    assert {
        "assessment.submitted",
        "assessment.clarification_requested",
        "answer.reviewed",
        "assessment.completed",
    } <= set(actions)
    assert "Timeline" in client.get(page).get_data(as_text=True)


def test_expired_revoked_and_unknown_links_name_who_to_contact(
    app: Flask, client: FlaskClient, auth: Auth, dbs: Session, world: World, vendor: Vendor
) -> None:
    assessment_id, link = create_and_send(client, auth, world, vendor, "billing-vendor")
    vendor_client = app.test_client()
    assert vendor_client.get(link).status_code == 200
    dbs.rollback()
    stored = dbs.get(Assessment, assessment_id)
    stored.link_expires_at = utcnow() - timedelta(minutes=1)
    dbs.commit()
    page = vendor_client.get(link)
    assert page.status_code == 410
    text = page.get_data(as_text=True)
    assert "This link has expired." in text and "assessor@riverside.example" in text
    # A new link replaces the old one; revoking it stops it too.
    assessment_page = f"/assessments/{assessment_id}"
    response = client.post(
        f"{assessment_page}/link", data={"csrf_token": csrf_token(client, assessment_page), "days": "7"}
    )
    new_link = LINK_RE.search(response.get_data(as_text=True)).group(1)
    assert vendor_client.get(new_link).status_code == 200
    assert vendor_client.get(link).status_code == 404
    client.post(f"{assessment_page}/link/revoke", data={"csrf_token": csrf_token(client, assessment_page)})
    assert "has been withdrawn" in vendor_client.get(new_link).get_data(as_text=True)
    assert vendor_client.get("/a/not-a-real-token").status_code == 404
    events = dbs.scalars(select(AuditEvent.action).where(AuditEvent.target_type == "assessment")).all()
    assert "assessment.link_revoked" in events


def test_questionnaire_versions_are_pinned(app: Flask, dbs: Session, world: World, vendor: Vendor) -> None:
    library = app.extensions["vendorcheck.questionnaires"]
    actor = Actor.cli()
    first = assessments.create(dbs, actor, vendor, [library["billing-vendor"]])
    again = assessments.create(dbs, actor, vendor, [library["billing-vendor"]])
    dbs.commit()
    assert first.parts[0].questionnaire_version_id == again.parts[0].questionnaire_version_id
    pinned = first.parts[0].questionnaire_version
    pinned.content = {**pinned.content, "title": "Edited later"}  # what a changed file would produce is a new hash
    assert assessments.pinned(again.parts[0].questionnaire_version).title == library["billing-vendor"].title
    with pytest.raises(assessments.AssessmentError, match="at least one"):
        assessments.create(dbs, actor, vendor, [])


def workbook_bytes(book: openpyxl.Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_spreadsheet_round_trip_with_preview_and_precise_errors(
    app: Flask, client: FlaskClient, auth: Auth, dbs: Session, world: World, vendor: Vendor
) -> None:
    assessment_id, _ = create_and_send(client, auth, world, vendor, "billing-vendor")
    page = f"/assessments/{assessment_id}"
    blank = client.get(f"{page}/export.xlsx?blank=1")
    assert blank.status_code == 200 and blank.mimetype.endswith("spreadsheetml.sheet")
    book = openpyxl.load_workbook(io.BytesIO(blank.data))
    sheet = book["Answers"]
    rows = {sheet.cell(r, 1).value: r for r in range(2, sheet.max_row + 1)}
    assert sheet.cell(rows["denial_rate"], 7).value.startswith("A percentage")
    assert "Yes | No" in sheet.cell(rows["cyber_insurance"], 8).value
    sheet.cell(rows["years_in_business"], 3).value = 12
    sheet.cell(rows["cyber_insurance"], 3).value = "Yes"
    sheet.cell(rows["denial_rate"], 3).value = 4.5
    sheet.cell(rows["followup_cadence"], 3).value = "Within 14 days of submission"
    sheet.cell(rows["denial_rate"], 4).value = "Last 12 months, all clients"
    good = workbook_bytes(book)

    def upload(data: bytes, name: str = "filled.xlsx"):
        return client.post(
            f"{page}/import",
            data={"csrf_token": csrf_token(client, page), "sheet": (io.BytesIO(data), name)},
            content_type="multipart/form-data",
        )

    preview = upload(good)
    text = preview.get_data(as_text=True)
    assert preview.status_code == 200 and "Apply 4 change(s)" in text and "4.5%" in text
    assert answers(dbs, assessment_id) == {}  # a preview applies nothing
    payload = re.search(r'name="payload"[^>]*value="([^"]+)"', text).group(1)
    applied = client.post(f"{page}/import/apply", data={"csrf_token": csrf_token(client, page), "payload": payload})
    assert applied.status_code == 302
    saved = answers(dbs, assessment_id)
    assert saved["denial_rate"].value == 4.5 and saved["followup_cadence"].value == "within_14_days"
    assert saved["denial_rate"].entered_by_kind.value == "user"  # entered on the vendor's behalf
    tampered = payload[:-2] + ("A" if payload[-2] != "A" else "B") + payload[-1]
    client.post(f"{page}/import/apply", data={"csrf_token": csrf_token(client, page), "payload": tampered})

    # The current answers come back out in the "with answers" export.
    current = openpyxl.load_workbook(io.BytesIO(client.get(f"{page}/export.xlsx").data))["Answers"]
    assert current.cell(rows["denial_rate"], 3).value == 4.5  # a number, not the text "4.5%"

    sheet.cell(rows["denial_rate"], 3).value = "=1+1"
    sheet.cell(rows["cyber_insurance"], 3).value = "Sometimes"
    sheet.cell(rows["years_in_business"], 3).value = "-3"
    sheet.cell(1, 10).value = "Notes"
    bad = upload(workbook_bytes(book)).get_data(as_text=True)
    assert "Answers!J1: extra column &#39;Notes&#39;" in bad
    sheet.cell(1, 10).value = None
    bad = upload(workbook_bytes(book)).get_data(as_text=True)
    assert f"Answers!C{rows['denial_rate']}: formulas are not accepted" in bad
    assert f"Answers!C{rows['cyber_insurance']}: cyber_insurance: Choose one of: Yes, No." in bad
    assert f"Answers!C{rows['years_in_business']}: years_in_business: Enter 0 or more." in bad
    renamed = openpyxl.Workbook()
    renamed.active.title = "Sheet1"
    assert "no sheet named &#39;Answers&#39;" in upload(workbook_bytes(renamed)).get_data(as_text=True)
    assert "not an .xlsx workbook" in upload(b"PK\x03\x04 broken").get_data(as_text=True)
    assert answers(dbs, assessment_id)["years_in_business"].value == 12  # nothing applied

    json_file = b'{"format": "vendorcheck-answers/1", "answers": {"denial_rate": {"value": 6}}}'
    preview = upload(json_file, "answers.json").get_data(as_text=True)
    assert "Apply 1 change(s)" in preview and "6%" in preview


def test_a_vendor_uploads_evidence_into_a_question_slot_through_the_link(
    app: Flask, client: FlaskClient, auth: Auth, dbs: Session, world: World, vendor: Vendor
) -> None:
    assessment_id, link = create_and_send(client, auth, world, vendor, "soc2-review")
    vendor_client = app.test_client()
    vendor_post(vendor_client, link, 1, {"q-soc2_has_report": "yes", "q-soc2_period_end": "2026-06-30"})
    slot = f"{link}/q/soc2_report_upload/evidence"
    assert f'action="{slot}"' in vendor_client.get(f"{link}/s/1").get_data(as_text=True)

    def send(data: bytes, filename: str, **fields: str):
        form = {"csrf_token": csrf_token(vendor_client, f"{link}/s/1"), **fields, "file": (io.BytesIO(data), filename)}
        return post_multipart(vendor_client, slot, form)

    # A file that is not what it claims, and an empty one: refused with the reason, nothing stored.
    for data, name, message in [
        (b"MZ\x90\x00 not a pdf", "report.pdf", "This kind of file is not accepted"),
        (b"", "x.pdf", "empty"),
    ]:
        response = send(data, name)
        assert response.status_code == 302
        page = vendor_client.get(response.headers["Location"]).get_data(as_text=True)
        assert "The document was not stored" in page and message in page, page
        assert stored(dbs) == (0, 0)

    marker = "VENDOR-LINK-" + secrets.token_hex(6)
    response = send(pdf(marker), "../../SOC 2\x07 report.pdf", title="SOC 2 Type II 2026", issued_on="2026-07-15")
    assert response.status_code == 302
    page = vendor_client.get(response.headers["Location"]).get_data(as_text=True)
    assert "was received and encrypted" in page and "Received: SOC 2 Type II 2026" in page
    dbs.rollback()
    evidence = dbs.scalars(select(Evidence)).one()
    assert evidence.assessment_id == assessment_id and evidence.question_ids == ["soc2_report_upload"]
    assert evidence.kind == EvidenceKind.SOC2_REPORT and evidence.review_state == EvidenceReview.PENDING
    assert str(evidence.issued_on) == "2026-07-15" and str(evidence.valid_until) == "2027-07-15"  # 365 days
    version = evidence.versions[0]
    assert (
        version.complete and version.uploaded_by_kind == ActorKind.VENDOR_LINK and version.uploaded_by_user_id is None
    )
    assert "/" not in version.display_filename and "\x07" not in version.display_filename
    upload_event = dbs.scalars(select(AuditEvent).where(AuditEvent.action == "evidence.uploaded")).one()
    assert upload_event.actor_kind == ActorKind.VENDOR_LINK and upload_event.vendor_id == vendor.id

    # The assessor sees it on the assessment and downloads exactly what the vendor sent.
    auth.login_as(world.users[Role.ASSESSOR])
    assert "SOC 2 Type II 2026" in client.get(f"/assessments/{assessment_id}").get_data(as_text=True)
    download = client.get(f"/evidence/{evidence.id}/versions/{version.version_no}/download")
    assert download.status_code == 200 and download.data == pdf(marker)

    # A question without an evidence slot takes no document; a revoked link takes nothing at all.
    response = post_multipart(
        vendor_client,
        f"{link}/q/soc2_has_report/evidence",
        {"csrf_token": csrf_token(vendor_client, f"{link}/s/1"), "file": (io.BytesIO(pdf()), "a.pdf")},
    )
    assert "does not take a document" in vendor_client.get(response.headers["Location"]).get_data(as_text=True)
    page = f"/assessments/{assessment_id}"
    client.post(f"{page}/link/revoke", data={"csrf_token": csrf_token(client, page)})
    late = post_multipart(vendor_client, slot, {"csrf_token": "x", "file": (io.BytesIO(pdf("late")), "late.pdf")})
    assert late.status_code == 410
    assert stored(dbs) == (1, 1)


def test_a_document_as_the_vendors_first_step_starts_the_assessment(
    app: Flask, client: FlaskClient, auth: Auth, dbs: Session, world: World, vendor: Vendor
) -> None:
    """Answers entered on the vendor's behalf leave it "sent"; the vendor's own upload makes it "in progress"."""
    assessment_id, link = create_and_send(client, auth, world, vendor, "soc2-review")
    enter = f"/assessments/{assessment_id}/s/1"
    client.post(enter, data={"csrf_token": csrf_token(client, enter), "q-soc2_has_report": "yes"})
    dbs.rollback()
    assert dbs.get(Assessment, assessment_id).status == AssessmentStatus.SENT
    vendor_client = app.test_client()
    form = {"csrf_token": csrf_token(vendor_client, f"{link}/s/1"), "file": (io.BytesIO(pdf()), "soc2.pdf")}
    response = post_multipart(vendor_client, f"{link}/q/soc2_report_upload/evidence", form)
    assert "was received and encrypted" in vendor_client.get(response.headers["Location"]).get_data(as_text=True)
    dbs.rollback()
    assert dbs.get(Assessment, assessment_id).status == AssessmentStatus.IN_PROGRESS


def test_a_cancelled_assessment_offers_no_field_to_enter_on_the_vendors_behalf(
    client: FlaskClient, auth: Auth, dbs: Session, world: World, vendor: Vendor
) -> None:
    assessment_id, _ = create_and_send(client, auth, world, vendor, "soc2-review")
    enter = f"/assessments/{assessment_id}/s/1"
    assert 'name="seen-soc2_has_report"' in client.get(enter).get_data(as_text=True)
    page = f"/assessments/{assessment_id}"
    client.post(f"{page}/cancel", data={"csrf_token": csrf_token(client, page), "reason": "Chose another vendor"})
    dbs.rollback()
    assert dbs.get(Assessment, assessment_id).status == AssessmentStatus.CANCELLED
    body = client.get(enter).get_data(as_text=True)
    assert 'name="seen-soc2_has_report"' not in body and "disabled" in body
    refused = client.post(enter, data={"csrf_token": csrf_token(client, enter), "q-soc2_has_report": "no"})
    assert refused.status_code == 302 and "soc2_has_report" not in answers(dbs, assessment_id)
