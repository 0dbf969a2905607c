"""json api tokens, api keys, webhooks

Revision ID: 18a0api01
Revises: 17a0speed01
Create Date: 2026-12-01 11:15:00

Placeholder in the chain so work on issue 18 can add its schema here without a second Alembic head.
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = '18a0api01'
down_revision = '17a0speed01'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
