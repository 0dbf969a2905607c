"""what users tripped over: sms codes, guest order look-up

Revision ID: 16a0tripups01
Revises: 15a0share01
Create Date: 2026-12-01 11:15:00

Placeholder in the chain so work on issue 16 can add its schema here without a second Alembic head.
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = '16a0tripups01'
down_revision = '15a0share01'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
