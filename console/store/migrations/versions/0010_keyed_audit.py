"""keyed audit records: the hashing scheme, the digest of the recorded row and of the ticket
as its event left it (R-SECURITY)

Records written before this revision keep scheme 'sha256' (unkeyed chain) and no digests;
records written after it are chained with HMAC-SHA256 under a key kept outside the database.

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04 06:00:00
"""

from alembic import op
import sqlalchemy as sa


revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("audit") as batch:
        batch.add_column(
            sa.Column("scheme", sa.String(length=8), nullable=False, server_default="sha256")
        )
        batch.add_column(
            sa.Column("digest", sa.String(length=64), nullable=False, server_default="")
        )
        batch.add_column(
            sa.Column("ticket_digest", sa.String(length=64), nullable=False, server_default="")
        )


def downgrade() -> None:
    with op.batch_alter_table("audit") as batch:
        batch.drop_column("ticket_digest")
        batch.drop_column("digest")
        batch.drop_column("scheme")
