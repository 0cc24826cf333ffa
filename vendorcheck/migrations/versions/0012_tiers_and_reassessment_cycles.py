"""risk tiers (the officer's raise, per-tier settings) and reassessment cycles (carried answers)

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-29 13:32:06.328462
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from vendorcheck.models import UTCDateTime

revision: str = "0012"
down_revision: str | None = "0011"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "tier_settings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("tier", sa.Integer(), nullable=False),
        sa.Column("interval_months", sa.Integer(), nullable=False),
        sa.Column("questionnaires", sa.JSON(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["organizations.id"], name=op.f("fk_tier_settings_org_id_organizations")),
        sa.ForeignKeyConstraint(["updated_by_id"], ["users.id"], name=op.f("fk_tier_settings_updated_by_id_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tier_settings")),
        sa.UniqueConstraint("org_id", "tier", name="uq_tier_settings_org_id_tier"),
    )
    with op.batch_alter_table("tier_settings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_tier_settings_org_id"), ["org_id"], unique=False)

    with op.batch_alter_table("answers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("carried_from_answer_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("confirmed_at", UTCDateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_answers_carried_from_answer_id_answers"), "answers", ["carried_from_answer_id"], ["id"]
        )

    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.add_column(sa.Column("carried_from_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_assessments_carried_from_id_assessments"), "assessments", ["carried_from_id"], ["id"]
        )

    with op.batch_alter_table("vendors", schema=None) as batch_op:
        batch_op.add_column(sa.Column("tier_override", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("tier_reason", sa.Text(), nullable=True))
        batch_op.add_column(sa.Column("tier_set_by_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("tier_set_at", UTCDateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_vendors_tier_set_by_id_users"), "users", ["tier_set_by_id"], ["id"])


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("vendors", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_vendors_tier_set_by_id_users"), type_="foreignkey")
        batch_op.drop_column("tier_set_at")
        batch_op.drop_column("tier_set_by_id")
        batch_op.drop_column("tier_reason")
        batch_op.drop_column("tier_override")

    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_assessments_carried_from_id_assessments"), type_="foreignkey")
        batch_op.drop_column("carried_from_id")

    with op.batch_alter_table("answers", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_answers_carried_from_answer_id_answers"), type_="foreignkey")
        batch_op.drop_column("confirmed_at")
        batch_op.drop_column("carried_from_answer_id")

    with op.batch_alter_table("tier_settings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tier_settings_org_id"))

    op.drop_table("tier_settings")
