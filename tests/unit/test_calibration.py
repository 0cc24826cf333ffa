"""Calibration: realistic vendors, and the levels and order an experienced HIPAA assessor would give them.

Each vendor is built the way the service builds one (scores.py): full answers to all three shipped
questionnaires, the documents filed for it with their review states (turned into per-question proof by
``scoring.proof``, as the service does), and its inherent profile. A builder starts from an exemplary billing
company and applies the changes that make each case; the expectations are an assessor's, not the engine's.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from functools import cache
from typing import Any

import pytest

from vendorcheck.questionnaire.loader import load_library
from vendorcheck.questionnaire.model import Question, Questionnaire
from vendorcheck.resources import questionnaires_dir
from vendorcheck.scoring import Document, EvidenceState, Inputs, Score, ScoringProfile, VendorProfile, proof, score
from vendorcheck.scoring.ranking import rank, stability
from vendorcheck.scoring.risk import LEVELS

TODAY = date(2026, 11, 23)
PROFILE = ScoringProfile()
ACCEPTED, PENDING, EXPIRED, REJECTED = (
    EvidenceState.ACCEPTED,
    EvidenceState.PENDING,
    EvidenceState.EXPIRED,
    EvidenceState.REJECTED,
)
HIGH = LEVELS.index("High")


def ago(days: int) -> str:
    return (TODAY - timedelta(days=days)).isoformat()


@cache
def library() -> tuple[Questionnaire, ...]:
    return tuple(load_library(questionnaires_dir()).values())


def _best(question: Question) -> Any:
    if question.type in ("yes_no", "yes_no_partial", "single_choice"):
        return max(question.options, key=lambda c: c.score).value
    if question.type == "multi_choice":
        return [max(question.options, key=lambda c: c.score).value]
    if question.type in ("number", "percent"):
        return question.thresholds.good if question.thresholds else 0
    if question.type == "date":
        return ago(60)
    return "Described in our policy; see the attached document." if question.type == "text" else None


# An exemplary mid-sized billing company: answers an assessor would call excellent, every figure realistic.
EXEMPLARY_ANSWERS: dict[str, Any] = {
    "patient_count": 20_000,
    "baa_breach_notice_days": 5,
    "risk_analysis_date": ago(120),
    "access_removed_hours": 1,
    "patching_days": 7,
    "restore_test_date": ago(90),
    "recovery_time_hours": 24,
    "contingency_notice_hours": 24,
    "uses_subcontractors": "yes",
    "subcontractor_count": 1,
    "subcontractor_list": "Cloud hosting (AWS, USA) under a BAA.",
    "offshore_phi": "no",
    "soc2_period_start": ago(365 + 90),
    "soc2_period_end": ago(90),
    "soc2_period_months": 12,
    "soc2_exception_count": 0,
    "soc2_subservice_method": "inclusive",
    "soc2_bridge_letter": "yes",
    "soc2_bridge_letter_date": ago(20),
    "soc2_next_report": (TODAY + timedelta(days=270)).isoformat(),
    "years_in_business": 14,
    "references_provided": 4,
    "breaches_last_5_years": "no",
    "regulatory_actions": "no",
    "litigation": "no",
    "company_excluded": "no",
    "cyber_insurance_amount": 3_000_000,
    "ownership_change": "no",
    "clean_claim_rate": 97,
    "denial_rate": 4,
    "days_in_ar": 33,
    "ar_over_90": 8,
    "net_collection_rate": 97,
    "coder_certification": 100,
    "staff_turnover": 10,
    "pricing_model": "percent_of_collections",
    "collection_rate_percent": 5,
    "monthly_cost_estimate": 6_500,
    "setup_fee": 0,
    "minimum_term_months": 12,
    "termination_notice_days": 30,
}
# Documents filed for it, each through the slot that asks for it, all accepted and current.
EXEMPLARY_DOCUMENTS = (
    ("soc2_report", ACCEPTED, ("soc2_report_upload",)),
    ("baa", ACCEPTED, ("baa_will_sign",)),
    ("pentest_letter", ACCEPTED, ("pen_test_yearly",)),
    ("policy", ACCEPTED, ("risk_analysis_done",)),
    ("policy", ACCEPTED, ("incident_plan",)),
    ("policy", ACCEPTED, ("policies_retained_6_years",)),
    ("insurance", ACCEPTED, ("cyber_insurance",)),
)
EXEMPLARY_PROFILE = VendorProfile("moderate", stores=True, processes=True, transmits=True, subcontractors=True)


@dataclass(frozen=True)
class Vendor:
    """One calibration case: answers, documents and profile, scored as the service would score it."""

    name: str
    changes: dict[str, Any] = field(default_factory=dict)
    documents: tuple[tuple[str, EvidenceState, tuple[str, ...]], ...] = EXEMPLARY_DOCUMENTS
    profile: VendorProfile = EXEMPLARY_PROFILE
    answered: bool = True

    def answers(self) -> dict[str, Any]:
        """Full answers to every question that ends up asked (conditions resolved in order)."""
        if not self.answered:
            return {}
        chosen: dict[str, Any] = {}
        wanted = EXEMPLARY_ANSWERS | self.changes
        for questionnaire in library():
            for question in questionnaire.questions:
                if question.when is not None and not question.when.evaluate(chosen):
                    continue
                value = wanted.get(question.id, _best(question))
                if value is not None:
                    chosen[question.id] = value
        return chosen

    def inputs(self) -> Inputs:
        answers = self.answers()
        filed = [Document(kind, state, ids) for kind, state, ids in self.documents]
        documents = proof(library(), filed, answers, TODAY)
        return Inputs(library(), answers, frozenset(), documents, self.profile, TODAY)

    def score(self, profile: ScoringProfile = PROFILE) -> Score:
        return score(self.inputs(), profile)


def vendor(name: str, **changes: Any) -> Vendor:
    """The exemplary vendor with some answers changed."""
    return Vendor(name, dict(changes))


EXEMPLARY = Vendor("Exemplary Billing")
NO_EVIDENCE = Vendor("Exemplary, no documents", {"soc2_report_upload": "later"}, documents=())
DISQUALIFIED = {
    "no BAA": vendor("Refuses the BAA", baa_will_sign="no"),
    "excluded owner": vendor("Owner on the LEIE", company_excluded="yes"),
    "refuses breach reports": vendor("Will not report breaches", baa_breach_reporting="no"),
}
CRITICAL_GAPS = {
    "PHI not encrypted at rest": vendor("Unencrypted storage", encrypt_at_rest="no"),
    "TLS 1.0 on a legacy portal": vendor("Legacy portal", tls_minimum="tls_1_0"),
    "MFA only for some remote staff": vendor("Partial remote MFA", mfa_remote="partial"),
    "no MFA for administrators": vendor("Admin passwords only", mfa_admin="no"),
    "breach notice after 90 days": vendor("Slow notice", baa_breach_notice_days=90),
    "no risk analysis": vendor("No risk analysis", risk_analysis_done="no"),
    "SSL 3.0 still enabled": vendor("Old protocols", legacy_protocols=["ssl_v3"]),
}
RECENT_BREACH = vendor(
    "Breached last year",
    breaches_last_5_years="yes",
    breach_individuals=12_000,
    breach_date=ago(300),
    breach_on_hhs_portal="yes",
    breach_remediated="partial",
)
STALE_TYPE_1 = vendor(
    "Type I, 20 months old",
    soc2_report_type="type_1",
    soc2_period_start=ago(610),
    soc2_period_end=ago(610),
    soc2_bridge_letter="no",
)
SIXTY_DAY_NOTICE = vendor("Sixty-day notice", baa_breach_notice_days=60, incident_plan_tested="no")
BIG_EXPOSURE = Vendor(
    "Offshore coders, four subcontractors",
    dict(
        patient_count=250_000,
        offshore_phi="yes",
        offshore_countries="India, a coding subcontractor",
        offshore_safeguards="yes",
        subcontractor_count=4,
    ),
    profile=VendorProfile("high", stores=True, processes=True, transmits=True, offshore=True, subcontractors=True),
)
# A typical vendor with a few ordinary gaps, and the same vendor holding far more data.
TYPICAL_GAPS = dict(access_reviews="yearly", phishing_exercises="no", logs_reviewed="monthly", media_disposal="partial")
TYPICAL = vendor("Typical regional biller", **TYPICAL_GAPS)
TYPICAL_BIG = Vendor(
    "Typical biller, national scale",
    TYPICAL_GAPS | {"patient_count": 400_000, "subcontractor_count": 3},
    profile=VendorProfile("high", stores=True, subcontractors=True),
)
POOR_BILLING = vendor(
    "Secure but poor at billing",
    clean_claim_rate=86,
    denial_rate=12,
    days_in_ar=55,
    ar_over_90=24,
    net_collection_rate=88,
    followup_cadence="within_45_days",
    reporting_cadence="quarterly",
)
UNANSWERED = Vendor("Has not answered", answered=False)
LATER = vendor("Will send the SOC 2 report later", soc2_report_upload="later")


def level(case: Vendor) -> int:
    found = case.score()
    assert found.rating is not None, f"{case.name} was not assessed"
    return found.rating.level


def test_the_exemplary_vendor_rates_low_with_nothing_to_find() -> None:
    found = EXEMPLARY.score()
    assert found.rating.name in ("Very Low", "Low"), found.headline
    assert found.knockouts == () and [f for f in found.findings if f.rated] == [] and found.until_proven == ()
    assert found.rating.inherent == LEVELS.index("High")  # 20,000 patients, kept, one subcontractor


def test_the_same_vendor_without_documents_is_worse_until_proven() -> None:
    found = NO_EVIDENCE.score()
    assert level(NO_EVIDENCE) > level(EXEMPLARY)
    assert found.rating.name == "Moderate" and found.rating.held and found.if_proven.name == "Low"
    assert found.headline.startswith("Moderate until proven: these ")
    kinds = [d.kind for d in found.until_proven]
    assert kinds[0] == "soc2_report" and "baa" in kinds and len(kinds) == len(set(kinds))
    assert f"these {len(kinds)} documents would lower it to Low" in found.headline


@pytest.mark.parametrize("case", DISQUALIFIED.values(), ids=DISQUALIFIED.keys())
def test_each_disqualifier_is_very_high_do_not_use_and_never_recommended(case: Vendor) -> None:
    found = case.score()
    assert found.rating.name == "Very High" and found.disqualified and "do not use" in found.rating.label
    assert found.knockouts[0].kind == "disqualifying" and "do not use" in found.headline
    order = rank({c.name: c.score() for c in (case, EXEMPLARY, TYPICAL, *CRITICAL_GAPS.values())})
    assert order[-1] == case.name  # below even the critical gaps: the law rules it out


@pytest.mark.parametrize("case", CRITICAL_GAPS.values(), ids=CRITICAL_GAPS.keys())
def test_each_critical_gap_is_at_least_high(case: Vendor) -> None:
    found = case.score()
    assert found.rating.level >= HIGH and not found.disqualified
    assert [k.kind for k in found.knockouts] == ["critical"] and found.knockouts[0].controls


def test_a_recent_significant_breach_sits_between_the_exemplary_vendor_and_a_critical_gap() -> None:
    found = RECENT_BREACH.score()
    assert level(EXEMPLARY) < found.rating.level < min(level(c) for c in CRITICAL_GAPS.values())
    [breach] = [f for f in found.findings if f.question_id == "breaches_last_5_years"]
    assert breach.severity == "high"
    proven_fix = replace(
        RECENT_BREACH,
        changes=RECENT_BREACH.changes | {"breach_remediated": "yes"},
        documents=(*EXEMPLARY_DOCUMENTS, ("other", ACCEPTED, ("breach_remediated",))),
    ).score()
    [lowered] = [f for f in proven_fix.findings if f.question_id == "breaches_last_5_years"]
    assert lowered.severity == "medium"  # remediation evidence lowers it, never erases it
    old = replace(RECENT_BREACH, changes=RECENT_BREACH.changes | {"breach_date": ago(1400)}).score()
    assert [f.severity for f in old.findings if f.question_id == "breaches_last_5_years"] == ["medium"]


def test_a_stale_type_1_soc2_report_is_worse_and_says_why() -> None:
    found = STALE_TYPE_1.score()
    assert found.rating.level > level(EXEMPLARY)
    assert any("Type I" in p for p in found.soc2_problems) and any("bridge letter" in p for p in found.soc2_problems)
    # the report no longer proves the security controls, only what it says about itself
    controls = {r.question.id: r.evidence for r in found.results}
    assert controls["encrypt_at_rest"] == EvidenceState.MISSING and controls["soc2_report_type"] == ACCEPTED
    bridged = vendor(
        "Bridged", soc2_period_end=ago(400), soc2_bridge_letter="yes", soc2_bridge_letter_date=ago(30)
    ).score()
    assert bridged.soc2_problems == () and bridged.rating.level == level(EXEMPLARY)


def test_sixty_day_notice_with_an_untested_plan_is_worse_than_the_exemplary_vendor() -> None:
    assert level(SIXTY_DAY_NOTICE) > level(EXEMPLARY)


def test_more_exposure_with_the_same_controls_rates_worse() -> None:
    assert level(BIG_EXPOSURE) > level(EXEMPLARY)
    assert BIG_EXPOSURE.score().rating.inherent == LEVELS.index("Very High")
    assert level(TYPICAL_BIG) > level(TYPICAL)
    for base in (EXEMPLARY, TYPICAL, RECENT_BREACH, NO_EVIDENCE):  # never better, whatever the controls
        bigger = replace(base, profile=VendorProfile("high", stores=True, offshore=True, subcontractor_count=5))
        assert level(bigger) >= level(base)


def test_poor_billing_operations_keep_the_rating_and_lose_the_rank() -> None:
    poor, good = POOR_BILLING.score(), EXEMPLARY.score()
    assert poor.rating.level == good.rating.level and poor.claimed < good.claimed
    assert rank({POOR_BILLING.name: poor, EXEMPLARY.name: good}) == [EXEMPLARY.name, POOR_BILLING.name]
    assert any(not f.rated and f.question_id == "denial_rate" for f in poor.findings)


def test_unanswered_is_not_assessed_never_low_risk() -> None:
    found = UNANSWERED.score()
    assert not found.assessed and found.rating is None and found.headline == "Not assessed."
    order = rank({UNANSWERED.name: found, EXEMPLARY.name: EXEMPLARY.score()})
    assert order == [EXEMPLARY.name, UNANSWERED.name]


def test_a_document_promised_for_later_is_an_answer_and_an_unproven_gap() -> None:
    question = next(q for qn in library() for q in qn.questions if q.id == "soc2_report_upload")
    assert question.parse("later") == "later" and question.is_answered("later")
    assert question.is_answered(None, has_document=True) and not question.is_answered(None)
    found = replace(LATER, documents=()).score()
    result = next(r for r in found.results if r.question.id == "soc2_report_upload")
    assert result.status == "scored" and result.compliance == 1 and result.proven == 0
    assert found.rating.held and any("soc2_report_upload" in d.question_ids for d in found.until_proven)
    missing = replace(vendor("No report at all", soc2_report_upload="not_available"), documents=()).score()
    assert any(f.question_id == "soc2_report_upload" and f.severity == "high" for f in missing.findings)


def test_expired_or_rejected_documents_prove_nothing() -> None:
    for state in (EXPIRED, REJECTED, PENDING):
        documents = tuple((kind, state if kind == "soc2_report" else s, ids) for kind, s, ids in EXEMPLARY_DOCUMENTS)
        found = replace(EXEMPLARY, documents=documents).score()
        assert found.rating.level > level(EXEMPLARY), state


def test_every_lost_point_names_its_citation() -> None:
    everyone = [EXEMPLARY, NO_EVIDENCE, RECENT_BREACH, STALE_TYPE_1, POOR_BILLING, TYPICAL, *CRITICAL_GAPS.values()]
    for case in everyone + list(DISQUALIFIED.values()):
        found = case.score()
        assert all(g.controls for g in found.gaps), case.name
        assert all(f.controls for f in found.findings) and all(k.controls for k in found.knockouts), case.name


def test_the_full_ordering_an_assessor_would_give() -> None:
    cases = [EXEMPLARY, POOR_BILLING, NO_EVIDENCE, TYPICAL, RECENT_BREACH, *CRITICAL_GAPS.values()]
    cases += [*DISQUALIFIED.values(), UNANSWERED]
    order = rank({c.name: c.score() for c in cases})
    assert order[:2] == [EXEMPLARY.name, POOR_BILLING.name]
    assert order.index(RECENT_BREACH.name) < min(order.index(c.name) for c in CRITICAL_GAPS.values())
    assert max(order.index(c.name) for c in CRITICAL_GAPS.values()) < min(
        order.index(c.name) for c in DISQUALIFIED.values()
    )
    assert order[-1] == UNANSWERED.name


def test_the_exemplary_vendor_stays_first_under_any_25_percent_weight_change() -> None:
    cases = [EXEMPLARY, POOR_BILLING, NO_EVIDENCE, TYPICAL, RECENT_BREACH, STALE_TYPE_1, BIG_EXPOSURE]
    scores = {c.name: c.score() for c in cases}
    result = stability(scores, PROFILE)
    assert result.checked >= 20
    assert all(flip.order[0] == EXEMPLARY.name for flip in result.flips)
    for domain in PROFILE.weights:
        for factor in (0.75, 1.25):
            weights = dict(PROFILE.weights, **{domain: PROFILE.weight(domain) * factor})
            moved = ScoringProfile(weights=weights)
            assert rank({c.name: c.score(moved) for c in cases})[0] == EXEMPLARY.name, (domain, factor)
