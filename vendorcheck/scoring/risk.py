"""NIST SP 800-30 Rev. 1 levels and its risk matrix (Table I-2): likelihood x impact -> risk."""

from __future__ import annotations

from dataclasses import dataclass

LEVELS = ("Very Low", "Low", "Moderate", "High", "Very High")

# Table I-2, rows = likelihood Very Low..Very High, columns = impact Very Low..Very High (indexes into LEVELS).
MATRIX = (
    (0, 0, 0, 1, 1),  # likelihood Very Low
    (0, 1, 1, 1, 2),  # Low
    (0, 1, 2, 2, 3),  # Moderate
    (0, 1, 2, 3, 4),  # High
    (0, 1, 2, 3, 4),  # Very High
)

# Control strength from the rated score (0..100): at least this many points for each level, strongest first.
STRENGTH_CUTS = ((90.0, 4), (75.0, 3), (60.0, 2), (40.0, 1))


def level_index(name: str) -> int:
    """The index of a level's name in :data:`LEVELS` (ValueError if it is none of them)."""
    return LEVELS.index(name)


def control_strength(points: float) -> int:
    """0 (Very Low) .. 4 (Very High): how strong the vendor's controls are, from the rated score."""
    for cut, level in STRENGTH_CUTS:
        if points >= cut:
            return level
    return 0


@dataclass(frozen=True)
class ResidualRating:
    """Where the vendor lands on the 800-30 scale, and the steps that put it there."""

    inherent: int  # impact if something goes wrong, from the vendor profile
    strength: int  # control strength, from the score
    likelihood: int  # 4 - strength: weak controls make a compromise likely
    matrix: int  # the matrix cell
    level: int  # after the knock-out floor
    floored: bool  # True when a failed knock-out raised it

    @property
    def name(self) -> str:
        return LEVELS[self.level]

    @classmethod
    def of(cls, inherent: int, points: float, knocked_out: bool, floor: int) -> ResidualRating:
        strength = control_strength(points)
        likelihood = 4 - strength
        cell = MATRIX[likelihood][inherent]
        level = max(cell, floor) if knocked_out else cell
        return cls(inherent, strength, likelihood, cell, level, level > cell)
