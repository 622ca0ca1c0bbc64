"""merged tickets (并单): each merged ticket and its master

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-04 15:00:00
"""
from alembic import op
import sqlalchemy as sa
import console.store.types


revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # a table of its own, not a column of tickets: the keyed audit digests every ticket column
    # (migration 0010), and a new column would make every ticket recorded before it differ
    op.create_table(
        "ticket_merges",
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("master_id", sa.Integer(), nullable=False),
        sa.Column("merged_at", console.store.types.UTCDateTime(), nullable=False),
        sa.Column("merged_by", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"]),
        sa.ForeignKeyConstraint(["master_id"], ["tickets.id"]),
        sa.PrimaryKeyConstraint("ticket_id"),
    )
    op.create_index("ix_ticket_merges_master_id", "ticket_merges", ["master_id"])


def downgrade() -> None:
    op.drop_index("ix_ticket_merges_master_id", table_name="ticket_merges")
    op.drop_table("ticket_merges")
