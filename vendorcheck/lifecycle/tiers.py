"""Risk tiers: how much exposure a vendor's profile gives, and how often each tier is reassessed. Pure.

A vendor's tier comes from its profile (``computed_tier``): tier 1 stores PHI, sees a high volume of it, or
works offshore; tier 2 processes or transmits PHI; tier 3 handles none. The officer may raise it with a
reason (``check_raise``), never lower it below what the profile gives: a profile that gains exposure later
raises the tier by itself (``effective_tier`` takes the higher of the two). The tier sets the reassessment
interval and which questionnaires a reassessment sends, per organization (``TierPolicy``; defaults below).
No Flask or SQLAlchemy: a vendor row, a test's stand-in or a JSON profile all fit ``TierProfile``.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Protocol

TIERS = (1, 2, 3)
MIN_MONTHS, MAX_MONTHS = 1, 60
DEFAULT_INTERVALS = {1: 12, 2: 24, 3: 36}
# Which questionnaires a tier's reassessment sends: None is every questionnaire of the library. Tier 3 handles
# no PHI, so it answers the HIPAA Security Rule questionnaire only (its safeguards and BAA terms still apply to
# anything it may come to see); the SOC 2 review and the billing track record are for those with PHI.
DEFAULT_QUESTIONNAIRES: dict[int, tuple[str, ...] | None] = {1: None, 2: None, 3: ("hipaa-security",)}
REASON_CHARS = 2000
TIER_WORDS = {1: "Tier 1 (highest exposure)", 2: "Tier 2", 3: "Tier 3 (no patient data)"}


class TierError(ValueError):
    """A tier or a tier setting that cannot be taken; the message says why and what to do."""


class TierProfile(Protocol):
    """What the tier looks at in a vendor's profile (``models.Vendor`` has these)."""

    @property
    def stores_phi(self) -> bool: ...
    @property
    def processes_phi(self) -> bool: ...
    @property
    def transmits_phi(self) -> bool: ...
    @property
    def offshore(self) -> bool: ...
    @property
    def phi_volume(self) -> str: ...


def _high_volume(profile: TierProfile) -> bool:
    return str(getattr(profile.phi_volume, "value", profile.phi_volume)) == "high"


def tier_reasons(profile: TierProfile) -> list[str]:
    """Why the profile gives its tier, in plain words (the facts of the highest tier that applies)."""
    first = [
        words
        for words, on in (
            ("stores patient data", profile.stores_phi),
            ("sees a high volume of patient records", _high_volume(profile)),
            ("works offshore", profile.offshore),
        )
        if on
    ]
    if first:
        return first
    second = [
        words
        for words, on in (
            ("processes patient data", profile.processes_phi),
            ("transmits patient data", profile.transmits_phi),
        )
        if on
    ]
    return second or ["handles no patient data"]


def computed_tier(profile: TierProfile) -> int:
    """The tier the profile gives: 1 stores PHI, high volume or offshore; 2 processes or transmits PHI; 3 none."""
    if profile.stores_phi or _high_volume(profile) or profile.offshore:
        return 1
    if profile.processes_phi or profile.transmits_phi:
        return 2
    return 3


def effective_tier(computed: int, override: int | None) -> int:
    """The tier in force: the officer's raise if it is higher (a smaller number), else the profile's."""
    return min(computed, override) if override is not None else computed


def check_raise(computed: int, tier: object, reason: str | None) -> tuple[int | None, str]:
    """The override to store for a tier the officer asks for, and the cleaned reason; TierError if refused.

    Asking for the profile's own tier removes a raise (override None). A tier below the profile's is refused,
    and so is any change without a reason: the audit trail keeps why a vendor is watched more closely.
    """
    try:
        wanted = int(str(tier))
    except ValueError:
        raise TierError("Choose tier 1, 2 or 3.") from None
    if wanted not in TIERS:
        raise TierError("Choose tier 1, 2 or 3.")
    if wanted > computed:
        raise TierError(
            f"Tier {wanted} is lower than tier {computed}, which this vendor's profile gives; a tier can be "
            "raised, never lowered below the profile's. Change the profile if it is wrong."
        )
    cleaned = (reason or "").strip()
    if not cleaned:
        raise TierError("Give the reason for changing the tier; it is kept in the audit trail.")
    if len(cleaned) > REASON_CHARS:
        raise TierError(f"Keep the reason under {REASON_CHARS:,} characters.")
    return (None if wanted == computed else wanted), cleaned


@dataclass(frozen=True)
class TierPolicy:
    """One tier's settings: the reassessment interval and the questionnaires (ids, in order) it sends."""

    tier: int
    interval_months: int
    questionnaires: tuple[str, ...]


def default_policies(library_keys: Sequence[str]) -> dict[int, TierPolicy]:
    """The default settings given the questionnaires the library has (missing ids are left out)."""
    policies = {}
    for tier in TIERS:
        chosen = DEFAULT_QUESTIONNAIRES[tier]
        keys = tuple(library_keys) if chosen is None else tuple(k for k in chosen if k in library_keys)
        policies[tier] = TierPolicy(tier, DEFAULT_INTERVALS[tier], keys or tuple(library_keys[:1]))
    return policies


def check_policy(tier: int, months: object, questionnaires: Iterable[str], library_keys: Sequence[str]) -> TierPolicy:
    """A tier's settings as entered, checked: 1..60 months and at least one questionnaire the library has."""
    try:
        interval = int(str(months).strip())
    except ValueError:
        raise TierError(f"Tier {tier}: the interval is a whole number of months.") from None
    if not MIN_MONTHS <= interval <= MAX_MONTHS:
        raise TierError(f"Tier {tier}: the interval is {MIN_MONTHS} to {MAX_MONTHS} months.")
    keys = list(dict.fromkeys(questionnaires))
    unknown = [k for k in keys if k not in library_keys]
    if unknown:
        raise TierError(f"Tier {tier}: there is no questionnaire {unknown[0]!r}.")
    if not keys:
        raise TierError(f"Tier {tier}: choose at least one questionnaire for its reassessment.")
    return TierPolicy(tier, interval, tuple(k for k in library_keys if k in keys))


def add_months(day: date, months: int) -> date:
    """``day`` plus whole months, on the same day of the month or the month's last day (31 Jan + 1 = 28/29 Feb)."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def next_due(last_completed: date | None, interval_months: int, today: date) -> date:
    """When the next reassessment is due: the last completion plus the interval; never assessed: today."""
    return today if last_completed is None else add_months(last_completed, interval_months)


def policies_from(rows: Mapping[int, TierPolicy], library_keys: Sequence[str]) -> dict[int, TierPolicy]:
    """The organization's settings: its saved tiers over the defaults (a saved questionnaire since removed from
    the library is left out; a tier left with none falls back to the default's)."""
    policies = default_policies(library_keys)
    for tier, saved in rows.items():
        keys = tuple(k for k in saved.questionnaires if k in library_keys) or policies[tier].questionnaires
        policies[tier] = TierPolicy(tier, saved.interval_months, keys)
    return policies
