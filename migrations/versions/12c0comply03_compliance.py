"""commission cap per brand and personal-data access log

Revision ID: 12c0comply03
Revises: 12b0ledger02
Create Date: 2026-12-01 08:40:00

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = '12c0comply03'
down_revision = '12b0ledger02'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
