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
    pass


def downgrade():
    pass
