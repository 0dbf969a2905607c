"""speed, third step: set-based settlement

Revision ID: 20b0settle01
Revises: 20a0speed03
Create Date: 2026-12-01 14:41:00

Set-based settlement needed no schema: the due-orders index on orders (brand, status, completed_at) of 17a0speed01
serves its batches. The revision stays so the chain is the same on every database that has run it.
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = '20b0settle01'
down_revision = '20a0speed03'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
