"""order history, outbox, refunds awaiting the provider

Revision ID: 13a0events01
Revises: 13b0settings02
Create Date: 2026-12-08 09:00:00

- order_history: one row per change of an order's status (from, to, who, why, when), written by the
  state machine in the transaction of the change. Orders placed before this migration have none.
- outbox_events: events for outside delivery (provider refunds now, webhooks later), written with
  their cause and delivered after its commit.
- refunds.provider_error: the provider's answer when it refused an approved refund. Refunds gain the
  status "approved" (waiting for the provider); the column is free text, so only the code knows it.
"""
from alembic import op
import sqlalchemy as sa

revision = '13a0events01'
down_revision = '13b0settings02'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('order_history',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('from_status', sa.String(length=20), nullable=True),
    sa.Column('to_status', sa.String(length=20), nullable=False),
    sa.Column('actor_user_id', sa.Integer(), nullable=True),
    sa.Column('actor', sa.String(length=40), nullable=False),
    sa.Column('reason', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['actor_user_id'], ['users.id'], name=op.f('fk_order_history_actor_user_id_users')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_order_history_order_id_orders')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_order_history'))
    )
    with op.batch_alter_table('order_history', schema=None) as batch_op:
        batch_op.create_index('ix_order_history_order', ['order_id', 'id'], unique=False)

    op.create_table('outbox_events',
    sa.Column('id', sa.String(length=32), nullable=False),
    sa.Column('topic', sa.String(length=60), nullable=False),
    sa.Column('payload', sa.JSON(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.Column('available_at', sa.DateTime(), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('delivered_at', sa.DateTime(), nullable=True),
    sa.Column('claimed_by', sa.String(length=64), nullable=True),
    sa.Column('claimed_until', sa.DateTime(), nullable=True),
    sa.Column('last_error', sa.String(length=200), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox_events'))
    )
    with op.batch_alter_table('outbox_events', schema=None) as batch_op:
        batch_op.create_index('ix_outbox_events_due', ['delivered_at', 'topic', 'available_at'], unique=False)

    # Existing refunds were never refused by the provider: an empty answer.
    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('provider_error', sa.String(length=200), nullable=False, server_default=''))


def downgrade():
    with op.batch_alter_table('refunds', schema=None) as batch_op:
        batch_op.drop_column('provider_error')
    with op.batch_alter_table('outbox_events', schema=None) as batch_op:
        batch_op.drop_index('ix_outbox_events_due')
    op.drop_table('outbox_events')
    with op.batch_alter_table('order_history', schema=None) as batch_op:
        batch_op.drop_index('ix_order_history_order')
    op.drop_table('order_history')
