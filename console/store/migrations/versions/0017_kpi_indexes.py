"""KPI indexes (R-UNIT-KPI): events by action and moment (the call-backs, approvals, redos of
a period) and by ticket and action (a ticket's completion requests), clocks by key and due
moment (the sign deadlines of a period) and by ticket and key (a round's limit).
benchmarks/bench_kpi.py measures them.

Revision ID: 0017
Revises: 0015
Create Date: 2026-12-04 19:40:00
"""

from alembic import op

revision = "0017"
down_revision = "0015"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # PostgreSQL covers the columns the KPI statements read (index-only scans); SQLite has no
    # INCLUDE and indexes the key columns only
    op.create_index(
        "ix_events_action_at",
        "events",
        ["action", "at"],
        postgresql_include=["ticket_id", "details"],
    )
    op.create_index(
        "ix_events_ticket_action",
        "events",
        ["ticket_id", "action", "id"],
        postgresql_include=["at", "unit_id"],
    )
    op.create_index(
        "ix_clocks_key_due",
        "clocks",
        ["key", "due_at"],
    )
    op.create_index(
        "ix_clocks_ticket_key",
        "clocks",
        ["ticket_id", "key"],
        postgresql_include=["met_at", "due_at", "started_at", "supervision_id"],
    )


def downgrade() -> None:
    for name, table in (
        ("ix_clocks_ticket_key", "clocks"),
        ("ix_clocks_key_due", "clocks"),
        ("ix_events_ticket_action", "events"),
        ("ix_events_action_at", "events"),
    ):
        op.drop_index(name, table_name=table)
