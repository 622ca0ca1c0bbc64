"""duty phone and SMS numbers per unit, the government duty offices, and the choice to notify
the incident's local government (R-SPECIAL-REPORT, Art. 18)

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 15:00:00
"""
from alembic import op
import sqlalchemy as sa


revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("units") as batch:
        batch.add_column(
            sa.Column("duty_phone", sa.String(length=20), nullable=False, server_default="")
        )
        batch.add_column(
            sa.Column("duty_sms", sa.String(length=20), nullable=False, server_default="")
        )
    with op.batch_alter_table("tickets") as batch:
        batch.add_column(
            sa.Column(
                "notify_government", sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )
    op.create_table(
        "duty_offices",
        sa.Column("id", sa.String(length=40), primary_key=True),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("city", sa.String(length=40), nullable=False),
        sa.Column("duty_phone", sa.String(length=20), nullable=False),
        sa.Column("duty_sms", sa.String(length=20), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("duty_offices")
    with op.batch_alter_table("tickets") as batch:
        batch.drop_column("notify_government")
    with op.batch_alter_table("units") as batch:
        batch.drop_column("duty_sms")
        batch.drop_column("duty_phone")
