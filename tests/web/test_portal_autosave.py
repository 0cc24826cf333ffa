"""The vendor portal never loses an answer: the autosave endpoint, uploads inside their question, what the vendor is
told of documents and of what is left to do."""

from __future__ import annotations

import io
import re

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.helpers import csrf_token
from tests.web.test_answer_saves import AnswerForm
from tests.web.test_assessments import answers, create_and_send, shown_questions, vendor_post
from tests.web.test_evidence import pdf, post_multipart
from vendorcheck import assessments
from vendorcheck import evidence as evidence_service
from vendorcheck.audit import Actor
from vendorcheck.models import Assessment, Evidence
from vendorcheck.web.answering import NOT_IN_ASSESSMENT, NOT_IN_SECTION
from vendorcheck.web.ratelimit import AUTOSAVE


@pytest.fixture
def sent(client: FlaskClient, auth, world, vendor) -> tuple[int, str]:
    """A SOC 2 review sent to the vendor: (assessment id, link path)."""
    return create_and_send(client, auth, world, vendor, "soc2-review")


def _autosave(vendor: FlaskClient, link: str, data: dict, number: int = 1, with_token: bool = True):
    """What the page's script sends: the section's whole form as it stands (``data`` over the page's fields)."""
    page = vendor.get(f"{link}/s/{number}").get_data(as_text=True)
    fields = AnswerForm(page).with_changes()
    if not with_token:
        fields.pop("csrf_token")
    fields.update({k: v if isinstance(v, list) else [v] for k, v in data.items()})
    return vendor.post(f"{link}/s/{number}/answers", data=fields, headers={"Accept": "application/json"})


def test_the_autosave_saves_and_shows_the_follow_ups_without_a_reload(app: Flask, dbs: Session, sent) -> None:
    assessment_id, link = sent
    vendor = app.test_client()
    response = _autosave(vendor, link, {"q-soc2_has_report": "yes"})
    assert response.status_code == 200
    data = response.get_json()
    assert data["saved"] is True and data["errors"] == {} and data["changed"] == ["soc2_has_report"]
    assert {"soc2_has_report", "soc2_report_type", "soc2_period_end"} <= set(data["shown"])
    assert data["follow_ups"] >= 2 and data["asked"] > 1
    assert answers(dbs, assessment_id)["soc2_has_report"].value == "yes"


def test_each_autosave_hands_back_the_tokens_the_next_one_needs(app: Flask, dbs: Session, sent) -> None:
    """A page saving twice without a reload: the second save, sent with the tokens the first returned, is the
    person's own change, never "changed by someone else"."""
    assessment_id, link = sent
    vendor = app.test_client()
    page = vendor.get(f"{link}/s/1").get_data(as_text=True)
    fields = AnswerForm(page).with_changes(q_soc2_has_report="yes", c_soc2_has_report="first")
    url = f"{link}/s/1/answers"
    first = vendor.post(url, data=fields).get_json()
    fields["seen-soc2_has_report"] = [first["seen"]["soc2_has_report"]]
    fields["c-soc2_has_report"] = ["second"]
    second = vendor.post(url, data=fields)
    assert second.status_code == 200, second.get_json()
    assert answers(dbs, assessment_id)["soc2_has_report"].comment == "second"


def test_the_autosave_refuses_a_bad_value_by_its_field_and_keeps_the_others(app: Flask, dbs: Session, sent) -> None:
    assessment_id, link = sent
    vendor = app.test_client()
    vendor_post(vendor, link, 1, {"q-soc2_has_report": "yes"})
    response = _autosave(vendor, link, {"q-soc2_period_end": "June 30th", "q-soc2_report_type": "type_2"})
    assert response.status_code == 400
    data = response.get_json()
    assert data["saved"] is False and list(data["errors"]) == ["soc2_period_end"]
    assert "YYYY-MM-DD" in data["errors"]["soc2_period_end"]
    assert data["texts"]["soc2_period_end"] == "On what date does the report's period end?"
    saved = answers(dbs, assessment_id)
    assert saved["soc2_report_type"].value == "type_2" and "soc2_period_end" not in saved


def test_the_autosave_needs_the_pages_csrf_token(app: Flask, dbs: Session, sent) -> None:
    assessment_id, link = sent
    response = _autosave(app.test_client(), link, {"q-soc2_has_report": "yes"}, with_token=False)
    assert response.status_code == 400
    assert "expired" in response.get_json()["message"]
    assert "soc2_has_report" not in answers(dbs, assessment_id)


def test_the_autosave_of_a_closed_link_saves_nothing(app: Flask, dbs: Session, sent) -> None:
    assessment_id, link = sent
    vendor = app.test_client()
    page = vendor.get(f"{link}/s/1").get_data(as_text=True)
    fields = AnswerForm(page).with_changes(q_soc2_has_report="yes")
    dbs.rollback()
    assessments.revoke_link(dbs, Actor.cli(), dbs.get(Assessment, assessment_id))
    dbs.commit()
    response = vendor.post(f"{link}/s/1/answers", data=fields)
    assert response.status_code == 410 and response.get_json()["saved"] is False
    assert vendor.post("/a/no-such-link/s/1/answers", data=fields).status_code == 404
    assert "soc2_has_report" not in answers(dbs, assessment_id)


def test_the_autosave_of_a_submitted_assessment_is_refused(app: Flask, dbs: Session, sent) -> None:
    assessment_id, link = sent
    vendor = app.test_client()
    vendor_post(vendor, link, 1, {"q-soc2_has_report": "no"})
    vendor.post(f"{link}/submit", data={"csrf_token": csrf_token(vendor, f"{link}/s/1")})
    response = vendor.post(
        f"{link}/s/1/answers", data={"csrf_token": csrf_token(vendor, f"{link}/s/1"), "q-soc2_has_report": "yes"}
    )
    assert response.status_code == 409 and "locked" in response.get_json()["message"]
    assert answers(dbs, assessment_id)["soc2_has_report"].value == "no"


def test_the_autosave_refuses_questions_of_another_section_or_assessment(app: Flask, dbs: Session, sent) -> None:
    assessment_id, link = sent
    vendor = app.test_client()
    response = _autosave(
        vendor,
        link,
        {
            "q-soc2_has_report": "yes",
            "q-soc2_opinion": "unqualified",  # a question of section 2 of this assessment
            "q-baa_will_sign": "yes",  # asked by another questionnaire, not by this assessment
            "c-no_such_question": "hello",
        },
    )
    assert response.status_code == 400
    errors = response.get_json()["errors"]
    assert errors == {
        "soc2_opinion": NOT_IN_SECTION,
        "baa_will_sign": NOT_IN_ASSESSMENT,
        "no_such_question": NOT_IN_ASSESSMENT,
    }
    saved = answers(dbs, assessment_id)
    assert saved["soc2_has_report"].value == "yes"
    assert not {"soc2_opinion", "baa_will_sign", "no_such_question"} & set(saved)
    # Another section's number, past the end: no such section.
    assert _autosave(vendor, link, {}, number=1).status_code == 200
    past = vendor.post(f"{link}/s/99/answers", data={"csrf_token": csrf_token(vendor, f"{link}/s/1")})
    assert past.status_code == 404


def test_autosaving_never_spends_the_wrong_link_budget_and_is_bounded_per_link(app: Flask, sent) -> None:
    _, link = sent
    vendor = app.test_client()
    data = {"csrf_token": csrf_token(vendor, f"{link}/s/1"), "q-soc2_has_report": "yes"}
    allowed = int(AUTOSAVE.split()[0])
    statuses = [vendor.post(f"{link}/s/1/answers", data=data).status_code for _ in range(allowed)]
    assert statuses == [200] * allowed
    # A person typing for minutes never meets the wrong-link budget (20 an hour): one wrong link is just wrong.
    assert vendor.get("/a/one-wrong-link").status_code == 404
    throttled = vendor.post(f"{link}/s/1/answers", data=data)
    assert throttled.status_code == 429 and throttled.get_json()["retry"] > 0


def test_a_question_the_post_does_not_name_is_left_as_it_is(app: Flask, dbs: Session, sent) -> None:
    """A page rendered before a follow-up appeared (another tab said "yes") posts nothing for it: never cleared."""
    assessment_id, link = sent
    vendor = app.test_client()
    stale = AnswerForm(vendor.get(f"{link}/s/1").get_data(as_text=True))
    vendor_post(vendor, link, 1, {"q-soc2_has_report": "yes", "q-soc2_report_type": "type_2"})
    response = vendor.post(f"{link}/s/1/answers", data=stale.with_changes(c_soc2_has_report="a comment"))
    assert response.status_code == 200, response.get_json()
    saved = answers(dbs, assessment_id)
    assert saved["soc2_report_type"].value == "type_2" and saved["soc2_has_report"].comment == "a comment"


def test_a_refused_field_is_marked_invalid_and_tied_to_its_message(app: Flask, sent) -> None:
    _, link = sent
    vendor = app.test_client()
    vendor_post(vendor, link, 1, {"q-soc2_has_report": "yes"})
    body = vendor_post(vendor, link, 1, {"q-soc2_has_report": "yes", "q-soc2_period_end": "June 30th"}).get_data(
        as_text=True
    )
    field = re.search(r'<input id="in-soc2_period_end"[^>]*>', body).group(0)
    assert 'aria-invalid="true"' in field and 'aria-describedby="help-soc2_period_end err-soc2_period_end"' in field
    assert re.search(r'<p class="error" id="err-soc2_period_end" data-error\s*>Enter a date', body)
    fine = re.search(r'<input type="radio" name="q-soc2_report_type"[^>]*>', body).group(0)
    assert "aria-invalid" not in fine and 'aria-describedby="help-soc2_report_type"' in fine


def _upload(vendor: FlaskClient, link: str, question: str, content: bytes = b""):
    form = {"csrf_token": csrf_token(vendor, f"{link}/s/1"), "file": (io.BytesIO(content or pdf()), "soc2.pdf")}
    return post_multipart(vendor, f"{link}/q/{question}/evidence", form)


def test_an_uploads_outcome_shows_beside_its_question(app: Flask, sent) -> None:
    _, link = sent
    vendor = app.test_client()
    vendor_post(vendor, link, 1, {"q-soc2_has_report": "yes"})
    response = _upload(vendor, link, "soc2_report_upload")
    assert response.status_code == 302 and response.headers["Location"].endswith("/s/1#q-soc2_report_upload")
    page = vendor.get(response.headers["Location"]).get_data(as_text=True)
    start = page.index('id="q-soc2_report_upload"')
    question = page[start : page.index('data-question="', start + 40)]
    assert "“soc2.pdf” was received and encrypted." in question and 'id="note-soc2_report_upload"' in question
    assert 'form="upload-soc2_report_upload"' in question and 'type="file"' in question
    top = page[: page.index('id="answers-form"')]
    assert "was received and encrypted" not in top  # not at the top of the page, far from the question
    refused = _upload(vendor, link, "soc2_report_upload", b"MZ\x90\x00 not a document")
    page = vendor.get(refused.headers["Location"]).get_data(as_text=True)
    assert re.search(r'id="note-soc2_report_upload"[^>]*>The document was not stored: ', page)
    assert "was received and encrypted" not in vendor.get(f"{link}/s/1").get_data(as_text=True)  # shown once


def test_a_rejected_document_says_why_and_asks_for_a_new_one(app: Flask, dbs: Session, sent) -> None:
    _, link = sent
    vendor = app.test_client()
    vendor_post(vendor, link, 1, {"q-soc2_has_report": "yes"})
    _upload(vendor, link, "soc2_report_upload")
    page = vendor.get(f"{link}/s/1").get_data(as_text=True)
    assert "✓ Received: " in page
    dbs.rollback()
    document = dbs.scalars(select(Evidence)).one()
    evidence_service.review(dbs, Actor.cli(), document, accept=False, reason="Only the bridge letter was sent.")
    dbs.commit()
    page = vendor.get(f"{link}/s/1").get_data(as_text=True)
    assert "✓ Received" not in page and "(received)" not in page
    assert re.search(r"<strong>Not accepted:</strong> Only the bridge letter was sent\.", page)
    assert "Please upload a new document below." in page and "New document (" in page


def test_the_overview_marks_clarifications_and_open_questions_and_explains_follow_ups(
    app: Flask, client: FlaskClient, dbs: Session, sent
) -> None:
    assessment_id, link = sent
    vendor = app.test_client()
    before = vendor.get(link).get_data(as_text=True)
    assert "1 not answered" in before and "continue with" in before
    assert re.search(r"1 questions?(\.| )", before) and "follow-up" in before  # no follow-up shown yet
    vendor_post(vendor, link, 1, {"q-soc2_has_report": "yes"})
    overview = vendor.get(link).get_data(as_text=True)
    shown = assessments.sheet_of(dbs, dbs.get(Assessment, assessment_id)).follow_ups()[0]
    assert re.search(rf"\d+ questions: {shown} follow-ups appeared from your answers", overview)
    assert re.search(r'href="/a/[^"]+/s/1#q-soc2_report_upload"', overview)  # the first open question, linked
    # Answer "no" (no follow-ups), submit, and the practice asks to clarify: the overview points at it.
    vendor_post(vendor, link, 1, {"q-soc2_has_report": "no"})
    vendor.post(f"{link}/submit", data={"csrf_token": csrf_token(vendor, link)})
    page = f"/assessments/{assessment_id}"
    client.post(
        f"{page}/answers/soc2_has_report/review",
        data={"csrf_token": csrf_token(client, page), "action": "clarify", "note": "Is an audit planned?"},
    )
    client.post(f"{page}/send-back", data={"csrf_token": csrf_token(client, page)})
    overview = vendor.get(link).get_data(as_text=True)
    marker = r'<a class="badge warn" href="/a/[^"]+/s/1#q-soc2_has_report">1 clarification requested</a>'
    assert re.search(marker, overview)
    assert "not answered" not in overview
    assert "soc2_has_report" in shown_questions(vendor.get(f"{link}/s/1").get_data(as_text=True))


def test_the_assessors_page_autosaves_on_the_vendors_behalf(client: FlaskClient, dbs: Session, sent) -> None:
    assessment_id, _ = sent  # the compliance officer is signed in
    page = f"/assessments/{assessment_id}/s/1"
    body = client.get(page).get_data(as_text=True)
    assert f'data-autosave="{page}/answers"' in body
    response = client.post(f"{page}/answers", data=AnswerForm(body).with_changes(q_soc2_has_report="yes"))
    assert response.status_code == 200 and "soc2_report_type" in response.get_json()["shown"]
    saved = answers(dbs, assessment_id)["soc2_has_report"]
    assert saved.value == "yes" and saved.entered_by_kind.value == "user"
