"""A question that asks for a document can be answered "will send later" or "not available" (issue 17).

The vendor can then submit without every file, and the score counts the missing document as an unproven gap.
"""

from __future__ import annotations

from datetime import date

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from tests.helpers import Auth, World, csrf_token
from tests.web.test_assessments import answers, create_and_send, vendor_post
from vendorcheck import assessments, scores
from vendorcheck.audit import Actor
from vendorcheck.demo.answers import answers_for
from vendorcheck.models import Assessment, AssessmentStatus, PhiVolume, Role, Vendor

UPLOAD = "soc2_report_upload"


@pytest.fixture
def vendor(dbs: Session, world: World) -> Vendor:
    found = Vendor(org_id=world.org.id, name="Acme Billing", stores_phi=True, phi_volume=PhiVolume.MODERATE)
    dbs.add(found)
    dbs.commit()
    return found


def answer_everything_but_the_file(app: Flask, vendor_client: FlaskClient, link: str) -> dict[str, object]:
    """Every visible question of the SOC 2 review answered through the portal, section by section; returns what
    the first section's form posted (a form posts every field it shows)."""
    questionnaire = app.extensions["vendorcheck.questionnaires"]["soc2-review"]
    posted: list[dict[str, object]] = []
    chosen = answers_for(questionnaire, 0.95, {"soc2_has_report": "yes", "soc2_report_type": "type_2"}, date.today())
    for number, section in enumerate(questionnaire.sections, 1):
        data = {f"q-{q.id}": chosen[q.id] for q in section.questions if q.id in chosen}
        data = {k: [str(x) for x in v] if isinstance(v, list) else str(v) for k, v in data.items()}
        assert vendor_post(vendor_client, link, number, data).status_code == 302
        posted.append(data)
    return posted[0]


def submit(vendor_client: FlaskClient, link: str):
    return vendor_client.post(f"{link}/submit", data={"csrf_token": csrf_token(vendor_client, link)})


@pytest.mark.parametrize("choice", ["later", "not_available"])
def test_a_vendor_submits_without_the_file_and_the_score_shows_the_gap_as_unproven(
    app: Flask, client: FlaskClient, auth: Auth, dbs: Session, world: World, vendor: Vendor, choice: str
) -> None:
    assessment_id, link = create_and_send(client, auth, world, vendor, "soc2-review")
    vendor_client = app.test_client()
    first = answer_everything_but_the_file(app, vendor_client, link)
    page = vendor_client.get(f"{link}/s/1").get_data(as_text=True)
    assert f'name="q-{UPLOAD}" value="later"' in page and f'name="q-{UPLOAD}" value="not_available"' in page

    refused = submit(vendor_client, link)  # no file and no choice: the upload question is still open
    assert refused.status_code == 400 and "Upload the full SOC 2 report" in refused.get_data(as_text=True)

    assert vendor_post(vendor_client, link, 1, first | {f"q-{UPLOAD}": choice}).status_code == 302
    assert answers(dbs, assessment_id)[UPLOAD].value == choice
    answered, asked = assessments.sheet_of(dbs, dbs.get(Assessment, assessment_id)).progress()
    assert answered == asked
    assert submit(vendor_client, link).status_code == 302
    dbs.rollback()
    assert dbs.get(Assessment, assessment_id).status == AssessmentStatus.SUBMITTED

    # The assessor's review shows what the vendor chose, and that nothing proves it yet.
    auth.login_as(world.users[Role.ASSESSOR])
    review = client.get(f"/assessments/{assessment_id}").get_data(as_text=True)
    label = "We will send it later" if choice == "later" else "Not available"
    assert f"the vendor answered “{label}”" in review and "Not proven" in review

    # The score: the SOC 2 report is an unproven gap; "later" is claimed (held until proven), "not available" fails.
    entry = scores.score_vendors(dbs, [dbs.get(Vendor, vendor.id)], scores.current_profile(dbs, world.org.id))[0]
    result = entry.score
    assert result is not None
    upload = next(r for r in result.results if r.question.id == UPLOAD)
    assert upload.proven == 0 and upload.evidence.value == "missing"
    assert upload.compliance == (1.0 if choice == "later" else 0.0)
    assert any(g.question_id == UPLOAD for g in result.unproven) == (choice == "later")
    assert any(f.question_id == UPLOAD for f in result.findings) == (choice == "not_available")
    vendor_page = client.get(f"/vendors/{vendor.id}").get_data(as_text=True)
    if choice == "later":  # claimed: the rating waits for the report
        assert result.headline.startswith("Moderate until proven") and [d.kind for d in result.until_proven] == [
            "soc2_report"
        ]
        assert "Moderate until proven" in vendor_page and "Claimed, not yet proven" in vendor_page
    else:  # a finding of its own, named on the page
        finding = next(f for f in result.findings if f.question_id == UPLOAD)
        assert finding.answer == "Not available" and "Upload the full SOC 2 report" in vendor_page


def test_a_comment_alone_keeps_the_choice_and_a_blank_choice_clears_it(
    app: Flask, client: FlaskClient, auth: Auth, dbs: Session, world: World, vendor: Vendor
) -> None:
    assessment_id, link = create_and_send(client, auth, world, vendor, "soc2-review")
    vendor_client = app.test_client()
    vendor_post(vendor_client, link, 1, {"q-soc2_has_report": "yes", f"q-{UPLOAD}": "later"})
    sheet = assessments.sheet_of(dbs, dbs.get(Assessment, assessment_id))
    # A spreadsheet row carries only a comment for the upload question: the choice stays.
    assessments.save(dbs, Actor.cli(), sheet, {UPLOAD: assessments.Entry(comment="Sent by post")}, on_behalf=True)
    dbs.commit()
    assert (answers(dbs, assessment_id)[UPLOAD].value, answers(dbs, assessment_id)[UPLOAD].comment) == (
        "later",
        "Sent by post",
    )
    upload_it = {"q-soc2_has_report": "yes", f"q-{UPLOAD}": ""}  # "I upload the document"
    assert vendor_post(vendor_client, link, 1, upload_it).status_code == 302
    assert answers(dbs, assessment_id)[UPLOAD].value is None
    bad = vendor_post(vendor_client, link, 1, {"q-soc2_has_report": "yes", f"q-{UPLOAD}": "maybe"})
    assert bad.status_code == 400 and "Upload the document, or answer" in bad.get_data(as_text=True)
