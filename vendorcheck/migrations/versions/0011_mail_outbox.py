"""the mail outbox (reminders and vendor links, with their delivery state)

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-29 13:32:14.349049
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from vendorcheck.models import UTCDateTime

revision: str = "0011"
down_revision: str | None = "0010"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _enum(name: str, *values: str) -> sa.Enum:
    return sa.Enum(*values, name=name, native_enum=False, create_constraint=True, length=32)


def upgrade() -> None:
    """Apply this revision."""
    op.create_table(
        "outbox_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("vendor_id", sa.Integer(), nullable=True),
        sa.Column("kind", _enum("mail_kind", "reminder", "vendor_link"), nullable=False),
        sa.Column("recipient", sa.String(length=254), nullable=False),
        sa.Column("subject", sa.String(length=300), nullable=False),
        sa.Column("text_body", sa.Text(), nullable=False),
        sa.Column("html_body", sa.Text(), nullable=False),
        sa.Column("dedupe_key", sa.String(length=400), nullable=False),
        sa.Column("item_key", sa.String(length=200), nullable=True),
        sa.Column("status", _enum("mail_status", "queued", "sending", "sent", "failed"), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("claimed_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("sent_at", UTCDateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["org_id"], ["organizations.id"], name=op.f("fk_outbox_messages_org_id_organizations")),
        sa.ForeignKeyConstraint(["vendor_id"], ["vendors.id"], name=op.f("fk_outbox_messages_vendor_id_vendors")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_outbox_messages")),
        sa.UniqueConstraint("org_id", "dedupe_key", name="uq_outbox_messages_org_id_dedupe_key"),
    )
    with op.batch_alter_table("outbox_messages") as batch_op:
        batch_op.create_index("ix_outbox_messages_org_id_item_key", ["org_id", "item_key"], unique=False)
        batch_op.create_index("ix_outbox_messages_status_next_attempt_at", ["status", "next_attempt_at"], unique=False)


def downgrade() -> None:
    """Revert this revision."""
    op.drop_table("outbox_messages")
