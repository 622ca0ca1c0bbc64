"""pre-filed scopes (报备) filed by units and reviewed by the manager (R-PREFILING): state,
who filed and when, who reviewed and when with what note, who withdrew and why

Scopes written before this revision came from the seed and count as approved.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 15:00:00
"""

from alembic import op
import sqlalchemy as sa

from console.store.types import UTCDateTime


revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("prefiling_scopes") as batch:
        batch.add_column(
            sa.Column("state", sa.String(length=12), nullable=False, server_default="approved")
        )
        batch.add_column(sa.Column("filed_at", UTCDateTime(), nullable=True))
        batch.add_column(
            sa.Column("reviewed_by", sa.String(length=80), nullable=False, server_default="")
        )
        batch.add_column(sa.Column("reviewed_at", UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("review_note", sa.Text(), nullable=False, server_default=""))
        batch.add_column(
            sa.Column("withdrawn_by", sa.String(length=80), nullable=False, server_default="")
        )
        batch.add_column(sa.Column("withdrawn_at", UTCDateTime(), nullable=True))
        batch.add_column(sa.Column("withdraw_reason", sa.Text(), nullable=False, server_default=""))


def downgrade() -> None:
    with op.batch_alter_table("prefiling_scopes") as batch:
        for name in (
            "withdraw_reason",
            "withdrawn_at",
            "withdrawn_by",
            "review_note",
            "reviewed_at",
            "reviewed_by",
            "filed_at",
            "state",
        ):
            batch.drop_column(name)
