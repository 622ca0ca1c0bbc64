"""matter catalogue (事项清单), city bureaus, trained routing models

Revision ID: 0008
Revises: 0004
Create Date: 2026-12-03 10:00:00
"""
from alembic import op
import sqlalchemy as sa
import console.store.types


revision = "0008"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("articles") as batch:
        batch.add_column(sa.Column("matter", sa.String(length=40), nullable=False, server_default=""))
    op.create_table(
        "bureaus",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=100), nullable=False),
        sa.Column("duties", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "matters",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("domain", sa.String(length=30), nullable=False),
        sa.Column("owner", sa.String(length=60), nullable=False),
        sa.Column("also", sa.JSON(), nullable=False),
        sa.Column("basis", sa.Text(), nullable=False),
        sa.Column("describe", sa.Text(), nullable=False),
        sa.Column("terms", sa.JSON(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("name"),
    )
    op.create_table(
        "routing_models",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("trained_at", console.store.types.UTCDateTime(), nullable=False),
        sa.Column("trained_by", sa.String(length=100), nullable=False),
        sa.Column("format", sa.String(length=40), nullable=False),
        sa.Column("examples", sa.Integer(), nullable=False),
        sa.Column("history_mark", sa.Integer(), nullable=False),
        sa.Column("metrics", sa.JSON(), nullable=False),
        sa.Column("blob", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )


def downgrade() -> None:
    with op.batch_alter_table("articles") as batch:
        batch.drop_column("matter")
    op.drop_table("routing_models")
    op.drop_table("matters")
    op.drop_table("bureaus")
