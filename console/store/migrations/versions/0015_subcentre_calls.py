"""sub-centres' call records (R-SUBCENTRE, R-SUBCENTRE-KPI): one row per call a sub-centre
reports, unique by the sub-centre and its own record id; the tickets transferred from a sub-centre
indexed by its line

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-04 19:10:00
"""

from alembic import op
import sqlalchemy as sa

import console.store.types


revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "subcentre_calls",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("unit_id", sa.String(length=40), nullable=False),
        sa.Column("record_id", sa.String(length=64), nullable=False),
        sa.Column("started_at", console.store.types.UTCDateTime(), nullable=False),
        sa.Column("answered", sa.Boolean(), nullable=False),
        sa.Column("answered_at", console.store.types.UTCDateTime(), nullable=True),
        sa.Column("ended_at", console.store.types.UTCDateTime(), nullable=False),
        sa.Column("seat", sa.String(length=40), nullable=False),
        sa.Column("caller_phone", sa.String(length=30), nullable=False),
        sa.Column("outcome", sa.String(length=16), nullable=False),
        sa.Column("ticket_number", sa.String(length=20), nullable=True),
        sa.Column("own_ticket_id", sa.String(length=64), nullable=False),
        sa.Column("received_at", console.store.types.UTCDateTime(), nullable=False),
        sa.Column("received_by", sa.String(length=80), nullable=False),
        sa.ForeignKeyConstraint(["unit_id"], ["units.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("unit_id", "record_id", name="uq_subcentre_calls_record"),
    )
    op.create_index(
        "ix_subcentre_calls_period", "subcentre_calls", ["unit_id", "started_at"], unique=False
    )
    op.create_index(
        "ix_subcentre_calls_ticket",
        "subcentre_calls",
        ["unit_id", "ticket_number"],
        unique=False,
        postgresql_where=sa.text("ticket_number IS NOT NULL"),
        sqlite_where=sa.text("ticket_number IS NOT NULL"),
    )
    op.create_index(
        "ix_tickets_subcentre_line",
        "tickets",
        ["source_line"],
        unique=False,
        postgresql_where=sa.text("source = 'subcentre'"),
        sqlite_where=sa.text("source = 'subcentre'"),
    )


def downgrade() -> None:
    op.drop_index("ix_tickets_subcentre_line", table_name="tickets")
    op.drop_index("ix_subcentre_calls_ticket", table_name="subcentre_calls")
    op.drop_index("ix_subcentre_calls_period", table_name="subcentre_calls")
    op.drop_table("subcentre_calls")
