"""consultations handed to an expert (R-EXPERT, R-CONSULT)

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-06 10:00:00
"""

from alembic import op
import sqlalchemy as sa

from console.store.types import UTCDateTime


revision = "0025"
down_revision = "0024"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "expert_handoffs",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("field", sa.String(length=40), nullable=False),
        sa.Column("field_label", sa.String(length=60), nullable=False),
        sa.Column("expert_id", sa.String(length=40), nullable=True),
        sa.Column("reasons", sa.JSON(), nullable=False),
        sa.Column("tried", sa.JSON(), nullable=False),
        sa.Column("ground", sa.Text(), nullable=False),
        sa.Column("channel", sa.String(length=8), nullable=False),
        sa.Column("note", sa.Text(), nullable=False),
        sa.Column("handed_by", sa.String(length=80), nullable=False),
        sa.Column("handed_at", UTCDateTime(), nullable=False),
        sa.Column("due_at", UTCDateTime(), nullable=False),
        sa.Column("state", sa.String(length=10), nullable=False),
        sa.Column("answered_by", sa.String(length=40), nullable=True),
        sa.Column("answered_at", UTCDateTime(), nullable=True),
        sa.Column("answer", sa.Text(), nullable=False),
        sa.Column("basis", sa.Text(), nullable=False),
        sa.Column("article_id", sa.String(length=40), nullable=True),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"]),
        sa.ForeignKeyConstraint(["expert_id"], ["experts.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_expert_handoffs_ticket_id", "expert_handoffs", ["ticket_id"])
    op.create_index("ix_expert_handoffs_expert_id", "expert_handoffs", ["expert_id"])
    op.create_index("ix_expert_handoffs_state", "expert_handoffs", ["state"])


def downgrade() -> None:
    op.drop_table("expert_handoffs")
