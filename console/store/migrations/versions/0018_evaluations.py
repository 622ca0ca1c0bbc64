"""quarterly and annual evaluations (考核评价, R-GRADES): versions, drafts and published
grades of every unit with the KPI figures they came from

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-04 19:00:00
"""

from alembic import op
import sqlalchemy as sa

from console.store.types import UTCDateTime


revision = "0018"
down_revision = "0017"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "evaluations",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("period", sa.String(length=10), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("state", sa.String(length=12), nullable=False),
        sa.Column("policy", sa.JSON(), nullable=False),
        sa.Column("computed_at", UTCDateTime(), nullable=False),
        sa.Column("computed_by", sa.String(length=80), nullable=False),
        sa.Column("published_at", UTCDateTime(), nullable=True),
        sa.Column("published_by", sa.String(length=80), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("supersedes", sa.String(length=40), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("period", "version", name="uq_evaluations_period_version"),
    )
    op.create_index("ix_evaluations_period", "evaluations", ["period"])
    op.create_table(
        "evaluation_grades",
        sa.Column("evaluation_id", sa.String(length=40), nullable=False),
        sa.Column("unit_id", sa.String(length=40), nullable=False),
        sa.Column("score", sa.Float(), nullable=True),
        sa.Column("grade", sa.String(length=12), nullable=True),
        sa.Column("figures", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(["evaluation_id"], ["evaluations.id"]),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"]),
        sa.PrimaryKeyConstraint("evaluation_id", "unit_id"),
    )


def downgrade() -> None:
    op.drop_table("evaluation_grades")
    op.drop_index("ix_evaluations_period", table_name="evaluations")
    op.drop_table("evaluations")
