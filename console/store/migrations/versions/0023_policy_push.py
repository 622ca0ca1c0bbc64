"""policy subscriptions and pushes (精准推送, R-ENTERPRISE); an outbox message may belong to
no ticket

Revision ID: 0023
Revises: 0021
Create Date: 2026-12-05 09:30:00
"""

from alembic import op
import sqlalchemy as sa


revision = "0023"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "policy_subscriptions",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("name", sa.String(length=80), nullable=False),
        sa.Column("phone", sa.String(length=40), nullable=False),
        sa.Column("consent", sa.Boolean(), nullable=False),
        sa.Column("industries", sa.JSON(), nullable=False),
        sa.Column("sizes", sa.JSON(), nullable=False),
        sa.Column("regions", sa.JSON(), nullable=False),
        sa.Column("topics", sa.JSON(), nullable=False),
        sa.Column("added_by", sa.String(length=80), nullable=False),
        sa.Column("added_at", sa.DateTime(), nullable=False),
        sa.Column("ended_by", sa.String(length=80), nullable=False),
        sa.Column("ended_at", sa.DateTime(), nullable=True),
        sa.Column("end_reason", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("policy_subscriptions", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_policy_subscriptions_phone"), ["phone"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_policy_subscriptions_ended_at"), ["ended_at"], unique=False
        )
    op.create_table(
        "policy_pushes",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("article_id", sa.String(length=40), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("subscription_id", sa.String(length=40), nullable=False),
        sa.Column("unit_id", sa.String(length=40), nullable=False),
        sa.Column("outbox_key", sa.String(length=80), nullable=False),
        sa.Column("pushed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["article_id"], ["articles.id"]),
        sa.ForeignKeyConstraint(["subscription_id"], ["policy_subscriptions.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("article_id", "version", "subscription_id", name="uq_policy_pushes_once"),
    )
    with op.batch_alter_table("policy_pushes", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_policy_pushes_article_id"), ["article_id"], unique=False)
        batch_op.create_index(
            batch_op.f("ix_policy_pushes_subscription_id"), ["subscription_id"], unique=False
        )
        batch_op.create_index(batch_op.f("ix_policy_pushes_unit_id"), ["unit_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_policy_pushes_pushed_at"), ["pushed_at"], unique=False)
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.alter_column("ticket_id", existing_type=sa.Integer(), nullable=True)


def downgrade() -> None:
    op.execute("DELETE FROM outbox WHERE ticket_id IS NULL")
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.alter_column("ticket_id", existing_type=sa.Integer(), nullable=False)
    op.drop_table("policy_pushes")
    op.drop_table("policy_subscriptions")
