"""The risk engine: answers, evidence and the vendor's profile in, an explainable rating out.

Pure and deterministic (no Flask, no database): :mod:`~vendorcheck.scores` gathers the inputs.
The method is documented step by step in ``docs/scoring.md`` so that an auditor can recompute a score by hand.
"""

from vendorcheck.scoring.engine import (
    METHOD_VERSION,
    DomainScore,
    Inputs,
    QuestionResult,
    Score,
    score,
)
from vendorcheck.scoring.findings import Finding, Gap, KnockOut, NeededDocument
from vendorcheck.scoring.impact import VendorProfile
from vendorcheck.scoring.profile import DOMAIN_LABELS, ProfileError, ScoringProfile
from vendorcheck.scoring.proof import Document, EvidenceState, proof, soc2_problems
from vendorcheck.scoring.risk import LEVELS, ResidualRating

__all__ = [
    "DOMAIN_LABELS",
    "LEVELS",
    "METHOD_VERSION",
    "Document",
    "DomainScore",
    "EvidenceState",
    "Finding",
    "Gap",
    "Inputs",
    "KnockOut",
    "NeededDocument",
    "ProfileError",
    "QuestionResult",
    "ResidualRating",
    "Score",
    "ScoringProfile",
    "VendorProfile",
    "proof",
    "score",
    "soc2_problems",
]
