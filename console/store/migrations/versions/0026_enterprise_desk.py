"""the 政企通 desk: policy specialists on the roster, one specialist per enterprise ticket
(R-ENTERPRISE)

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-06 12:00:00
"""

from alembic import op
import sqlalchemy as sa

from console.store.types import UTCDateTime


revision = "0026"
down_revision = "0025"
branch_labels = None
depends_on = None


def upgrade() -> None:
    # plain ADD COLUMN (no table copy on SQLite: expert_handoffs refers to experts)
    op.add_column(
        "experts",
        sa.Column("kind", sa.String(length=10), nullable=False, server_default="expert"),
    )
    op.add_column(
        "experts",
        sa.Column("desk_lead", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.create_table(
        "enterprise_assignments",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("ticket_id", sa.Integer(), nullable=False),
        sa.Column("specialist_id", sa.String(length=40), nullable=False),
        sa.Column("state", sa.String(length=8), nullable=False),
        sa.Column("how", sa.String(length=10), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("assigned_by", sa.String(length=80), nullable=False),
        sa.Column("assigned_at", UTCDateTime(), nullable=False),
        sa.Column("follow_ups", sa.Integer(), nullable=False),
        sa.Column("last_follow_at", UTCDateTime(), nullable=True),
        sa.Column("closed_at", UTCDateTime(), nullable=True),
        sa.Column("closed_by", sa.String(length=80), nullable=False),
        sa.Column("close_reason", sa.String(length=20), nullable=False),
        sa.ForeignKeyConstraint(["ticket_id"], ["tickets.id"]),
        sa.ForeignKeyConstraint(["specialist_id"], ["experts.id"]),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index(
        "ix_enterprise_assignments_ticket_id", "enterprise_assignments", ["ticket_id"]
    )
    op.create_index(
        "ix_enterprise_assignments_specialist_id", "enterprise_assignments", ["specialist_id"]
    )
    op.create_index("ix_enterprise_assignments_state", "enterprise_assignments", ["state"])
    # R-ENTERPRISE: at most one live assignment per ticket, enforced by the store itself
    op.create_index(
        "uq_enterprise_assignments_live",
        "enterprise_assignments",
        ["ticket_id"],
        unique=True,
        sqlite_where=sa.text("state = 'live'"),
        postgresql_where=sa.text("state = 'live'"),
    )
    # the desk's queue: enterprise callers' tickets
    op.create_index("ix_tickets_caller_type", "tickets", ["caller_type"])


def downgrade() -> None:
    op.drop_index("ix_tickets_caller_type", table_name="tickets")
    op.drop_table("enterprise_assignments")
    with op.batch_alter_table("experts", schema=None) as batch_op:
        batch_op.drop_column("desk_lead")
        batch_op.drop_column("kind")
