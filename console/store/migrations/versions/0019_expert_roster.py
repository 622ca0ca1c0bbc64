"""the expert roster (专家座席, R-EXPERT): experts of the units' expert teams, their fields
and shifts

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-05 01:30:00
"""

from alembic import op
import sqlalchemy as sa

from console.store.types import UTCDateTime


revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "experts",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=40), nullable=False),
        sa.Column("unit_id", sa.String(length=40), nullable=False),
        sa.Column("fields", sa.JSON(), nullable=False),
        sa.Column("shifts", sa.JSON(), nullable=False),
        sa.Column("phone", sa.String(length=20), nullable=False),
        sa.Column("seat", sa.String(length=80), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("added_by", sa.String(length=80), nullable=False),
        sa.Column("added_at", UTCDateTime(), nullable=False),
        sa.Column("changed_by", sa.String(length=80), nullable=False),
        sa.Column("changed_at", UTCDateTime(), nullable=True),
        sa.Column("retired_by", sa.String(length=80), nullable=False),
        sa.Column("retired_at", UTCDateTime(), nullable=True),
        sa.Column("retire_reason", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_experts_unit_id", "experts", ["unit_id"])


def downgrade() -> None:
    op.drop_index("ix_experts_unit_id", table_name="experts")
    op.drop_table("experts")
