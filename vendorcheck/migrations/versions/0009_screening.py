"""screening against public lists: vendor principals, address and state, list versions and rows, screenings, candidates

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-29 12:05:05.351305
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from vendorcheck.models import UTCDateTime

revision: str = "0009"
down_revision: str | None = "0008"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "list_versions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=True),
        sa.Column(
            "source",
            sa.Enum("leie", "sam", "ocr", name="list_source", native_enum=False, create_constraint=True, length=32),
            nullable=False,
        ),
        sa.Column("version_date", sa.Date(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("row_count", sa.Integer(), nullable=False),
        sa.Column("filename", sa.String(length=255), nullable=False),
        sa.Column("older", sa.Boolean(), nullable=False),
        sa.Column("imported_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("imported_by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["organizations.id"], name=op.f("fk_list_versions_org_id_organizations")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_list_versions")),
    )
    with op.batch_alter_table("list_versions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_list_versions_org_id"), ["org_id"], unique=False)
        batch_op.create_index("ix_list_versions_source_sha256", ["source", "sha256"], unique=False)

    op.create_table(
        "list_rows",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("line", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("name", sa.String(length=300), nullable=False),
        sa.Column("name_key", sa.String(length=300), nullable=False),
        sa.Column("dob", sa.Date(), nullable=True),
        sa.Column("address", sa.String(length=300), nullable=True),
        sa.Column("state", sa.String(length=40), nullable=True),
        sa.Column("listed_on", sa.Date(), nullable=True),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("type", sa.String(length=200), nullable=True),
        sa.Column("record_active", sa.Boolean(), nullable=False),
        sa.Column("affected", sa.Integer(), nullable=True),
        sa.Column("mentions", sa.Text(), nullable=True),
        sa.Column("raw", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["version_id"], ["list_versions.id"], name=op.f("fk_list_rows_version_id_list_versions"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_list_rows")),
    )
    with op.batch_alter_table("list_rows", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_list_rows_version_id"), ["version_id"], unique=False)

    op.create_table(
        "screenings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("vendor_id", sa.Integer(), nullable=False),
        sa.Column("version_id", sa.Integer(), nullable=False),
        sa.Column("screened_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("candidates", sa.Integer(), nullable=False),
        sa.Column("new_candidates", sa.Integer(), nullable=False),
        sa.Column("screened_by", sa.String(length=200), nullable=False),
        sa.ForeignKeyConstraint(["org_id"], ["organizations.id"], name=op.f("fk_screenings_org_id_organizations")),
        sa.ForeignKeyConstraint(
            ["vendor_id"], ["vendors.id"], name=op.f("fk_screenings_vendor_id_vendors"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["version_id"], ["list_versions.id"], name=op.f("fk_screenings_version_id_list_versions")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_screenings")),
    )
    with op.batch_alter_table("screenings", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_screenings_org_id"), ["org_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_screenings_vendor_id"), ["vendor_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_screenings_version_id"), ["version_id"], unique=False)

    op.create_table(
        "vendor_principals",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("vendor_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("title", sa.String(length=200), nullable=True),
        sa.Column("date_of_birth", sa.Date(), nullable=True),
        sa.Column("state", sa.String(length=2), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organizations.id"], name=op.f("fk_vendor_principals_org_id_organizations")
        ),
        sa.ForeignKeyConstraint(
            ["vendor_id"], ["vendors.id"], name=op.f("fk_vendor_principals_vendor_id_vendors"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_vendor_principals")),
    )
    with op.batch_alter_table("vendor_principals", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_vendor_principals_org_id"), ["org_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_vendor_principals_vendor_id"), ["vendor_id"], unique=False)

    op.create_table(
        "screening_candidates",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("vendor_id", sa.Integer(), nullable=False),
        sa.Column("screening_id", sa.Integer(), nullable=False),
        sa.Column("row_id", sa.Integer(), nullable=False),
        sa.Column("principal_id", sa.Integer(), nullable=True),
        sa.Column("subject", sa.String(length=200), nullable=False),
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("score", sa.Float(), nullable=False),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column(
            "status",
            sa.Enum(
                "open",
                "confirmed",
                "dismissed",
                name="candidate_status",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("decided_by_id", sa.Integer(), nullable=True),
        sa.Column("decided_by_label", sa.String(length=200), nullable=True),
        sa.Column("decided_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["decided_by_id"], ["users.id"], name=op.f("fk_screening_candidates_decided_by_id_users")
        ),
        sa.ForeignKeyConstraint(
            ["org_id"], ["organizations.id"], name=op.f("fk_screening_candidates_org_id_organizations")
        ),
        sa.ForeignKeyConstraint(
            ["principal_id"],
            ["vendor_principals.id"],
            name=op.f("fk_screening_candidates_principal_id_vendor_principals"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(["row_id"], ["list_rows.id"], name=op.f("fk_screening_candidates_row_id_list_rows")),
        sa.ForeignKeyConstraint(
            ["screening_id"], ["screenings.id"], name=op.f("fk_screening_candidates_screening_id_screenings")
        ),
        sa.ForeignKeyConstraint(
            ["vendor_id"], ["vendors.id"], name=op.f("fk_screening_candidates_vendor_id_vendors"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_screening_candidates")),
        sa.UniqueConstraint("vendor_id", "fingerprint", name="uq_screening_candidates_vendor_id"),
    )
    with op.batch_alter_table("screening_candidates", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_screening_candidates_org_id"), ["org_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_screening_candidates_row_id"), ["row_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_screening_candidates_screening_id"), ["screening_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_screening_candidates_vendor_id"), ["vendor_id"], unique=False)

    with op.batch_alter_table("vendors", schema=None) as batch_op:
        batch_op.add_column(sa.Column("address", sa.String(length=300), nullable=True))
        batch_op.add_column(sa.Column("state", sa.String(length=2), nullable=True))


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("vendors", schema=None) as batch_op:
        batch_op.drop_column("state")
        batch_op.drop_column("address")

    with op.batch_alter_table("screening_candidates", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_screening_candidates_vendor_id"))
        batch_op.drop_index(batch_op.f("ix_screening_candidates_screening_id"))
        batch_op.drop_index(batch_op.f("ix_screening_candidates_row_id"))
        batch_op.drop_index(batch_op.f("ix_screening_candidates_org_id"))

    op.drop_table("screening_candidates")
    with op.batch_alter_table("vendor_principals", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_vendor_principals_vendor_id"))
        batch_op.drop_index(batch_op.f("ix_vendor_principals_org_id"))

    op.drop_table("vendor_principals")
    with op.batch_alter_table("screenings", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_screenings_version_id"))
        batch_op.drop_index(batch_op.f("ix_screenings_vendor_id"))
        batch_op.drop_index(batch_op.f("ix_screenings_org_id"))

    op.drop_table("screenings")
    with op.batch_alter_table("list_rows", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_list_rows_version_id"))

    op.drop_table("list_rows")
    with op.batch_alter_table("list_versions", schema=None) as batch_op:
        batch_op.drop_index("ix_list_versions_source_sha256")
        batch_op.drop_index(batch_op.f("ix_list_versions_org_id"))

    op.drop_table("list_versions")
