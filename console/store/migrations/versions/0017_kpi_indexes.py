"""KPI indexes (R-UNIT-KPI): events by action and moment (the call-backs, approvals, redos of
a period), and clocks by key and due moment (the sign deadlines of a period).
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
    op.create_index("ix_events_action_at", "events", ["action", "at", "ticket_id"])
    op.create_index("ix_clocks_key_due", "clocks", ["key", "due_at"])


def downgrade() -> None:
    op.drop_index("ix_clocks_key_due", table_name="clocks")
    op.drop_index("ix_events_action_at", table_name="events")
