"""outbox delivery: retry schedule, last error, given up

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28 10:10:00
"""
from alembic import op
import sqlalchemy as sa
import console.store.types


revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

OUTBOX_DUE = "delivered_at IS NULL AND gave_up_at IS NULL"


def upgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("next_attempt_at", console.store.types.UTCDateTime(), nullable=True)
        )
        batch_op.add_column(
            sa.Column("last_error", sa.Text(), nullable=False, server_default="")
        )
        batch_op.add_column(
            sa.Column("gave_up_at", console.store.types.UTCDateTime(), nullable=True)
        )
    op.create_index(
        "ix_outbox_due",
        "outbox",
        ["id", "next_attempt_at"],
        postgresql_where=sa.text(OUTBOX_DUE),
        sqlite_where=sa.text(OUTBOX_DUE),
    )


def downgrade() -> None:
    op.drop_index("ix_outbox_due", table_name="outbox")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("gave_up_at")
        batch_op.drop_column("last_error")
        batch_op.drop_column("next_attempt_at")
