"""a ticket names the call it was taken on (CTI screen-pop, R-SOURCE)

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-05 05:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.add_column(sa.Column("call_ref", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_tickets_call_ref"), ["call_ref"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("tickets", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_tickets_call_ref"))
        batch_op.drop_column("call_ref")
