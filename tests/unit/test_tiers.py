"""Risk tiers from the vendor profile, the officer's raise, and the reassessment dates: pure rules."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import pytest

from vendorcheck.lifecycle.tiers import (
    TierError,
    TierPolicy,
    add_months,
    check_policy,
    check_raise,
    computed_tier,
    default_policies,
    effective_tier,
    next_due,
    policies_from,
    tier_reasons,
)

LIBRARY = ["billing-vendor", "hipaa-security", "soc2-review"]


@dataclass
class Profile:
    stores_phi: bool = False
    processes_phi: bool = False
    transmits_phi: bool = False
    offshore: bool = False
    phi_volume: str = "none"


@pytest.mark.parametrize(
    ("profile", "tier"),
    [
        (Profile(stores_phi=True), 1),
        (Profile(processes_phi=True, phi_volume="high"), 1),
        (Profile(offshore=True), 1),
        (Profile(processes_phi=True, offshore=True, phi_volume="low"), 1),
        (Profile(processes_phi=True, phi_volume="moderate"), 2),
        (Profile(transmits_phi=True, phi_volume="low"), 2),
        (Profile(), 3),
    ],
)
def test_the_profile_gives_the_tier(profile: Profile, tier: int) -> None:
    assert computed_tier(profile) == tier
    assert tier_reasons(profile)


def test_the_reasons_say_why_in_plain_words() -> None:
    assert tier_reasons(Profile(stores_phi=True, offshore=True)) == ["stores patient data", "works offshore"]
    assert tier_reasons(Profile(transmits_phi=True)) == ["transmits patient data"]
    assert tier_reasons(Profile()) == ["handles no patient data"]


def test_a_tier_is_raised_never_lowered_and_always_with_a_reason() -> None:
    assert check_raise(2, "1", "  Breach in 2024 ") == (1, "Breach in 2024")
    assert check_raise(2, 2, "Remediated") == (None, "Remediated")  # the profile's tier removes a raise
    with pytest.raises(TierError, match="lower than tier 2"):
        check_raise(2, 3, "Small vendor")
    with pytest.raises(TierError, match="reason"):
        check_raise(3, 1, "")
    for bad in (0, 4, "x", None):
        with pytest.raises(TierError, match="tier 1, 2 or 3"):
            check_raise(3, bad, "why")
    with pytest.raises(TierError, match="under"):
        check_raise(3, 1, "x" * 2001)


def test_the_tier_in_force_is_the_higher_of_profile_and_raise() -> None:
    assert effective_tier(2, None) == 2
    assert effective_tier(3, 1) == 1
    assert effective_tier(1, 2) == 1  # the profile gained exposure since the raise


def test_months_are_added_to_the_month_end() -> None:
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2027, 12, 15), 12) == date(2028, 12, 15)
    assert add_months(date(2028, 2, 29), 12) == date(2029, 2, 28)
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)


def test_next_due_counts_from_the_last_completion_or_is_today() -> None:
    today = date(2026, 11, 29)
    assert next_due(None, 12, today) == today
    assert next_due(date(2025, 10, 1), 12, today) == date(2026, 10, 1)


def test_default_and_saved_policies() -> None:
    defaults = default_policies(LIBRARY)
    assert [defaults[t].interval_months for t in (1, 2, 3)] == [12, 24, 36]
    assert defaults[1].questionnaires == defaults[2].questionnaires == tuple(LIBRARY)
    assert defaults[3].questionnaires == ("hipaa-security",)
    saved = policies_from({3: TierPolicy(3, 48, ("gone", "soc2-review"))}, LIBRARY)
    assert saved[3] == TierPolicy(3, 48, ("soc2-review",)) and saved[1] == defaults[1]
    assert policies_from({2: TierPolicy(2, 6, ("gone",))}, LIBRARY)[2].questionnaires == tuple(LIBRARY)


@pytest.mark.parametrize(
    ("months", "message"), [(0, "1 to 60"), (61, "1 to 60"), ("", "whole number"), ("1.5", "whole")]
)
def test_intervals_are_whole_months_from_1_to_60(months: object, message: str) -> None:
    with pytest.raises(TierError, match=message):
        check_policy(1, months, ["hipaa-security"], LIBRARY)


def test_a_policy_names_known_questionnaires_in_library_order() -> None:
    assert check_policy(2, "18", ["soc2-review", "billing-vendor"], LIBRARY) == TierPolicy(
        2, 18, ("billing-vendor", "soc2-review")
    )
    with pytest.raises(TierError, match="no questionnaire 'nope'"):
        check_policy(2, 18, ["nope"], LIBRARY)
    with pytest.raises(TierError, match="at least one"):
        check_policy(2, 18, [], LIBRARY)
