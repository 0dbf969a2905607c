"""brand settings by domain: referral, order and withdrawal rules out of commission_settings

Revision ID: 13b0settings02
Revises: 12c0comply03
Create Date: 2026-12-08 09:00:00

commission_settings held every rule of a brand. Its binding and partner-enrolment rules move to
referral_settings, auto-completion to order_settings and the withdrawal rules to withdrawal_settings, one row
per brand each, with the values every brand has today (INSERT ... SELECT); then the columns leave
commission_settings (batch mode: SQLite recreates the table, with its CHECK constraints). Downgrade puts them
back with the values the new tables hold by then.
"""
from alembic import op
import sqlalchemy as sa

revision = '13b0settings02'
down_revision = '12c0comply03'
branch_labels = None
depends_on = None

# Column -> (type, default), frozen as this revision moves them: the defaults are the models' as of now, used
# only when downgrading a brand that has no row to copy from.
MOVED = {
    'referral_settings': {
        'partner_rule': (sa.String(length=12), 'everyone'),
        'partner_min_spend_fen': (sa.BigInteger(), 0),
        'binding_mode': (sa.String(length=16), 'first_touch'),
        'protection_days': (sa.Integer(), 30),
        'window_days': (sa.Integer(), 7),
    },
    'order_settings': {
        'auto_complete_days': (sa.Integer(), 10),
    },
    'withdrawal_settings': {
        'withdraw_min_fen': (sa.BigInteger(), 1000),
        'withdraw_fee_bp': (sa.Integer(), 0),
        'withdraw_daily_limit_fen': (sa.BigInteger(), 500000),
    },
}
# commission_settings' own columns and defaults as of this revision, for a brand that gained one of the new rows
# but never a commission_settings row: downgrading gives it one, so the values it set are not lost.
COMMISSION_DEFAULTS = {'levels': 2, 'level1_bp': 1000, 'level2_bp': 500, 'level3_bp': 0, 'guide_bp': 300,
                       'store_bp': 200, 'max_total_bp': 2500, 'self_purchase': False, 'freeze_days': 7}


def upgrade():
    for table, columns in MOVED.items():
        op.create_table(table,
            sa.Column('brand_id', sa.Integer(), nullable=False),
            *[sa.Column(name, type_, nullable=False) for name, (type_, _default) in columns.items()],
            sa.Column('updated_at', sa.DateTime(), nullable=False),
            sa.ForeignKeyConstraint(['brand_id'], ['brands.id'], name=op.f(f'fk_{table}_brand_id_brands')),
            sa.PrimaryKeyConstraint('brand_id', name=op.f(f'pk_{table}'))
        )
        names = ', '.join(columns)
        op.execute(f'INSERT INTO {table} (brand_id, {names}, updated_at) '
                   f'SELECT brand_id, {names}, updated_at FROM commission_settings')
    with op.batch_alter_table('commission_settings', schema=None) as batch_op:
        for columns in MOVED.values():
            for name in columns:
                batch_op.drop_column(name)


def downgrade():
    every_brand = ' UNION '.join(f'SELECT brand_id FROM {table}' for table in MOVED)
    names = ', '.join(COMMISSION_DEFAULTS)
    op.get_bind().execute(
        sa.text(f'INSERT INTO commission_settings (brand_id, {names}, updated_at) '
                f'SELECT b.brand_id, {", ".join(":" + n for n in COMMISSION_DEFAULTS)}, CURRENT_TIMESTAMP '
                f'FROM ({every_brand}) AS b '
                f'WHERE b.brand_id NOT IN (SELECT brand_id FROM commission_settings)'),
        COMMISSION_DEFAULTS)
    # Added with the default as a server default so existing rows can take NOT NULL, then filled from the new
    # tables, then the server defaults dropped again: 12c0comply03's table had none.
    with op.batch_alter_table('commission_settings', schema=None) as batch_op:
        for columns in MOVED.values():
            for name, (type_, default) in columns.items():
                batch_op.add_column(sa.Column(name, type_, nullable=False, server_default=str(default)))
    for table, columns in MOVED.items():
        assignments = ', '.join(f'{name} = (SELECT t.{name} FROM {table} AS t '
                                f'WHERE t.brand_id = commission_settings.brand_id)' for name in columns)
        op.execute(f'UPDATE commission_settings SET {assignments} '
                   f'WHERE brand_id IN (SELECT brand_id FROM {table})')
    with op.batch_alter_table('commission_settings', schema=None) as batch_op:
        for columns in MOVED.values():
            for name, (type_, _default) in columns.items():
                batch_op.alter_column(name, existing_type=type_, existing_nullable=False, server_default=None)
    for table in reversed(list(MOVED)):
        op.drop_table(table)
