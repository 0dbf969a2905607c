"""commission cap per brand and personal-data access log

Revision ID: 12c0comply03
Revises: 12b0ledger02
Create Date: 2026-12-01 08:40:00

"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = '12c0comply03'
down_revision = '12b0ledger02'
branch_labels = None
depends_on = None

# The legal ceiling on a brand's cap (mall.commission.rules.MAX_TOTAL_CEILING), frozen here as this
# revision applied it: a later change of the constant comes with its own migration.
CEILING_BP = 3000


def upgrade():
    # Brand admins could set their own maximum up to 100% until now. A cap above the ceiling is brought down
    # to it; ratios are left as they are (no migration rewrites what partners are paid). A brand whose ratios
    # add up to more than 30% cannot save its rules again until it lowers them, and the platform admin sees
    # the cap it has. New brands start at 25% (the model's default).
    op.execute(sa.text(f"UPDATE commission_settings SET max_total_bp = {CEILING_BP} WHERE max_total_bp > {CEILING_BP}"))
    with op.batch_alter_table('commission_settings', schema=None) as batch_op:
        batch_op.create_check_constraint(op.f('ck_commission_settings_cap_ceiling'), f'max_total_bp <= {CEILING_BP}')


def downgrade():
    with op.batch_alter_table('commission_settings', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_commission_settings_cap_ceiling'), type_='check')
