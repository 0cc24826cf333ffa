"""assessments with several pinned questionnaires, vendor contact, clarification rounds, answer overrides

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-23 04:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from vendorcheck.models import UTCDateTime

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "assessment_questionnaires",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("assessment_id", sa.Integer(), nullable=False),
        sa.Column("questionnaire_version_id", sa.Integer(), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessments.id"],
            name=op.f("fk_assessment_questionnaires_assessment_id_assessments"),
            ondelete="CASCADE",
        ),
        sa.ForeignKeyConstraint(
            ["questionnaire_version_id"],
            ["questionnaire_versions.id"],
            name=op.f("fk_assessment_questionnaires_questionnaire_version_id_questionnaire_versions"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_questionnaires")),
        sa.UniqueConstraint(
            "assessment_id", "questionnaire_version_id", name="uq_assessment_questionnaires_assessment_id_version"
        ),
    )
    with op.batch_alter_table("assessment_questionnaires", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_assessment_questionnaires_assessment_id"), ["assessment_id"], unique=False)
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.drop_constraint("fk_assessments_questionnaire_version_id_questionnaire_versions", type_="foreignkey")
        batch_op.drop_column("questionnaire_version_id")
        batch_op.add_column(sa.Column("title", sa.String(length=300), nullable=False, server_default=""))
        batch_op.add_column(sa.Column("link_issued_at", UTCDateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("contact_name", sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column("contact_email", sa.String(length=254), nullable=True))
        batch_op.add_column(sa.Column("clarification_round", sa.Integer(), nullable=False, server_default="0"))
    with op.batch_alter_table("answers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("override_value", sa.JSON(), nullable=True))


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("answers", schema=None) as batch_op:
        batch_op.drop_column("override_value")
    with op.batch_alter_table("assessments", schema=None) as batch_op:
        batch_op.drop_column("clarification_round")
        batch_op.drop_column("contact_email")
        batch_op.drop_column("contact_name")
        batch_op.drop_column("link_issued_at")
        batch_op.drop_column("title")
        batch_op.add_column(sa.Column("questionnaire_version_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            "fk_assessments_questionnaire_version_id_questionnaire_versions",
            "questionnaire_versions",
            ["questionnaire_version_id"],
            ["id"],
        )
    op.drop_table("assessment_questionnaires")
