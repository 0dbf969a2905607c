"""sharing kit: posters, content pool, storefronts

Revision ID: 15a0share01
Revises: 14a0live01
Create Date: 2026-12-01 11:15:00

Placeholder in the chain so work on issue 15 can add its schema here without a second Alembic head.
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = '15a0share01'
down_revision = '14a0live01'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
