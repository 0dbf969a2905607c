"""journeys: customer states, tags, sops

Revision ID: 19a0journey01
Revises: 18a0api01
Create Date: 2026-12-01 11:15:00

Placeholder in the chain so work on issue 19 can add its schema here without a second Alembic head.
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = '19a0journey01'
down_revision = '18a0api01'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
