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

    op.create_table('personal_data_access',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('brand_id', sa.Integer(), nullable=True),
    sa.Column('viewer_id', sa.Integer(), nullable=False),
    sa.Column('page', sa.String(length=40), nullable=False),
    sa.Column('subject', sa.String(length=60), nullable=False),
    sa.Column('fields', sa.String(length=80), nullable=False),
    sa.Column('customers', sa.Text(), nullable=False),
    sa.Column('customer_count', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['brand_id'], ['brands.id'], name=op.f('fk_personal_data_access_brand_id_brands')),
    sa.ForeignKeyConstraint(['viewer_id'], ['users.id'], name=op.f('fk_personal_data_access_viewer_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_personal_data_access'))
    )
    with op.batch_alter_table('personal_data_access', schema=None) as batch_op:
        batch_op.create_index('ix_personal_data_access_brand_created', ['brand_id', 'created_at'], unique=False)
        batch_op.create_index('ix_personal_data_access_viewer_created', ['viewer_id', 'created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('personal_data_access', schema=None) as batch_op:
        batch_op.drop_index('ix_personal_data_access_viewer_created')
        batch_op.drop_index('ix_personal_data_access_brand_created')
    op.drop_table('personal_data_access')
    with op.batch_alter_table('commission_settings', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_commission_settings_cap_ceiling'), type_='check')
