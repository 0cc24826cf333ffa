"""One document proves many answers (issue 17): filed under any scored question, its page says what it proves.

A document proves the answers its kind covers (``proven_by``) plus those it was filed under; naming covered ones
narrows it to them; a SOC 2 report that is Type I or stale proves none of the controls, and its page says why.
"""

from __future__ import annotations

from datetime import date

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.helpers import Auth, World, csrf_token
from tests.web.test_evidence import pdf, upload
from vendorcheck import scores
from vendorcheck.models import Evidence, Role, Vendor
from vendorcheck.scoring import Document, EvidenceState, proof


def accept(client: FlaskClient, item: Evidence) -> None:
    page = f"/evidence/{item.id}"
    response = client.post(f"{page}/review", data={"csrf_token": csrf_token(client, page), "decision": "accept"})
    assert response.status_code == 302


def newest(dbs: Session) -> Evidence:
    dbs.rollback()
    return dbs.scalars(select(Evidence).order_by(Evidence.id.desc()).limit(1)).one()


def test_a_pen_test_letter_filed_under_mfa_proves_mfa_and_the_testing_it_covers(
    app: Flask,
    client: FlaskClient,
    assessor,
    vendor: Vendor,
    dbs: Session,
) -> None:
    filed = {"question_ids": ["pen_test_yearly", "mfa_remote"]}  # its own slot, and an answer it also shows
    response = upload(client, vendor, pdf(), kind="pentest_letter", title="Pen test 2026", **filed)
    assert response.status_code == 302
    item = newest(dbs)
    page = client.get(f"/evidence/{item.id}").get_data(as_text=True)
    assert "Once accepted, it will prove 3 answers." in page  # and vulnerability_scans, which it covers
    assert "mfa_remote" in page and "pen_test_yearly" in page
    accept(client, item)
    page = client.get(f"/evidence/{item.id}").get_data(as_text=True)
    assert "It proves 3 answers." in page and "narrowed" not in page
    # The scoring agrees: the same document proves the answer it was filed under.
    library = list(app.extensions["vendorcheck.questionnaires"].values())
    [document] = scores.documents_of([newest(dbs)], date.today())
    proven = proof(library, [document], {}, date.today())
    assert proven["mfa_remote"] == EvidenceState.ACCEPTED and proven["pen_test_yearly"] == EvidenceState.ACCEPTED


def test_naming_questions_a_soc2_report_covers_narrows_it_to_them(
    app: Flask,
    client: FlaskClient,
    assessor,
    vendor: Vendor,
    dbs: Session,
) -> None:
    upload(client, vendor, pdf(), question_ids="encrypt_at_rest")
    page = client.get(f"/evidence/{newest(dbs).id}").get_data(as_text=True)
    assert "Once accepted, it will prove 1 answer." in page and "The assessor narrowed it" in page
    upload(client, vendor, pdf(), title="SOC 2, all it covers")
    page = client.get(f"/evidence/{newest(dbs).id}").get_data(as_text=True)
    library = list(app.extensions["vendorcheck.questionnaires"].values())
    covered = {q.id for questionnaire in library for q in questionnaire.questions if "soc2_report" in q.proven_by}
    assert f"Once accepted, it will prove {len(covered)} answers." in page and len(covered) > 50
    assert proof(library, [Document("soc2_report", EvidenceState.ACCEPTED)], {}, date.today()).keys() == covered


def test_a_type_1_report_says_on_its_page_and_the_vendors_why_it_proves_no_control(
    client: FlaskClient, auth, world, vendors: dict[str, Vendor], dbs: Session
) -> None:
    auth.login_as(world.users[Role.ASSESSOR])
    summit = vendors["Summit"]
    report = next(e for e in summit.evidence if e.kind.value == "soc2_report")
    page = client.get(f"/evidence/{report.id}").get_data(as_text=True)
    assert "Freshness and type: this SOC 2 report proves none of the security controls" in page
    assert "It is a Type I report" in page
    proves = page[page.index("What it proves") : page.index("<h2>Files</h2>")]
    assert "encrypt_at_rest" not in proves and "soc2_report_type" in proves  # only what it says about itself
    vendor_page = client.get(f"/vendors/{summit.id}").get_data(as_text=True)
    assert "Freshness and type of the SOC 2 report" in vendor_page and "It is a Type I report" in vendor_page


def test_a_vendor_files_a_document_under_its_slot_and_other_answers_it_shows(
    app: Flask, client: FlaskClient, auth: Auth, dbs: Session, world: World, vendor: Vendor
) -> None:
    import io

    from tests.web.test_assessments import create_and_send, vendor_post
    from tests.web.test_evidence import post_multipart

    _, link = create_and_send(client, auth, world, vendor, "hipaa-security")
    vendor_client = app.test_client()
    vendor_post(vendor_client, link, 1, {"q-baa_will_sign": "yes"})
    page = vendor_client.get(f"{link}/s/1").get_data(as_text=True)
    assert 'name="also" value="mfa_remote"' in page and "/static/js/question-filter.js" in page
    form = {"csrf_token": csrf_token(vendor_client, f"{link}/s/1"), "also": ["mfa_remote", "baa_breach_reporting"]}
    form["file"] = (io.BytesIO(pdf()), "baa.pdf")
    assert post_multipart(vendor_client, f"{link}/q/baa_will_sign/evidence", form).status_code == 302
    # Added: the answer its kind does not cover; left out: one a BAA covers anyway (naming it would narrow it).
    assert newest(dbs).question_ids == ["baa_will_sign", "mfa_remote"]
    form = {"csrf_token": csrf_token(vendor_client, f"{link}/s/1"), "also": "no_such_question"}
    form["file"] = (io.BytesIO(pdf()), "baa.pdf")
    refused = post_multipart(vendor_client, f"{link}/q/baa_will_sign/evidence", form)
    assert refused.status_code == 302 and len(dbs.scalars(select(Evidence)).all()) == 1
