"""The economics reproduce the hand-computed examples of docs/economics.md exactly."""

from __future__ import annotations

from vendorcheck.scoring.economics import denial_leakage, economics, kpi_proof, readiness

BASELINE = {
    "annual_collections": 900_000,
    "net_collection_rate": 90,
    "staff_cost": 70_000,
    "software_cost": 10_000,
    "kept_costs": 5_000,
    "days_in_ar": 50,
    "denial_rate": 12,
    "denials_never_reworked": 40,
}
VENDOR_X = {
    "net_collection_rate": 96,
    "collection_rate_percent": 6,
    "monthly_cost_estimate": 3_000,
    "setup_fee": 2_000,
    "days_in_ar": 35,
}
VENDOR_Y = {"net_collection_rate": 93, "collection_rate_percent": 4, "monthly_cost_estimate": 4_000, "days_in_ar": 55}


def _values(found) -> dict[str, float | None]:
    return {f.label: f.value for f in found.figures}


def test_example_1_a_percentage_fee_above_the_monthly_floor() -> None:
    found = _values(economics(BASELINE, VENDOR_X))
    assert found["Collectible per year"] == 1_000_000
    assert found["In-house net per year"] == 820_000
    assert found["Collections with the vendor"] == 960_000
    assert found["Vendor fee per year"] == 57_600
    assert found["Net per year with the vendor"] == 897_400
    assert found["Difference per year"] == 77_400
    assert found["Difference in the first year"] == 75_400
    assert found["Collections with the vendor (half the claimed gain)"] == 930_000
    assert found["Vendor fee per year (half the claimed gain)"] == 55_800
    assert found["Difference per year (half the claimed gain)"] == 49_200
    assert found["Difference in the first year (half the claimed gain)"] == 47_200
    assert found["One-time cash from a shorter A/R"] == 36_986.30


def test_example_2_the_monthly_minimum_wins_and_a_slower_a_r_ties_up_cash() -> None:
    found = _values(economics(BASELINE, VENDOR_Y))
    assert found["Vendor fee per year"] == 48_000
    assert found["Net per year with the vendor"] == 877_000
    assert found["Difference per year"] == 57_000
    assert found["Difference in the first year"] == 57_000
    assert found["Collections with the vendor (half the claimed gain)"] == 915_000
    assert found["Difference per year (half the claimed gain)"] == 42_000
    assert found["One-time cash from a shorter A/R"] == -12_328.77


def test_example_3_denial_leakage() -> None:
    assert denial_leakage(BASELINE).value == 48_000


def test_missing_figures_give_no_number_and_say_what_is_needed() -> None:
    found = economics({**BASELINE, "staff_cost": None}, VENDOR_X)
    assert not found.complete and found.figures == ()
    assert any("staff cost" in m for m in found.missing)
    found = economics(BASELINE, {"net_collection_rate": 96})
    assert found.missing == ("The vendor's fee (percentage of collections or monthly cost)",)
    no_days = _values(economics({**BASELINE, "days_in_ar": None}, VENDOR_X))
    assert no_days["One-time cash from a shorter A/R"] is None
    assert denial_leakage({}).value is None


def test_readiness_reads_the_struggling_practice_as_worth_evaluating() -> None:
    found = readiness({**BASELINE, "clean_claim_rate": 88}, {"denials_appealed": "no", "claims_followed": "sometimes"})
    assert found.verdict == "worth_evaluating"
    assert len(found.against_benchmarks) == 4  # clean claims, denials, days in A/R, net collection rate


def test_readiness_says_not_the_right_move_for_a_small_steady_practice() -> None:
    answers = {k: "yes" for k in ("claims_followed", "denials_appealed", "payments_reconciled", "reports_consistent")}
    answers |= {"staff_experienced": "yes", "billing_disrupts": "no", "handles_growth": "yes"}
    found = readiness({"monthly_claims": 60, "denial_rate": 4, "days_in_ar": 32, "net_collection_rate": 97}, answers)
    assert found.verdict == "not_right_move"
    assert len(found.reasons_to_stay) == 3


def test_readiness_needs_figures_when_nothing_is_recorded() -> None:
    assert readiness({}, {}).verdict == "needs_figures"


def test_one_problem_with_no_reason_to_stay_is_borderline() -> None:
    assert readiness({"denial_rate": 15}, {"claims_followed": "no"}).verdict == "worth_evaluating"
    assert readiness({"denial_rate": 15}, {}).verdict == "fix_first"


def test_kpis_are_claims_until_an_accepted_report_names_them() -> None:
    answered = {"clean_claim_rate": 97, "denial_rate": 4, "days_in_ar": 32, "net_collection_rate": 98}
    none = kpi_proof(answered, {})
    assert none.backed == () and none.claimed == (
        "clean_claim_rate",
        "denial_rate",
        "days_in_ar",
        "net_collection_rate",
    )
    assert none.words == "Performance figures are claims: no report shows them yet."
    mixed = kpi_proof(answered, {"denial_rate": "accepted", "net_collection_rate": "pending", "days_in_ar": "expired"})
    assert mixed.backed == ("denial_rate",) and mixed.waiting == ("net_collection_rate",)
    assert mixed.claimed == ("clean_claim_rate", "days_in_ar")  # an expired report backs nothing
    assert mixed.words == (
        "Shown by an accepted report: denial rate; a report awaits review for: net collection rate; "
        "claims only: clean-claim rate, days in A/R."
    )
    assert kpi_proof({}, {"denial_rate": "accepted"}).words == "No performance figures given."  # unanswered: nothing
    assert mixed.to_json() == {
        "backed": ["denial_rate"],
        "waiting": ["net_collection_rate"],
        "claimed": ["clean_claim_rate", "days_in_ar"],
    }
