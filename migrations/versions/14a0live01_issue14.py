"""live rooms

Revision ID: 14a0live01
Revises: 13a0events01
Create Date: 2026-12-01 11:15:00

- live_rooms: a brand's live room (code for /l/<code>, schedule, host store and guide, the stream and replay
  as mall.live.streams derived them, state scheduled/live/ended, the pinned shelf item and its version).
- live_shelf_items: the SKUs a room sells, in order, with the room's own price (直播专享价).
- live_viewers, live_reminders: one row per browser and room (heartbeat, first inviter); "remind me" (预约).
- live_orders: the orders placed in a room, kept by the order-event subscribers for the room's figures.
- touches.live_room_id, order_attributions.live_room_id: the room of a live invitation and of a room's order.
"""
from alembic import op
import sqlalchemy as sa

revision = '14a0live01'
down_revision = '13a0events01'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('live_rooms',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('brand_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=12), nullable=False),
    sa.Column('title', sa.String(length=80), nullable=False),
    sa.Column('cover_path', sa.String(length=200), nullable=False),
    sa.Column('starts_at', sa.DateTime(), nullable=False),
    sa.Column('host_store_id', sa.Integer(), nullable=True),
    sa.Column('host_user_id', sa.Integer(), nullable=True),
    sa.Column('stream_kind', sa.String(length=8), nullable=False),
    sa.Column('stream_provider', sa.String(length=16), nullable=False),
    sa.Column('stream_url', sa.String(length=500), nullable=False),
    sa.Column('replay_url', sa.String(length=500), nullable=False),
    sa.Column('replay_kind', sa.String(length=8), nullable=False),
    sa.Column('replay_provider', sa.String(length=16), nullable=False),
    sa.Column('state', sa.String(length=10), nullable=False),
    sa.Column('started_at', sa.DateTime(), nullable=True),
    sa.Column('ended_at', sa.DateTime(), nullable=True),
    sa.Column('pinned_item_id', sa.Integer(), nullable=True),
    sa.Column('pin_version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("state IN ('scheduled','live','ended')", name=op.f('ck_live_rooms_state_known')),
    sa.CheckConstraint("stream_kind IN ('embed','hls','mp4')", name=op.f('ck_live_rooms_stream_kind_known')),
    sa.CheckConstraint('pin_version >= 0', name=op.f('ck_live_rooms_pin_version_non_negative')),
    sa.ForeignKeyConstraint(['brand_id'], ['brands.id'], name=op.f('fk_live_rooms_brand_id_brands')),
    sa.ForeignKeyConstraint(['host_store_id'], ['stores.id'], name=op.f('fk_live_rooms_host_store_id_stores')),
    sa.ForeignKeyConstraint(['host_user_id'], ['users.id'], name=op.f('fk_live_rooms_host_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_live_rooms')),
    sa.UniqueConstraint('code', name=op.f('uq_live_rooms_code'))
    )
    with op.batch_alter_table('live_rooms', schema=None) as batch_op:
        batch_op.create_index('ix_live_rooms_brand_starts', ['brand_id', 'starts_at'], unique=False)

    op.create_table('live_orders',
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('room_id', sa.Integer(), nullable=False),
    sa.Column('inviter_id', sa.Integer(), nullable=True),
    sa.Column('store_id', sa.Integer(), nullable=True),
    sa.Column('total_fen', sa.BigInteger(), nullable=False),
    sa.Column('refunded_fen', sa.BigInteger(), nullable=False),
    sa.Column('placed_at', sa.DateTime(), nullable=False),
    sa.Column('paid_at', sa.DateTime(), nullable=True),
    sa.Column('cancelled_at', sa.DateTime(), nullable=True),
    sa.CheckConstraint('refunded_fen >= 0 AND refunded_fen <= total_fen', name=op.f('ck_live_orders_refund_within_total')),
    sa.ForeignKeyConstraint(['inviter_id'], ['partners.id'], name=op.f('fk_live_orders_inviter_id_partners')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_live_orders_order_id_orders')),
    sa.ForeignKeyConstraint(['room_id'], ['live_rooms.id'], name=op.f('fk_live_orders_room_id_live_rooms')),
    sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_live_orders_store_id_stores')),
    sa.PrimaryKeyConstraint('order_id', name=op.f('pk_live_orders'))
    )
    with op.batch_alter_table('live_orders', schema=None) as batch_op:
        batch_op.create_index('ix_live_orders_room_paid', ['room_id', 'paid_at'], unique=False)

    op.create_table('live_reminders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('room_id', sa.Integer(), nullable=False),
    sa.Column('visitor_key', sa.String(length=40), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('inviter_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['inviter_id'], ['partners.id'], name=op.f('fk_live_reminders_inviter_id_partners')),
    sa.ForeignKeyConstraint(['room_id'], ['live_rooms.id'], name=op.f('fk_live_reminders_room_id_live_rooms')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_live_reminders_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_live_reminders')),
    sa.UniqueConstraint('room_id', 'visitor_key', name='uq_live_reminders_room_visitor')
    )
    with op.batch_alter_table('live_reminders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_live_reminders_room_id'), ['room_id'], unique=False)

    op.create_table('live_shelf_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('room_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('sku_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('live_price_fen', sa.BigInteger(), nullable=True),
    sa.CheckConstraint('live_price_fen IS NULL OR live_price_fen > 0', name=op.f('ck_live_shelf_items_live_price_positive')),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_live_shelf_items_product_id_products')),
    sa.ForeignKeyConstraint(['room_id'], ['live_rooms.id'], name=op.f('fk_live_shelf_items_room_id_live_rooms')),
    sa.ForeignKeyConstraint(['sku_id'], ['skus.id'], name=op.f('fk_live_shelf_items_sku_id_skus')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_live_shelf_items')),
    sa.UniqueConstraint('room_id', 'sku_id', name='uq_live_shelf_items_room_sku')
    )
    with op.batch_alter_table('live_shelf_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_live_shelf_items_room_id'), ['room_id'], unique=False)

    # Rooms and shelf items point at each other: the room's pin gets its key once both tables exist.
    with op.batch_alter_table('live_rooms', schema=None) as batch_op:
        batch_op.create_foreign_key(batch_op.f('fk_live_rooms_pinned_item_id_live_shelf_items'), 'live_shelf_items',
                                    ['pinned_item_id'], ['id'], ondelete='SET NULL')

    op.create_table('live_viewers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('room_id', sa.Integer(), nullable=False),
    sa.Column('visitor_key', sa.String(length=40), nullable=False),
    sa.Column('inviter_id', sa.Integer(), nullable=True),
    sa.Column('store_id', sa.Integer(), nullable=True),
    sa.Column('first_seen_at', sa.DateTime(), nullable=False),
    sa.Column('last_seen_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['inviter_id'], ['partners.id'], name=op.f('fk_live_viewers_inviter_id_partners')),
    sa.ForeignKeyConstraint(['room_id'], ['live_rooms.id'], name=op.f('fk_live_viewers_room_id_live_rooms')),
    sa.ForeignKeyConstraint(['store_id'], ['stores.id'], name=op.f('fk_live_viewers_store_id_stores')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_live_viewers')),
    sa.UniqueConstraint('room_id', 'visitor_key', name='uq_live_viewers_room_visitor')
    )
    with op.batch_alter_table('live_viewers', schema=None) as batch_op:
        batch_op.create_index('ix_live_viewers_room_inviter', ['room_id', 'inviter_id'], unique=False)
        batch_op.create_index('ix_live_viewers_room_seen', ['room_id', 'last_seen_at'], unique=False)

    with op.batch_alter_table('order_attributions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('live_room_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_order_attributions_live_room_id'), ['live_room_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_order_attributions_live_room_id_live_rooms'), 'live_rooms', ['live_room_id'], ['id'])

    with op.batch_alter_table('touches', schema=None) as batch_op:
        batch_op.add_column(sa.Column('live_room_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_touches_live_room_id_live_rooms'), 'live_rooms', ['live_room_id'], ['id'])


def downgrade():
    with op.batch_alter_table('touches', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_touches_live_room_id_live_rooms'), type_='foreignkey')
        batch_op.drop_column('live_room_id')

    with op.batch_alter_table('order_attributions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_order_attributions_live_room_id_live_rooms'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_order_attributions_live_room_id'))
        batch_op.drop_column('live_room_id')

    with op.batch_alter_table('live_viewers', schema=None) as batch_op:
        batch_op.drop_index('ix_live_viewers_room_seen')
        batch_op.drop_index('ix_live_viewers_room_inviter')

    op.drop_table('live_viewers')
    with op.batch_alter_table('live_shelf_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_live_shelf_items_room_id'))

    with op.batch_alter_table('live_rooms', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_live_rooms_pinned_item_id_live_shelf_items'), type_='foreignkey')
    op.drop_table('live_shelf_items')
    with op.batch_alter_table('live_reminders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_live_reminders_room_id'))

    op.drop_table('live_reminders')
    with op.batch_alter_table('live_orders', schema=None) as batch_op:
        batch_op.drop_index('ix_live_orders_room_paid')

    op.drop_table('live_orders')
    with op.batch_alter_table('live_rooms', schema=None) as batch_op:
        batch_op.drop_index('ix_live_rooms_brand_starts')

    op.drop_table('live_rooms')
