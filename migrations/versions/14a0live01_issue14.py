"""live rooms

Revision ID: 14a0live01
Revises: 13a0events01
Create Date: 2026-12-01 11:15:00

Placeholder in the chain so work on issue 14 can add its schema here without a second Alembic head.
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = '14a0live01'
down_revision = '13a0events01'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
