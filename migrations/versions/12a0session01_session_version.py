"""session version per user

Revision ID: 12a0session01
Revises: 7cf92d7c4fb2
Create Date: 2026-12-01 08:40:00

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = '12a0session01'
down_revision = '7cf92d7c4fb2'
branch_labels = None
depends_on = None


def upgrade():
    pass


def downgrade():
    pass
