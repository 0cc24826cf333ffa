"""NIST SP 800-30 Rev. 1 levels and its risk matrix (Table I-2): likelihood x impact -> risk.

Method 2 (:func:`rate`) takes likelihood from the vendor's open findings; method 1 (:meth:`ResidualRating.of`)
took it from the average score and is kept so that old scores can be recomputed and explained.
"""

from __future__ import annotations

from dataclasses import dataclass

LEVELS = ("Very Low", "Low", "Moderate", "High", "Very High")
MODERATE, HIGH, VERY_HIGH = 2, 3, 4

# Table I-2, rows = likelihood Very Low..Very High, columns = impact Very Low..Very High (indexes into LEVELS).
MATRIX = (
    (0, 0, 0, 1, 1),  # likelihood Very Low
    (0, 1, 1, 1, 2),  # Low
    (0, 1, 2, 2, 3),  # Moderate
    (0, 1, 2, 3, 4),  # High
    (0, 1, 2, 3, 4),  # Very High
)

# Method 1: control strength from the rated score (0..100): at least this many points for each level.
STRENGTH_CUTS = ((90.0, 4), (75.0, 3), (60.0, 2), (40.0, 1))
DO_NOT_USE = "do not use"


def level_index(name: str) -> int:
    """The index of a level's name in :data:`LEVELS` (ValueError if it is none of them)."""
    return LEVELS.index(name)


def control_strength(points: float) -> int:
    """Method 1: 0 (Very Low) .. 4 (Very High), how strong the vendor's controls are, from the rated score."""
    for cut, level in STRENGTH_CUTS:
        if points >= cut:
            return level
    return 0


@dataclass(frozen=True)
class ResidualRating:
    """Where the vendor lands on the 800-30 scale, and the steps that put it there."""

    inherent: int  # impact if something goes wrong, from the vendor's exposure
    strength: int  # control strength: 4 - likelihood
    likelihood: int  # method 2: from the worst open finding; method 1: 4 - strength from the score
    matrix: int  # the matrix cell
    level: int  # after the floors below
    floored: bool  # True when a failed knock-out raised it
    held: bool = False  # True when unproven critical or high controls kept it at Moderate (Low needs proof)
    disqualified: bool = False  # a disqualifying knock-out: Very High, do not use, never recommended

    @property
    def name(self) -> str:
        return LEVELS[self.level]

    @property
    def label(self) -> str:
        """The level as the owner reads it: "Very High (do not use)" for a disqualified vendor."""
        return f"{self.name} ({DO_NOT_USE})" if self.disqualified else self.name

    @classmethod
    def of(cls, inherent: int, points: float, knocked_out: bool, floor: int) -> ResidualRating:
        """Method 1: likelihood from the rated score, then the knock-out floor."""
        strength = control_strength(points)
        likelihood = 4 - strength
        cell = MATRIX[likelihood][inherent]
        level = max(cell, floor) if knocked_out else cell
        return cls(inherent, strength, likelihood, cell, level, level > cell)


def rate(
    inherent: int, likelihood: int, *, knocked_out: bool, floor: int, unproven: bool, disqualified: bool
) -> ResidualRating:
    """Method 2: the matrix cell for (likelihood, impact), then the floors in order (docs/scoring.md, step 6).

    ``unproven``: some critical or high control is not proven, so the rating cannot be Low or Very Low while
    the vendor handles patient data; ``knocked_out``: a critical knock-out failed (at least ``floor``);
    ``disqualified``: a disqualifying one failed (Very High, do not use).
    """
    cell = MATRIX[likelihood][inherent]
    level = cell
    held = unproven and inherent > 0 and level < MODERATE
    if held:
        level = MODERATE
    floored = False
    if knocked_out and level < floor:
        level, floored = floor, True
    if disqualified and level < VERY_HIGH:
        level, floored = VERY_HIGH, True
    return ResidualRating(inherent, 4 - likelihood, likelihood, cell, level, floored, held, disqualified)
