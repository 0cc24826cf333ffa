"""The scoring profile: what an organization decides about weighting, thresholds and knock-outs.

Profiles are versioned; every stored score names the profile version it used. Version 0 is the built-in
default, used until an admin saves one.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from vendorcheck.numbers import LIMIT as NUMBER_LIMIT
from vendorcheck.questionnaire.model import Thresholds
from vendorcheck.scoring.risk import LEVELS

DOMAIN_LABELS = {
    "contracts": "Contracts and BAA",
    "risk_management": "Risk management",
    "encryption": "Encryption",
    "access_control": "Access control",
    "audit": "Logging and audits",
    "integrity": "Data integrity",
    "incident_response": "Incident response",
    "resilience": "Backups and recovery",
    "workforce": "Staff and training",
    "physical": "Physical security",
    "subcontractors": "Subcontractors",
    "soc2_report": "SOC 2 report",
    "track_record": "Track record",
    "operations": "Billing operations",
    "pricing": "Price",
}

# Security and contracts count fully, the BAA a little more; billing performance counts half; price is shown
# beside the rating, not inside it (a cheap vendor is not a safer one).
DEFAULT_WEIGHTS = {domain: 1.0 for domain in DOMAIN_LABELS} | {"contracts": 1.5, "operations": 0.5, "pricing": 0.0}
RATING_BASES = ("claimed", "proven")
MAX_WEIGHT = 100  # a domain at 100 against others at 1 already decides alone


class ProfileError(ValueError):
    """A profile that cannot be used; ``problems`` are whole sentences, one per mistake."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class ScoringProfile:
    """Domain weights, threshold overrides, knock-out rules switched off, and what the rating is based on."""

    version: int = 0
    weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    thresholds: Mapping[str, Thresholds] = field(default_factory=dict)  # question id -> override
    knockouts_off: frozenset[str] = frozenset()  # question ids whose knock-out rule does not apply
    knockout_floor: str = "High"  # a failed knock-out rates the vendor at least this
    rating_basis: str = "claimed"  # which score sets control strength: claimed or proven

    def weight(self, domain: str) -> float:
        """The weight of a domain; a domain the profile does not name counts 1."""
        return float(self.weights.get(domain, 1.0))

    def weights_of(self, domains: Iterable[str]) -> dict[str, float]:
        """:meth:`weight` of each domain, in their order (the engine asks for all of an assessment's at once)."""
        named = self.weights
        return {domain: float(named.get(domain, 1.0)) for domain in domains}

    @property
    def floor(self) -> int:
        return LEVELS.index(self.knockout_floor)

    def check(self) -> None:
        """ProfileError listing every mistake, if the profile cannot produce a meaningful score."""
        problems = []
        for domain, weight in sorted(self.weights.items()):
            if not isinstance(weight, int | float) or not 0 <= weight <= MAX_WEIGHT:  # NaN fails too
                problems.append(
                    f"The weight of {DOMAIN_LABELS.get(domain, domain)} must be zero or more (at most {MAX_WEIGHT})."
                )
        if not any(w > 0 for w in self.weights.values() if isinstance(w, int | float) and math.isfinite(w)):
            problems.append("At least one domain must weigh more than zero, or nothing would count.")
        for question_id, rule in sorted(self.thresholds.items()):
            if not all(math.isfinite(t) and abs(t) < NUMBER_LIMIT for t in (rule.good, rule.poor)):
                problems.append(f"{question_id}: the thresholds must be ordinary numbers.")
            elif rule.direction not in ("higher_is_better", "lower_is_better"):
                problems.append(f"{question_id}: direction must be higher_is_better or lower_is_better.")
            elif rule.good == rule.poor:
                problems.append(f"{question_id}: the good and poor thresholds must differ.")
            elif (rule.good > rule.poor) != (rule.direction == "higher_is_better"):
                problems.append(f"{question_id}: with {rule.direction}, “good” must be on the better side of “poor”.")
        if self.knockout_floor not in LEVELS:
            problems.append(f"The knock-out floor must be one of: {', '.join(LEVELS)}.")
        if self.rating_basis not in RATING_BASES:
            problems.append("The rating must be based on the claimed or the proven score.")
        if problems:
            raise ProfileError(problems)

    def to_json(self) -> dict[str, Any]:
        """The profile as stored (stable keys, sorted)."""
        return {
            "weights": dict(sorted(self.weights.items())),
            "thresholds": {
                qid: {"direction": t.direction, "good": t.good, "poor": t.poor}
                for qid, t in sorted(self.thresholds.items())
            },
            "knockouts_off": sorted(self.knockouts_off),
            "knockout_floor": self.knockout_floor,
            "rating_basis": self.rating_basis,
        }

    @classmethod
    def from_json(cls, data: Mapping[str, Any], version: int) -> ScoringProfile:
        """A profile from its stored form; ProfileError if it does not make sense."""
        try:
            profile = cls(
                version=version,
                weights={str(k): float(v) for k, v in dict(data.get("weights", DEFAULT_WEIGHTS)).items()},
                thresholds={
                    str(qid): Thresholds(str(t["direction"]), float(t["good"]), float(t["poor"]))
                    for qid, t in dict(data.get("thresholds", {})).items()
                },
                knockouts_off=frozenset(str(q) for q in data.get("knockouts_off", [])),
                knockout_floor=str(data.get("knockout_floor", "High")),
                rating_basis=str(data.get("rating_basis", "claimed")),
            )
        except (TypeError, ValueError, KeyError, AttributeError) as error:
            raise ProfileError([f"The profile is malformed: {error}."]) from None
        profile.check()
        return profile
