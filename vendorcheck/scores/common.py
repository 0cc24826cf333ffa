"""What the scores service shares: which assessments count, the billing figures shown, its error."""

from __future__ import annotations

from vendorcheck.models import (
    AssessmentStatus,
)

SCORED_STAGES = (AssessmentStatus.SUBMITTED, AssessmentStatus.IN_REVIEW, AssessmentStatus.COMPLETED)
# Billing-operations figures laid beside the ratings (question ids of questionnaires/billing-vendor.yaml).
FIGURES = (
    ("clean_claim_rate", "Clean-claim rate"),
    ("denial_rate", "Denial rate"),
    ("days_in_ar", "Days in A/R"),
    ("net_collection_rate", "Net collection rate"),
    ("collection_rate_percent", "Fee (% of collections)"),
    ("monthly_cost_estimate", "Monthly cost, all in"),
    ("setup_fee", "Setup fee"),
)


class ScoreError(ValueError):
    """A request that cannot be scored as asked; the message says what to do."""


# The two words a rating may carry, explained where they appear (comparison, vendor list and page, memo) for an
# owner who is not a security expert.
EXPLANATIONS = {
    "provisional": "Provisional: the compliance officer has not finished reviewing this vendor's answers, "
    "so its rating may still change.",
    "not_assessed": "Not assessed: the vendor has not submitted its questionnaire, so nothing is known yet about "
    "how it protects patient data. That is not the same as low risk.",
}
