"""KPI indexes per deciding action (R-UNIT-KPI): the completion approvals by moment, the
completion requests by ticket, and the round-limit and sign clocks, each a partial index that
holds only its own rows — a quarter's KPIs read them alone, without the events' or the clocks'
table, and they stay small enough to be kept in memory. benchmarks/bench_kpi.py measures them.

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-05 22:00:00
"""

from alembic import op
import sqlalchemy as sa

revision = "0027"
down_revision = "0026"
branch_labels = None
depends_on = None

APPROVED = "action = 'completion_approved'"
REQUESTS = "action = 'request_completion'"
LIMIT = "key = 'limit' AND supervision_id IS NULL"
SIGN = "key = 'sign' AND supervision_id IS NULL"


def upgrade() -> None:
    # PostgreSQL covers the columns the KPI statements read (index-only scans); SQLite has no
    # INCLUDE and indexes the key columns of the same rows
    op.create_index(
        "ix_events_approved_at",
        "events",
        ["at"],
        postgresql_include=["ticket_id", "id"],
        postgresql_where=sa.text(APPROVED),
        sqlite_where=sa.text(APPROVED),
    )
    op.create_index(
        "ix_events_requests_ticket",
        "events",
        ["ticket_id", "id"],
        postgresql_include=["at", "unit_id"],
        postgresql_where=sa.text(REQUESTS),
        sqlite_where=sa.text(REQUESTS),
    )
    op.create_index(
        "ix_clocks_limit_ticket",
        "clocks",
        ["ticket_id"],
        postgresql_include=["met_at", "due_at"],
        postgresql_where=sa.text(LIMIT),
        sqlite_where=sa.text(LIMIT),
    )
    op.create_index(
        "ix_clocks_sign_due",
        "clocks",
        ["due_at"],
        postgresql_include=["ticket_id", "started_at", "met_at"],
        postgresql_where=sa.text(SIGN),
        sqlite_where=sa.text(SIGN),
    )


def downgrade() -> None:
    for name, table in (
        ("ix_clocks_sign_due", "clocks"),
        ("ix_clocks_limit_ticket", "clocks"),
        ("ix_events_requests_ticket", "events"),
        ("ix_events_approved_at", "events"),
    ):
        op.drop_index(name, table_name=table)
