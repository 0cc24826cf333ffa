"""Scores from the database: gather a vendor's answers, documents and profile, run the engine, compare, decide.

A thin service over :mod:`vendorcheck.scoring` (which stays pure):

* ``profiles``: the organization's scoring profile and its versions;
* ``vendor_scores``: scoring vendors (``score_vendors``), in the same few queries whatever their number;
* ``comparison``: vendors side by side, ranked, with the ranking's stability;
* ``decisions``: the owner's decision with the compared scores frozen, and read back (who, when, why);
* ``exports``: the stable JSON and CSV forms (``docs/cli.md``);
* ``memo``: the decision memo (HTML data and PDF).
"""

from vendorcheck.scores.common import FIGURES, SCORED_STAGES, ScoreError
from vendorcheck.scores.comparison import Comparison, compare, shortlisted
from vendorcheck.scores.decisions import RecordedDecision, latest_decision, record_decision, snapshot
from vendorcheck.scores.exports import CSV_HEADER, comparison_json, comparison_rows, score_json
from vendorcheck.scores.profiles import current_profile, profile_history, save_profile
from vendorcheck.scores.vendor_scores import VendorScore, documents_of, score_vendors, vendor_profile

__all__ = [
    "CSV_HEADER",
    "FIGURES",
    "SCORED_STAGES",
    "Comparison",
    "RecordedDecision",
    "ScoreError",
    "VendorScore",
    "compare",
    "comparison_json",
    "comparison_rows",
    "current_profile",
    "documents_of",
    "latest_decision",
    "profile_history",
    "record_decision",
    "save_profile",
    "score_json",
    "score_vendors",
    "shortlisted",
    "snapshot",
    "vendor_profile",
]
