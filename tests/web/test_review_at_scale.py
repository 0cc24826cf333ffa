"""Reviewing a full assessment without a click per answer: what needs attention, and the rest accepted at once."""

from __future__ import annotations

import re

from sqlalchemy import select
from sqlalchemy.orm import Session

from tests.helpers import csrf_token
from vendorcheck.models import Answer, Assessment, AssessmentStatus, AuditEvent, ReviewState, Role


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
