"""ledger guarded by the database

Revision ID: 12b0ledger02
Revises: 12a0session01
Create Date: 2026-12-01 08:40:00

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = '12b0ledger02'
down_revision = '12a0session01'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
