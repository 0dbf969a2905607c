"""speed: indexes and daily roll-ups

Revision ID: 17a0speed01
Revises: 16a0tripups01
Create Date: 2026-12-01 11:15:00

Placeholder in the chain so work on issue 17 can add its schema here without a second Alembic head.
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = '17a0speed01'
down_revision = '16a0tripups01'
branch_labels = None
depends_on = None


def upgrade():
    # Settlement's due orders (brand, status, completed_at): without it, each batch scans the brand's orders.
    op.create_index("ix_orders_brand_status_completed", "orders", ["brand_id", "status", "completed_at"])


def downgrade():
    op.drop_index("ix_orders_brand_status_completed", table_name="orders")
