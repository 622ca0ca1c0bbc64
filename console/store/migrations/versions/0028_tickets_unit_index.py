"""tickets' unit and matter type by id, for the KPIs (R-UNIT-KPI): the resolution and
satisfaction rates score each of a period's outcomes to its ticket's unit, and leave out the
mediation and law-enforcement matters by matter type; this narrow covering index answers
both without reading the tickets' wide rows. benchmarks/bench_kpi.py measures it.
PostgreSQL only — SQLite's tickets are keyed by id (the rowid) already, and the embedded
store is small.

Revision ID: 0028
Revises: 0027
Create Date: 2026-12-05 22:30:00
"""

from alembic import op

revision = "0028"
down_revision = "0027"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.create_index(
        "ix_tickets_id_unit", "tickets", ["id"], postgresql_include=["unit_id", "matter_type"]
    )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.drop_index("ix_tickets_id_unit", table_name="tickets")
