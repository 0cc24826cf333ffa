"""The risk engine (method 2) as a specification: properties over the shipped questionnaires, the 800-30 matrix,
profiles. The calibration against an assessor's judgement is tests/unit/test_calibration.py."""

from __future__ import annotations

from datetime import date
from functools import cache
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vendorcheck.questionnaire.loader import load_library
from vendorcheck.questionnaire.model import Question, Questionnaire, Thresholds
from vendorcheck.resources import questionnaires_dir
from vendorcheck.scoring import EvidenceState, Inputs, ProfileError, ScoringProfile, VendorProfile, score
from vendorcheck.scoring.ranking import rank, stability
from vendorcheck.scoring.risk import LEVELS, MATRIX, ResidualRating

TODAY = date(2026, 11, 23)
HIGH_IMPACT = VendorProfile("high", stores=True, processes=True, transmits=True)


@cache
def library() -> dict[str, Questionnaire]:
    return load_library(questionnaires_dir())


def questionnaires() -> list[Questionnaire]:
    return list(library().values())


@cache
def drivers() -> frozenset[str]:
    """Questions that some condition refers to: changing them changes which questions are asked."""
    return frozenset(n for q in questionnaires() for x in q.questions if x.when for n in x.when.names())


def best_answer(question: Question) -> Any:
    if question.type in ("yes_no", "yes_no_partial", "single_choice"):
        return max(question.options, key=lambda c: c.score).value
    if question.type == "multi_choice":
        return [max(question.options, key=lambda c: c.score).value]
    if question.type in ("number", "percent"):
        return question.thresholds.good if question.thresholds else 1
    if question.type == "date":
        return TODAY.isoformat()
    return "Described in our policy." if question.type == "text" else None


def options_of(question: Question) -> list[Any]:
    """Every kind of answer a question can take, worst to best by compliance."""
    if question.type in ("yes_no", "yes_no_partial", "single_choice"):
        return [c.value for c in sorted(question.options, key=lambda c: c.score)]
    if question.type == "multi_choice":
        return [[c.value] for c in sorted(question.options, key=lambda c: c.score)]
    if question.type in ("number", "percent") and question.thresholds:
        t = question.thresholds
        return [t.poor, (t.poor + t.good) / 2, t.good]
    return [best_answer(question)]


def answers_strategy() -> st.SearchStrategy[dict[str, Any]]:
    """A complete, varied answer set: each question gets one of its options (conditions resolved in order)."""
    questions = [q for questionnaire in questionnaires() for q in questionnaire.questions if q.type != "evidence"]
    return st.fixed_dictionaries({q.id: st.sampled_from(options_of(q)) for q in questions})


def inputs(answers: dict[str, Any], na: frozenset[str] = frozenset(), documents=None, vendor=HIGH_IMPACT) -> Inputs:
    return Inputs(questionnaires(), answers, na, documents or {}, vendor, TODAY)


PROFILE = ScoringProfile()


def test_a_strong_vendor_scores_full_marks_and_a_low_rating() -> None:
    answers = {q.id: best_answer(q) for questionnaire in questionnaires() for q in questionnaire.questions}
    documents = {q.id: EvidenceState.ACCEPTED for questionnaire in questionnaires() for q in questionnaire.questions}
    result = score(inputs(answers, documents=documents), PROFILE)
    assert result.assessed and result.knockouts == () and result.unanswered == 0
    assert result.claimed == pytest.approx(100) and result.proven == pytest.approx(100)
    assert result.rating.name == "Low"  # Very High impact x Very Low likelihood: 800-30 says Low, not Very Low
    assert result.findings == () and result.until_proven == () and not result.rating.held


def test_nothing_answered_is_not_assessed_and_unanswered_questions_are_findings() -> None:
    everything_zero = ScoringProfile(weights={"pricing": 1.0} | {d: 0.0 for d in PROFILE.weights if d != "pricing"})
    result = score(Inputs([library()["hipaa-security"]], {}, frozenset(), {}, HIGH_IMPACT, TODAY), everything_zero)
    assert not result.assessed and result.rating is None  # never "zero risk"
    blank = score(inputs({}), PROFILE)
    assert not blank.assessed and blank.rating is None  # nothing answered: not assessed, never low risk
    one = score(inputs({"baa_will_sign": "yes"}), PROFILE)
    assert one.assessed and one.unanswered > 0  # unanswered questions are gaps, each a finding at its severity
    unanswered = [f for f in one.findings if f.answer == "Not answered"]
    assert unanswered and unanswered[0].severity == "critical" and one.rating.level >= LEVELS.index("High")


@settings(max_examples=60, deadline=None)
@given(answers=answers_strategy(), data=st.data())
def test_improving_any_answer_never_lowers_a_score(answers: dict[str, Any], data: st.DataObject) -> None:
    before = score(inputs(answers), PROFILE)
    asked = [r.question for r in before.results if r.status == "scored" and r.question.type != "evidence"]
    question = data.draw(st.sampled_from([q for q in asked if q.id not in drivers()]))
    better = dict(answers, **{question.id: best_answer(question)})
    after = score(inputs(better), PROFILE)
    assert after.claimed >= before.claimed - 1e-9 and after.proven >= before.proven - 1e-9
    assert all(a.claimed >= b.claimed - 1e-9 for a, b in zip(after.domains, before.domains, strict=True))
    assert after.rating.level <= before.rating.level and len(after.knockouts) <= len(before.knockouts)
    assert all(a.worst <= b.worst for a, b in zip(after.domains, before.domains, strict=True))


@settings(max_examples=60, deadline=None)
@given(answers=answers_strategy())
def test_a_failed_knockout_always_floors_the_rating(answers: dict[str, Any]) -> None:
    result = score(inputs(answers, vendor=VendorProfile("none")), PROFILE)  # lowest impact: the matrix says little
    if result.knockouts:
        assert result.rating.level >= LEVELS.index("High")
    if any(k.kind == "disqualifying" for k in result.knockouts):
        assert result.rating.name == "Very High" and result.disqualified and "do not use" in result.rating.label
    waived = ScoringProfile(knockouts_off=frozenset(q.id for qn in questionnaires() for q in qn.questions))
    again = score(inputs(answers, vendor=VendorProfile("none")), waived)
    assert {k.question_id for k in again.knockouts} == {  # the law cannot be switched off
        k.question_id for k in result.knockouts if k.kind == "disqualifying"
    }
    assert again.rating.floored == again.disqualified


@settings(max_examples=40, deadline=None)
@given(answers=answers_strategy(), data=st.data())
def test_not_applicable_takes_a_question_out_without_changing_the_scale(answers: dict[str, Any], data) -> None:
    result = score(inputs(answers), PROFILE)
    asked = [r.question for r in result.results if r.status == "scored" and r.question.id not in drivers()]
    question = data.draw(st.sampled_from(asked))
    with_na = score(inputs(answers, na=frozenset({question.id})), PROFILE)
    assert 0 <= with_na.claimed <= 100 and 0 <= with_na.proven <= 100
    without = [r for r in with_na.results if r.question.id == question.id]
    assert without[0].status == "not_applicable" and without[0].loss == 0
    total_loss = sum(g.points for g in with_na.gaps)
    assert total_loss == pytest.approx(100 - with_na.claimed, abs=1e-6)  # losses add up to the whole scale


@settings(max_examples=30, deadline=None)
@given(answers=answers_strategy())
def test_same_inputs_same_output_and_losses_explain_the_score(answers: dict[str, Any]) -> None:
    first, second = score(inputs(answers), PROFILE), score(inputs(answers), PROFILE)
    assert first == second
    assert sum(g.points for g in first.gaps) == pytest.approx(100 - first.claimed, abs=1e-6)
    assert [g.points for g in first.gaps] == sorted((g.points for g in first.gaps), reverse=True)


def test_expired_evidence_proves_nothing() -> None:
    answers = {q.id: best_answer(q) for questionnaire in questionnaires() for q in questionnaire.questions}
    accepted = {qid: EvidenceState.ACCEPTED for qid in answers} | {"soc2_report_upload": EvidenceState.ACCEPTED}
    expired = dict(accepted, soc2_report_upload=EvidenceState.EXPIRED, baa_will_sign=EvidenceState.EXPIRED)
    fresh, stale = (
        score(inputs(answers, documents=accepted), PROFILE),
        score(inputs(answers, documents=expired), PROFILE),
    )
    assert stale.proven < fresh.proven and stale.claimed < fresh.claimed  # the upload itself counts as missing
    assert {g.question_id for g in stale.unproven} == {"baa_will_sign"}
    assert all("expired" in g.why for g in stale.unproven)
    [upload] = [f for f in stale.findings if f.question_id == "soc2_report_upload"]
    assert upload.answer == "Document expired" and upload.severity == "high"
    assert fresh.rating.name == "Low" and stale.rating.name == "High"  # no SOC 2 report in hand: a high finding
    only_baa = score(inputs(answers, documents=dict(accepted, baa_will_sign=EvidenceState.EXPIRED)), PROFILE)
    assert only_baa.rating.name == "Moderate" and only_baa.if_proven.name == "Low"  # the claim alone: one level up
    assert "Moderate until proven" in only_baa.headline
    assert only_baa.until_proven[0].question_ids == ("baa_will_sign",)


def test_a_knockout_is_listed_with_its_reason_and_citation() -> None:
    answers = {q.id: best_answer(q) for questionnaire in questionnaires() for q in questionnaire.questions}
    answers["baa_will_sign"] = "no"
    result = score(inputs(answers), PROFILE)
    [knockout] = [k for k in result.knockouts if k.question_id == "baa_will_sign"]
    assert knockout.answer == "No" and "BAA" in knockout.reason and knockout.controls
    assert knockout.kind == "disqualifying" and result.disqualified and "do not use" in result.headline
    assert result.rating.name == "Very High"
    answers.update(baa_will_sign="yes", mfa_admin="no")
    critical = score(inputs(answers), PROFILE)
    assert [k.kind for k in critical.knockouts] == ["critical"] and not critical.disqualified
    assert critical.rating.level >= LEVELS.index("High") and "do not use" not in critical.headline
    gap = next(g for g in result.gaps if g.question_id == "baa_will_sign")
    assert gap.why == knockout.reason and "walk away" in gap.ask


def test_threshold_overrides_change_numeric_compliance() -> None:
    answers = {q.id: best_answer(q) for questionnaire in questionnaires() for q in questionnaire.questions}
    answers["denial_rate"] = 8
    default = score(inputs(answers), PROFILE)
    strict = score(inputs(answers), ScoringProfile(thresholds={"denial_rate": Thresholds("lower_is_better", 3, 8)}))
    assert strict.claimed < default.claimed


def test_the_risk_matrix_is_nist_table_i2() -> None:
    # rows: likelihood VL..VH; columns: impact VL..VH (SP 800-30 Rev. 1, Table I-2)
    assert MATRIX[4] == (0, 1, 2, 3, 4) and MATRIX[2] == (0, 1, 2, 2, 3) and MATRIX[0] == (0, 0, 0, 1, 1)
    assert ResidualRating.of(4, 95.0, False, 3).name == "Low"
    assert ResidualRating.of(4, 80.0, False, 3).name == "Moderate"
    assert ResidualRating.of(0, 95.0, True, 3).name == "High"


@pytest.mark.parametrize(
    ("profile", "message"),
    [
        (ScoringProfile(weights={"encryption": -1.0}), "must be zero or more"),
        (ScoringProfile(weights={"encryption": 0.0}), "At least one domain must weigh more than zero"),
        (ScoringProfile(thresholds={"denial_rate": Thresholds("lower_is_better", 10, 4)}), "better side"),
        (ScoringProfile(knockout_floor="Extreme"), "knock-out floor"),
        (ScoringProfile(rating_basis="vibes"), "claimed or the proven"),
    ],
)
def test_a_profile_that_cannot_score_is_refused_with_a_reason(profile: ScoringProfile, message: str) -> None:
    with pytest.raises(ProfileError) as error:
        profile.check()
    assert any(message in p for p in error.value.problems)


def test_profiles_round_trip_through_their_stored_form() -> None:
    profile = ScoringProfile(
        version=3,
        weights={"encryption": 2.0, "pricing": 0.0},
        thresholds={"denial_rate": Thresholds("lower_is_better", 4, 12)},
        knockouts_off=frozenset({"baa_will_sign"}),
        knockout_floor="Very High",
        rating_basis="proven",
    )
    assert ScoringProfile.from_json(profile.to_json(), 3) == profile


def test_ranking_and_its_stability() -> None:
    answers = {q.id: best_answer(q) for questionnaire in questionnaires() for q in questionnaire.questions}
    weak_encryption = dict(answers, encrypt_at_rest="partial", tls_minimum="tls_1_2")
    weak_ops = dict(answers, denial_rate=12, clean_claim_rate=85)
    scores = {
        "A": score(inputs(weak_encryption), PROFILE),
        "B": score(inputs(weak_ops), PROFILE),
        "C": None,
    }
    order = rank(scores)
    assert order[-1] == "C"  # not assessed comes last, never first
    result = stability(scores, PROFILE)
    assert result.checked > 0
    for flip in result.flips:
        assert set(flip.order) == {"A", "B"} and list(flip.order) != order[:2] and "%" in flip.sentence
