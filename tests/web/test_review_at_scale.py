"""Reviewing a full assessment without a click per answer: what needs attention, and the rest accepted at once."""

from __future__ import annotations

import html
import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.helpers import csrf_token
from vendorcheck.models import (
    Answer,
    Assessment,
    AssessmentStatus,
    AuditEvent,
    Evidence,
    EvidenceReview,
    ReviewState,
    Role,
    Vendor,
)


def test_the_officer_accepts_routine_answers_at_once_and_reviews_the_rest(client, auth, world, vendors, dbs: Session):
    submitted = dbs.scalars(
        select(Assessment).where(
            Assessment.vendor_id == vendors["Summit"].id, Assessment.status == AssessmentStatus.SUBMITTED
        )
    ).one()
    auth.login_as(world.users[Role.ASSESSOR])
    page = f"/assessments/{submitted.id}"
    text = client.get(page).get_data(as_text=True)
    reviewed, total = map(int, re.search(r"<strong>(\d+) of (\d+)</strong> answers reviewed", text).groups())
    routine = int(re.search(r"Accept the (\d+) answers? that need no attention", text).group(1))
    assert reviewed == 0 and 0 < routine < total and "fails a must-have control" in text

    # A count that no longer matches what the officer saw accepts nothing.
    stale = client.post(
        f"{page}/accept-routine", data={"csrf_token": csrf_token(client, page), "expected": routine + 1}
    )
    assert stale.status_code == 302
    assert "changed meanwhile" in client.get(page).get_data(as_text=True)
    mine = select(Answer).where(Answer.assessment_id == submitted.id, Answer.review_state == ReviewState.ACCEPTED)
    assert not dbs.scalars(mine).first()

    done = client.post(f"{page}/accept-routine", data={"csrf_token": csrf_token(client, page), "expected": routine})
    assert done.status_code == 302 and done.headers["Location"].endswith("show=attention")
    dbs.rollback()  # a new read transaction sees the request's commit
    accepted = dbs.scalars(select(Answer).where(Answer.assessment_id == submitted.id)).all()
    assert sum(a.review_state == ReviewState.ACCEPTED for a in accepted) == routine
    event = dbs.scalars(select(AuditEvent).where(AuditEvent.action == "answers.accepted_routine")).one()
    assert event.details["count"] == routine and len(event.details["questions"]) == routine

    focused = client.get(f"{page}?show=attention").get_data(as_text=True)
    assert f"<strong>{routine} of {total}</strong> answers reviewed" in focused
    assert focused.count('class="review-form"') == total - routine  # only what needs a look is listed
    assert "Accept the" not in focused and "Show every answer" in focused

    # Accepting from that list keeps the officer on it, and the answer settled leaves it.
    action = re.search(r'<form method="post" action="([^"]+/review\?show=attention)" class="review-form">', focused)
    token = csrf_token(client, f"{page}?show=attention")
    accepted = client.post(html.unescape(action.group(1)), data={"csrf_token": token, "action": "accept"})
    assert "show=attention#q-" in accepted.headers["Location"]
    after = client.get(f"{page}?show=attention").get_data(as_text=True)
    assert after.count('class="review-form"') == total - routine - 1


def test_a_document_awaiting_review_is_accepted_beside_its_question(client, auth, world, vendors, dbs: Session):
    submitted = next(a for a in vendors["BlueHarbor"].assessments if a.status == AssessmentStatus.SUBMITTED)
    auth.login_as(world.users[Role.ASSESSOR])
    page = f"/assessments/{submitted.id}"
    text = client.get(page).get_data(as_text=True)
    forms = re.findall(r'<form method="post" action="/evidence/(\d+)/review" class="inline doc-accept">', text)
    assert forms, "a document awaiting review is offered for acceptance in the review"
    pending = [dbs.get(Evidence, int(i)) for i in forms]
    assert all(e.review_state == EvidenceReview.PENDING for e in pending)
    first = pending[0]
    back = re.search(rf'action="/evidence/{first.id}/review".*?name="back" value="([^"]+)"', text, re.S).group(1)
    assert back.startswith(page) and "#q-" in back
    token = csrf_token(client, page)
    done = client.post(f"/evidence/{first.id}/review", data={"csrf_token": token, "decision": "accept", "back": back})
    assert done.status_code == 302 and done.headers["Location"] == html.unescape(back)
    dbs.rollback()
    assert dbs.get(Evidence, first.id).review_state == EvidenceReview.ACCEPTED
    assert f'action="/evidence/{first.id}/review"' not in client.get(page).get_data(as_text=True)
    # Only a path on this site is followed back.
    away = {"csrf_token": token, "decision": "accept", "back": "//evil.example/x"}
    assert client.post(f"/evidence/{first.id}/review", data=away).headers["Location"] == f"/evidence/{first.id}"


def test_a_new_assessment_starts_with_the_questionnaires_of_the_vendors_tier(client, auth, world, dbs: Session):
    vendor = Vendor(org_id=world.org.id, name="Acme Billing")  # no patient data: tier 3
    exposed = Vendor(org_id=world.org.id, name="Summit", stores_phi=True)  # tier 1
    dbs.add_all([vendor, exposed])
    dbs.commit()
    auth.login_as(world.users[Role.ASSESSOR])
    page = client.get(f"/vendors/{vendor.id}/assessments/new").get_data(as_text=True)
    assert re.findall(r'<input checked id="[^"]+" name="questionnaires" [^>]*value="([^"]+)"', page) == [
        "hipaa-security"
    ]
    assert "Ticked: what a tier 3 vendor answers" in page
    every = client.get(f"/vendors/{exposed.id}/assessments/new").get_data(as_text=True)
    ticked = re.findall(r'<input checked id="[^"]+" name="questionnaires" [^>]*value="([^"]+)"', every)
    assert sorted(ticked) == ["billing-vendor", "hipaa-security", "soc2-review"]


def test_a_question_answered_by_its_accepted_document_alone_is_routine(client, auth, world, vendors, dbs: Session):
    submitted = next(a for a in vendors["Summit"].assessments if a.status == AssessmentStatus.SUBMITTED)
    upload = "soc2_report_upload"  # the vendor uploaded its report (accepted) and chose nothing else
    its_answer = select(Answer).where(Answer.assessment_id == submitted.id, Answer.question_id == upload)
    assert not dbs.scalars(its_answer).all()
    auth.login_as(world.users[Role.ASSESSOR])
    page = f"/assessments/{submitted.id}"
    row = client.get(page).get_data(as_text=True).split(f'id="q-{upload}"')[1].split("</tr>")[0]
    assert "no answer" not in row and "badge warn" not in row
    routine = int(re.search(r"Accept the (\d+) answers?", client.get(page).get_data(as_text=True)).group(1))
    client.post(f"{page}/accept-routine", data={"csrf_token": csrf_token(client, page), "expected": routine})
    dbs.rollback()
    answer = dbs.scalars(its_answer).one()
    assert answer.review_state == ReviewState.ACCEPTED and answer.value is None
