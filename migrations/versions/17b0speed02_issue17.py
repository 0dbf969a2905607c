"""speed, second step: keyset pagination and the daily report roll-up

Revision ID: 17b0speed02
Revises: 19a0journey01
Create Date: 2026-12-01 12:55:00

Placeholder in the chain so the next step of issue 17 can add its schema here without a second Alembic head.
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = '17b0speed02'
down_revision = '19a0journey01'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("orders") as batch:
        batch.create_index("ix_orders_created_id", ["created_at", "id"])


def downgrade():
    with op.batch_alter_table("orders") as batch:
        batch.drop_index("ix_orders_created_id")
