"""Inherent impact: how much harm a compromise at this vendor would do, before its controls count.

Method 2 gives the impact enough resolution that more exposure with the same controls rates worse: patients in
five bands, what the vendor does with the data, offshore work and the number of subcontractors add points, and
the points map to the five NIST SP 800-30 levels (docs/scoring.md, step 5). Where the practice's vendor profile
and the vendor's own answers disagree, the larger exposure counts.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

# The top of each band the practice can pick on the vendor profile: an unknown count is taken at its worst.
VOLUME_PATIENTS = {"none": 0, "low": 999, "moderate": 49_999, "high": 250_000}
# (fewer than this many patients, points, words); the last band has no upper end.
PATIENT_BANDS = (
    (1, 0, ""),
    (1_000, 1, "fewer than 1,000"),
    (10_000, 2, "1,000 to 10,000"),
    (50_000, 3, "10,000 to 50,000"),
    (250_001, 4, "50,000 to 250,000"),
)
TOP_BAND = (5, "more than 250,000")
# Points -> impact level (0 Very Low .. 4 Very High): at least this many points for each level.
IMPACT_CUTS = ((7, 4), (5, 3), (3, 2), (1, 1))
# Questions whose answers refine the profile (questionnaires/hipaa-security.yaml).
PATIENTS_Q, SUBCONTRACTORS_Q, USES_SUBCONTRACTORS_Q, OFFSHORE_Q = (
    "patient_count",
    "subcontractor_count",
    "uses_subcontractors",
    "offshore_phi",
)


@dataclass(frozen=True)
class VendorProfile:
    """What the vendor handles: drives the impact (inherent risk) side of the rating."""

    phi_volume: str = "none"
    stores: bool = False
    processes: bool = False
    transmits: bool = False
    offshore: bool = False
    subcontractors: bool = False
    patients: int | None = None  # a count, when known; otherwise the top of the phi_volume band
    subcontractor_count: int | None = None  # when known; otherwise 1 if it uses subcontractors

    @property
    def patient_estimate(self) -> int:
        return max(self.patients or 0, VOLUME_PATIENTS.get(self.phi_volume, 0))

    @property
    def subcontractor_estimate(self) -> int:
        return max(self.subcontractor_count or 0, 1 if self.subcontractors else 0)

    def refined(self, answers: Mapping[str, Any]) -> VendorProfile:
        """This profile with the vendor's answers about its exposure, the larger exposure winning."""
        patients, count = answers.get(PATIENTS_Q), answers.get(SUBCONTRACTORS_Q)
        subs = max(self.subcontractor_count or 0, int(count)) if _count(count) else self.subcontractor_count
        offshore = self.offshore or answers.get(OFFSHORE_Q) == "yes"
        uses = self.subcontractors or answers.get(USES_SUBCONTRACTORS_Q) == "yes"
        return replace(
            self,
            patients=max(self.patients or 0, int(patients)) if _count(patients) else self.patients,
            subcontractor_count=subs,
            offshore=offshore,
            subcontractors=uses,
        )

    def inherent(self) -> tuple[int, list[str]]:
        """(level 0..4, the reasons in plain words, each with its points)."""
        patients = self.patient_estimate
        band, words = TOP_BAND
        for below, points, label in PATIENT_BANDS:
            if patients < below:
                band, words = points, label
                break
        if band == 0:
            return 0, ["Does not handle patient data (per the vendor profile and answers): 0 points."]
        reasons = [f"Sees records of {words} patients: {band} point{'s' if band > 1 else ''}."]
        points = band
        if self.stores:
            points += 2
            reasons.append("Keeps patient data on its own systems: +2.")
        elif self.processes:
            points += 1
            reasons.append("Processes patient data without keeping it: +1.")
        elif self.transmits:
            reasons.append("Only passes patient data on: +0.")
        if self.offshore:
            points += 1
            reasons.append("Some work is done outside the United States: +1.")
        subs = self.subcontractor_estimate
        if subs:
            extra = 2 if subs >= 3 else 1
            points += extra
            reasons.append(f"Passes patient data to {subs} subcontractor{'s' if subs > 1 else ''}: +{extra}.")
        level = next((lvl for cut, lvl in IMPACT_CUTS if points >= cut), 0)
        reasons.append(f"{points} points in all.")
        return level, reasons


def _count(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and 0 <= value < 10**12
