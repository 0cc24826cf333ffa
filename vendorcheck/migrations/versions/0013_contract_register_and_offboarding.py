"""the contract register (agreements with clause checks) and offboarding; vendor statuses offboarding and ended,
evidence kind contract

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-29 13:32:48.581821
"""

import re
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from vendorcheck.models import UTCDateTime

revision: str = "0013"
down_revision: str | None = "0012"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

OLD_STATUSES = ("prospect", "shortlisted", "selected", "rejected", "archived")
NEW_STATUSES = (*OLD_STATUSES, "offboarding", "ended")
OLD_KINDS = ("soc2_report", "baa", "pentest_letter", "policy", "certificate", "insurance", "other")
NEW_KINDS = (*OLD_KINDS, "contract")


def _allowed(table: str, column: str, constraint: str, values: Sequence[str]) -> None:
    """Replace the CHECK constraint of an enum column (``ck_<table>_<constraint>``) by one allowing ``values``."""
    name = f"ck_{table}_{constraint}"
    listed = ", ".join(f"'{value}'" for value in values)
    bind = op.get_bind()
    if bind.dialect.name != "sqlite":
        op.drop_constraint(op.f(name), table, type_="check")
        op.create_check_constraint(op.f(name), table, sa.text(f"{column} IN ({listed})"))
        return
    # SQLite cannot alter a constraint, and rebuilding the table (batch mode) would drop it first: with foreign
    # keys on (always, see vendorcheck.db), that cascades to every row referring to it (a vendor's contacts...).
    # The constraint's text is only in the schema, so it is changed there, in this transaction, as SQLite's
    # documentation describes for changes that do not touch stored content ("Making Other Kinds Of Table Schema
    # Changes"); every row already satisfies the new constraint (the downgrade moves them first).
    sql = bind.exec_driver_sql("SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?", (table,)).scalar()
    pattern = re.compile(rf"CONSTRAINT {name} CHECK \({column} IN \((?:'[a-z0-9_]+'(?:, )?)+\)\)")
    changed, count = pattern.subn(f"CONSTRAINT {name} CHECK ({column} IN ({listed}))", str(sql))
    if count != 1:
        raise RuntimeError(f"{table}: the constraint {name} is not where the migration expects it")
    version = bind.exec_driver_sql("PRAGMA schema_version").scalar()
    bind.exec_driver_sql("PRAGMA writable_schema = ON")
    bind.exec_driver_sql("UPDATE sqlite_master SET sql = ? WHERE type = 'table' AND name = ?", (changed, table))
    bind.exec_driver_sql(f"PRAGMA schema_version = {int(version) + 1}")
    bind.exec_driver_sql("PRAGMA writable_schema = OFF")
    bind.exec_driver_sql("PRAGMA integrity_check").all()


def upgrade() -> None:
    """Apply this revision."""
    _allowed("vendors", "status", "vendor_status", NEW_STATUSES)
    _allowed("evidence", "kind", "evidence_kind", NEW_KINDS)
    op.create_table(
        "agreements",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("vendor_id", sa.Integer(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "baa",
                "services",
                "data_processing",
                name="agreement_kind",
                native_enum=False,
                create_constraint=True,
                length=32,
            ),
            nullable=False,
        ),
        sa.Column("title", sa.String(length=300), nullable=False),
        sa.Column("effective_on", sa.Date(), nullable=False),
        sa.Column("term_months", sa.Integer(), nullable=True),
        sa.Column("auto_renews", sa.Boolean(), nullable=False),
        sa.Column("notice_days", sa.Integer(), nullable=True),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("document_id", sa.Integer(), nullable=True),
        sa.Column("clauses", sa.JSON(), nullable=False),
        sa.Column("clauses_version", sa.Integer(), nullable=False),
        sa.Column("terminated_on", sa.Date(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("updated_at", UTCDateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["document_id"], ["evidence.id"], name=op.f("fk_agreements_document_id_evidence")),
        sa.ForeignKeyConstraint(["org_id"], ["organizations.id"], name=op.f("fk_agreements_org_id_organizations")),
        sa.ForeignKeyConstraint(["vendor_id"], ["vendors.id"], name=op.f("fk_agreements_vendor_id_vendors")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agreements")),
    )
    op.create_index(op.f("ix_agreements_org_id"), "agreements", ["org_id"], unique=False)
    op.create_index(op.f("ix_agreements_vendor_id"), "agreements", ["vendor_id"], unique=False)
    op.create_table(
        "offboardings",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("vendor_id", sa.Integer(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("due_on", sa.Date(), nullable=False),
        sa.Column("previous_status", sa.String(length=32), nullable=False),
        sa.Column("started_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("started_by", sa.String(length=200), nullable=False),
        sa.Column("ended_at", UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["org_id"], ["organizations.id"], name=op.f("fk_offboardings_org_id_organizations")),
        sa.ForeignKeyConstraint(["vendor_id"], ["vendors.id"], name=op.f("fk_offboardings_vendor_id_vendors")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offboardings")),
        sa.UniqueConstraint("vendor_id", name="uq_offboardings_vendor_id"),
    )
    op.create_index(op.f("ix_offboardings_org_id"), "offboardings", ["org_id"], unique=False)
    op.create_table(
        "offboarding_steps",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("offboarding_id", sa.Integer(), nullable=False),
        sa.Column("step", sa.String(length=40), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("done_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("done_by", sa.String(length=200), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("evidence_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["evidence_id"], ["evidence.id"], name=op.f("fk_offboarding_steps_evidence_id_evidence")
        ),
        sa.ForeignKeyConstraint(
            ["offboarding_id"],
            ["offboardings.id"],
            name=op.f("fk_offboarding_steps_offboarding_id_offboardings"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_offboarding_steps")),
        sa.UniqueConstraint("offboarding_id", "step", name="uq_offboarding_steps_offboarding_id"),
    )
    op.create_index(op.f("ix_offboarding_steps_offboarding_id"), "offboarding_steps", ["offboarding_id"], unique=False)


def downgrade() -> None:
    """Revert this revision (vendors offboarding or ended go back to archived; contract documents become other)."""
    op.drop_index(op.f("ix_offboarding_steps_offboarding_id"), table_name="offboarding_steps")
    op.drop_table("offboarding_steps")
    op.drop_index(op.f("ix_offboardings_org_id"), table_name="offboardings")
    op.drop_table("offboardings")
    op.drop_index(op.f("ix_agreements_vendor_id"), table_name="agreements")
    op.drop_index(op.f("ix_agreements_org_id"), table_name="agreements")
    op.drop_table("agreements")
    op.execute("UPDATE vendors SET status = 'archived' WHERE status IN ('offboarding', 'ended')")
    op.execute("UPDATE evidence SET kind = 'other' WHERE kind = 'contract'")
    _allowed("vendors", "status", "vendor_status", OLD_STATUSES)
    _allowed("evidence", "kind", "evidence_kind", OLD_KINDS)
