"""speed, third step: the partner's own rows (exports and lists)

Revision ID: 20a0speed03
Revises: 17b0speed02
Create Date: 2026-12-01 14:40:00

Placeholder in the chain so this step of issue 17 can add its schema here without a second Alembic head.
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = '20a0speed03'
down_revision = '17b0speed02'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
