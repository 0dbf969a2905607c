"""speed, third step: set-based settlement

Revision ID: 20b0settle01
Revises: 20a0speed03
Create Date: 2026-12-01 14:41:00

Placeholder in the chain so this step of issue 17 can add its schema here without a second Alembic head.
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
