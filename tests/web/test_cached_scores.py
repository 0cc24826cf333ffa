"""Scores served from the cache are the scores a fresh computation gives, and every change of input recomputes.

The changes go through the services that make them (answer review, evidence review, profile save, vendor update),
except the vendor's own answer, which a submitted questionnaire no longer lets the vendor edit: that one changes the
row as the portal's save does.
"""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session

from vendorcheck import assessments, scores
from vendorcheck import vendors as vendor_service
from vendorcheck.audit import Actor
from vendorcheck.evidence import reviews
from vendorcheck.models import Answer, Evidence, EvidenceReview, Role, Vendor
from vendorcheck.scores import exports, vendor_scores
from vendorcheck.scores.cache import SCORES, ScoreCache
from vendorcheck.scoring import ScoringProfile
from vendorcheck.scoring.ranking import stability
from vendorcheck.web.scores import routes

ACTOR = Actor.cli("test")
TODAY = date(2026, 11, 23)


def through_cache(session: Session, vendor: Vendor, today: date = TODAY) -> vendor_scores.VendorScore:
    [entry] = scores.score_vendors(session, [vendor], scores.current_profile(session, vendor.org_id), today)
    return entry


def fresh(session: Session, vendor: Vendor, today: date = TODAY) -> vendor_scores.VendorScore:
    """The same score with the engine run now (a cache that keeps nothing)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(vendor_scores, "SCORES", ScoreCache(size=0))
        return through_cache(session, vendor, today)


def assert_same(cached: vendor_scores.VendorScore, computed: vendor_scores.VendorScore) -> None:
    assert cached.score == computed.score and cached.status == computed.status
    assert exports.score_json(cached) == exports.score_json(computed)  # what every page and export shows


def recomputed(session: Session, vendor: Vendor, today: date = TODAY, miss: bool = True) -> vendor_scores.VendorScore:
    """Score through the cache, asserting the engine ran (a miss: new inputs) or not, and agrees with a fresh run."""
    session.flush()
    session.expire_all()  # read back what the service stored, as the next request would
    misses = SCORES.misses
    entry = through_cache(session, vendor, today)
    assert SCORES.misses == misses + miss, "the change did not invalidate the stored score" if miss else "recomputed"
    assert_same(entry, fresh(session, vendor, today))
    return entry


def test_the_demo_served_from_the_cache_equals_a_fresh_computation(dbs: Session, vendors) -> None:
    SCORES.clear()
    for vendor in vendors.values():
        first = through_cache(dbs, vendor)
        hits = SCORES.hits
        again = through_cache(dbs, vendor)
        assert_same(again, fresh(dbs, vendor))
        if first.score is not None:
            assert again.score is first.score and SCORES.hits == hits + 1  # served, not recomputed
    comparison = scores.compare(dbs, list(vendors.values()), scores.current_profile(dbs, vendors["Apex"].org_id))
    assert [e.score for e in comparison.entries] == [
        fresh(dbs, e.vendor).score for e in comparison.entries
    ]  # the comparison reads the same stored scores
    again = scores.compare(dbs, list(vendors.values()), scores.current_profile(dbs, vendors["Apex"].org_id))
    scored = {e.vendor.name: e.score for e in comparison.entries}
    assert again.stability is comparison.stability == stability(scored, comparison.profile)  # stored, and right


def test_a_large_comparison_details_only_the_best_ranked(client, auth, world, vendors, monkeypatch) -> None:
    monkeypatch.setattr(routes, "DETAILED", 2)  # the demo has 3 assessed vendors
    auth.login_as(world.users[Role.VIEWER])
    page = client.get("/compare?" + "&".join(f"vendor={v.id}" for v in vendors.values())).get_data(as_text=True)
    ranking, detail = page.split("<h2>Domain by domain</h2>")
    assert "Summit Revenue" in ranking and "Summit Revenue" not in detail  # ranked last of the three assessed
    assert "The 2 best-ranked of 3 assessed vendors" in detail and "ClearPath" in detail and "BlueHarbor" in detail


def test_every_kind_of_change_recomputes_the_score(dbs: Session, vendors) -> None:
    SCORES.clear()
    vendor = vendors["BlueHarbor"]
    entry = through_cache(dbs, vendor)
    [assessment] = entry.assessments
    sheet = assessments.sheet_of(dbs, assessment)
    question = next(
        r.question for r in entry.score.results if r.status == "scored" and r.question.type == "yes_no_partial"
    )  # type: ignore[union-attr]
    answer = dbs.scalar(select(Answer).where(Answer.assessment_id == assessment.id, Answer.question_id == question.id))
    # three distinct answers, so each step's inputs are new (going back to earlier inputs would rightly be a hit)
    vendor_said, corrected = [c.value for c in question.options if c.value != answer.value][:2]

    # The vendor's answer changes (the row the portal writes).
    answer.value = vendor_said
    recomputed(dbs, vendor)
    # The assessor overrides it, then accepts it (the override no longer counts).
    assessments.review(dbs, ACTOR, sheet, question.id, "override", note="seen on site", override_raw=corrected)
    overridden = recomputed(dbs, vendor)
    assert overridden.answers[question.id] == corrected
    assessments.review(dbs, ACTOR, assessments.sheet_of(dbs, assessment), question.id, "accept")
    assert recomputed(dbs, vendor, miss=False).answers[question.id] == vendor_said  # the inputs of the first change
    # A document is accepted, then its validity runs out (the same rows, a later day).
    pending = dbs.scalars(
        select(Evidence).where(Evidence.vendor_id == vendor.id, Evidence.review_state == EvidenceReview.PENDING)
    ).first()
    reviews.review(dbs, ACTOR, pending, accept=True)
    pending.valid_until = TODAY + timedelta(days=1)
    recomputed(dbs, vendor)
    recomputed(dbs, vendor, TODAY + timedelta(days=1))
    expired = recomputed(dbs, vendor, TODAY + timedelta(days=2))
    assert exports.score_json(expired)["evidence"] != exports.score_json(through_cache(dbs, vendor))["evidence"]
    # The practice saves a new scoring profile; the vendor's profile is edited.
    scores.save_profile(dbs, ACTOR, vendor.org_id, ScoringProfile(rating_basis="proven"))
    recomputed(dbs, vendor)
    vendor_service.update(dbs, ACTOR, vendor, {"offshore": not vendor.offshore})
    recomputed(dbs, vendor)
    # Nothing changed: served from the cache.
    misses = SCORES.misses
    through_cache(dbs, vendor)
    assert SCORES.misses == misses
