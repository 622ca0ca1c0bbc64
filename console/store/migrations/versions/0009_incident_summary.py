"""incident summary on special/urgent tickets (R-SPECIAL-REPORT)

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-04 04:15:00
"""
from alembic import op
import sqlalchemy as sa


revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("tickets") as batch:
        batch.add_column(
            sa.Column("incident_summary", sa.Text(), nullable=False, server_default="")
        )


def downgrade() -> None:
    with op.batch_alter_table("tickets") as batch:
        batch.drop_column("incident_summary")
