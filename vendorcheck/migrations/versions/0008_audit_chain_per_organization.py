"""audit chain per organization: events, heads and checkpoints carry a chain; the old log becomes the legacy chain

Revision ID: 0008
Revises: 0006
Create Date: 2026-11-29 11:00:00

Nothing already recorded is re-hashed: every existing event and checkpoint is put in the legacy chain (-1) with
its global sequence number, hash and signature as they were, and the old head row becomes that chain's head (so
it can be signed once more, up to its last entry, and never appended to). New events go to their
organization's chain, or to the system chain (0), each created by its first append.
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0008"
down_revision: str | None = "0007"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LEGACY_CHAIN = -1  # vendorcheck.audit.LEGACY_CHAIN, written out: a migration must not change with the code


def upgrade() -> None:
    """Apply this revision."""
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.add_column(sa.Column("chain", sa.Integer(), nullable=False, server_default=str(LEGACY_CHAIN)))
        batch_op.drop_constraint("uq_audit_events_seq", type_="unique")
        batch_op.create_unique_constraint("uq_audit_events_chain_seq", ["chain", "seq"])
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.alter_column("chain", server_default=None)
    with op.batch_alter_table("audit_checkpoints", schema=None) as batch_op:
        batch_op.add_column(sa.Column("chain", sa.Integer(), nullable=False, server_default=str(LEGACY_CHAIN)))
        batch_op.create_index(batch_op.f("ix_audit_checkpoints_chain"), ["chain"], unique=False)
    with op.batch_alter_table("audit_checkpoints", schema=None) as batch_op:
        batch_op.alter_column("chain", server_default=None)
    head = op.get_bind().execute(sa.text("SELECT seq, last_hash FROM audit_head WHERE id = 1")).first()
    op.drop_table("audit_head")
    audit_head = op.create_table(
        "audit_head",
        sa.Column("chain", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("last_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("chain", name=op.f("pk_audit_head")),
    )
    if head is not None and head.seq > 0:
        op.bulk_insert(audit_head, [{"chain": LEGACY_CHAIN, "seq": head.seq, "last_hash": head.last_hash}])


def downgrade() -> None:
    """Revert this revision (only while no entry was appended to a per-organization or system chain)."""
    bind = op.get_bind()
    legacy = {"legacy": LEGACY_CHAIN}
    if bind.execute(sa.text("SELECT 1 FROM audit_events WHERE chain <> :legacy LIMIT 1"), legacy).first():
        raise RuntimeError("cannot downgrade: entries were appended to per-organization chains since the upgrade")
    head = bind.execute(sa.text("SELECT seq, last_hash FROM audit_head WHERE chain = :legacy"), legacy).first()
    bind.execute(sa.text("DELETE FROM audit_checkpoints WHERE chain <> :legacy"), legacy)
    op.drop_table("audit_head")
    audit_head = op.create_table(
        "audit_head",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("seq", sa.Integer(), nullable=False),
        sa.Column("last_hash", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_audit_head")),
    )
    seq, last_hash = (head.seq, head.last_hash) if head is not None else (0, "0" * 64)
    op.bulk_insert(audit_head, [{"id": 1, "seq": seq, "last_hash": last_hash}])
    with op.batch_alter_table("audit_checkpoints", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_checkpoints_chain"))
        batch_op.drop_column("chain")
    with op.batch_alter_table("audit_events", schema=None) as batch_op:
        batch_op.drop_constraint("uq_audit_events_chain_seq", type_="unique")
        batch_op.create_unique_constraint("uq_audit_events_seq", ["seq"])
        batch_op.drop_column("chain")
