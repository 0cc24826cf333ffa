"""server-side sign-in sessions (user_sessions); users.session_version goes

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-24 10:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from vendorcheck.models import UTCDateTime

revision: str = "0007"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SESSION_END = (
    "sign_out",
    "sign_out_everywhere",
    "password_change",
    "password_reset",
    "role_change",
    "deactivation",
    "mfa_change",
    "mfa_reset",
    "idle",
    "lifetime",
)


def upgrade() -> None:
    """Apply this revision (every cookie-only session signed before it stops working: people sign in again)."""
    op.create_table(
        "user_sessions",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("token_hash", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("org_id", sa.Integer(), nullable=False),
        sa.Column("awaiting_second_factor", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("last_seen_at", UTCDateTime(timezone=True), nullable=False),
        sa.Column("reauthenticated_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column("pending_mfa_secret", sa.String(length=64), nullable=True),
        sa.Column("ended_at", UTCDateTime(timezone=True), nullable=True),
        sa.Column(
            "end_reason",
            sa.Enum(*SESSION_END, name="session_end", native_enum=False, create_constraint=True, length=32),
            nullable=True,
        ),
        sa.Column("source_ip", sa.String(length=45), nullable=True),
        sa.Column("user_agent", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(["org_id"], ["organizations.id"], name=op.f("fk_user_sessions_org_id_organizations")),
        sa.ForeignKeyConstraint(
            ["user_id"], ["users.id"], name=op.f("fk_user_sessions_user_id_users"), ondelete="CASCADE"
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_user_sessions")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_user_sessions_token_hash")),
    )
    with op.batch_alter_table("user_sessions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_user_sessions_org_id"), ["org_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_user_sessions_user_id"), ["user_id"], unique=False)
    # A plain ALTER TABLE ... DROP COLUMN (SQLite 3.35+), never a copy of `users`: on SQLite, dropping the
    # old table during a copy would fire ON DELETE CASCADE and take the users' recovery codes with it.
    with op.batch_alter_table("users", schema=None, recreate="never") as batch_op:
        batch_op.drop_column("session_version")


def downgrade() -> None:
    """Revert this revision."""
    with op.batch_alter_table("users", schema=None, recreate="never") as batch_op:
        batch_op.add_column(sa.Column("session_version", sa.Integer(), nullable=False, server_default="1"))
    with op.batch_alter_table("user_sessions", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_sessions_user_id"))
        batch_op.drop_index(batch_op.f("ix_user_sessions_org_id"))
    op.drop_table("user_sessions")
