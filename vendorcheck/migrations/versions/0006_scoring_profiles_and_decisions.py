"""scoring profiles (versioned per organization), recorded decisions, snapshots tied to a decision

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-23 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from vendorcheck.models import UTCDateTime

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "scoring_profiles",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("content", sa.JSON(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("created_by_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organizations.id"], name=op.f("fk_scoring_profiles_org_id_organizations")
        ),
        sa.ForeignKeyConstraint(["created_by_id"], ["users.id"], name=op.f("fk_scoring_profiles_created_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_scoring_profiles")),
        sa.UniqueConstraint("org_id", "version", name="uq_scoring_profiles_org_id_version"),
    )
    with op.batch_alter_table("scoring_profiles", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_scoring_profiles_org_id"), ["org_id"], unique=False)
    op.create_table(
        "decisions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("vendor_id", sa.Integer(), nullable=False),
        sa.Column("compared", sa.JSON(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["organizations.id"], name=op.f("fk_decisions_org_id_organizations")),
        sa.ForeignKeyConstraint(["vendor_id"], ["vendors.id"], name=op.f("fk_decisions_vendor_id_vendors")),
        sa.ForeignKeyConstraint(["decided_by_id"], ["users.id"], name=op.f("fk_decisions_decided_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_decisions")),
    )
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_decisions_org_id"), ["org_id"], unique=False)
    with op.batch_alter_table("score_snapshots", schema=None) as batch_op:
        batch_op.add_column(sa.Column("decision_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_score_snapshots_decision_id_decisions"), "decisions", ["decision_id"], ["id"]
        )
        batch_op.create_index(batch_op.f("ix_score_snapshots_decision_id"), ["decision_id"], unique=False)


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("score_snapshots", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_score_snapshots_decision_id"))
        batch_op.drop_constraint(batch_op.f("fk_score_snapshots_decision_id_decisions"), type_="foreignkey")
        batch_op.drop_column("decision_id")
    with op.batch_alter_table("decisions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_decisions_org_id"))
    op.drop_table("decisions")
    with op.batch_alter_table("scoring_profiles", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_scoring_profiles_org_id"))
    op.drop_table("scoring_profiles")
