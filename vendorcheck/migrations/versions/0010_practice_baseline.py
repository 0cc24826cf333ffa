"""the practice's own billing figures and readiness checklist (baselines)

Revision ID: 0010
Revises: 0009
Create Date: 2026-11-29 12:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from vendorcheck.models import UTCDateTime

revision: str = "0010"
down_revision: str | None = "0009"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

FIGURES = (
    "annual_collections",
    "annual_charges",
    "monthly_claims",
    "clean_claim_rate",
    "denial_rate",
    "denials_never_reworked",
    "days_in_ar",
    "ar_over_90",
    "net_collection_rate",
    "staff_cost",
    "software_cost",
    "kept_costs",
)


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "baselines",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        *[sa.Column(name, sa.Double(), nullable=True) for name in FIGURES],
        sa.Column("checklist", sa.JSON(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["organizations.id"], name=op.f("fk_baselines_org_id_organizations")),
        sa.ForeignKeyConstraint(["updated_by_id"], ["users.id"], name=op.f("fk_baselines_updated_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_baselines")),
        sa.UniqueConstraint("org_id", name=op.f("uq_baselines_org_id")),
    )


def downgrade() -> None:
    """Revert this revision."""
    op.drop_table("baselines")
