"""queue indexes

Partial indexes for the work-queue queries at a million tickets (benchmarks/bench_queues.py):
running obligation clocks by due moment and by ticket, open tickets by state and unit,
tickets with a pending request.
PostgreSQL only — SQLite cannot match a partial index against bound parameters, and the
embedded store is small.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 05:40:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

# frozen copies of console.store.models.QUEUE_OBLIGATIONS / QUEUE_OPEN_STATES at this revision
RUNNING_OBLIGATION = (
    "running IS true AND key IN ('sign', 'limit', 'consult', 'first_response', 'progress', "
    "'supervise', 'callback_auto', 'callback_manual')"
)
OPEN_STATE = (
    "state IN ('callback_promised', 'accepted', 'dispatched', 'handling', 'return_requested', "
    "'completion_requested', 'completed', 'dissatisfied')"
)


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.create_index(
        "ix_queue_clocks_due",
        "clocks",
        ["due_at", "ticket_id"],
        postgresql_where=sa.text(RUNNING_OBLIGATION),
    )
    op.create_index(
        "ix_queue_clocks_ticket",
        "clocks",
        ["ticket_id", "due_at"],
        postgresql_where=sa.text(RUNNING_OBLIGATION),
    )
    op.create_index(
        "ix_queue_tickets_open",
        "tickets",
        ["state", "unit_id"],
        postgresql_include=["id"],
        postgresql_where=sa.text(OPEN_STATE),
    )
    op.create_index(
        "ix_queue_tickets_pending",
        "tickets",
        ["pending"],
        postgresql_where=sa.text("pending <> ''"),
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index("ix_queue_tickets_pending", table_name="tickets")
    op.drop_index("ix_queue_tickets_open", table_name="tickets")
    op.drop_index("ix_queue_clocks_ticket", table_name="clocks")
    op.drop_index("ix_queue_clocks_due", table_name="clocks")
