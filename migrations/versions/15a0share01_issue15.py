"""sharing kit: posters, content pool, storefronts

Revision ID: 15a0share01
Revises: 14a0live01
Create Date: 2026-12-01 11:15:00

Content items with their images, partners' actions and the orders they produced; storefronts and their picks;
and the content item a touch came from (touches.content_item_id).
"""
from alembic import op
import sqlalchemy as sa

revision = '15a0share01'
down_revision = '14a0live01'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('content_items',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('brand_id', sa.Integer(), nullable=False),
    sa.Column('code', sa.String(length=12), nullable=False),
    sa.Column('title', sa.String(length=80), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=True),
    sa.Column('live_room_id', sa.Integer(), nullable=True),
    sa.Column('tags', sa.String(length=200), nullable=False),
    sa.Column('starts_at', sa.DateTime(), nullable=True),
    sa.Column('ends_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('ends_at IS NULL OR starts_at IS NULL OR ends_at > starts_at', name=op.f('ck_content_items_window_ordered')),
    sa.ForeignKeyConstraint(['brand_id'], ['brands.id'], name=op.f('fk_content_items_brand_id_brands')),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_content_items_product_id_products')),
    sa.ForeignKeyConstraint(['live_room_id'], ['live_rooms.id'], name=op.f('fk_content_items_live_room_id_live_rooms')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_content_items')),
    sa.UniqueConstraint('code', name=op.f('uq_content_items_code'))
    )
    with op.batch_alter_table('content_items', schema=None) as batch_op:
        batch_op.create_index('ix_content_items_brand_starts', ['brand_id', 'starts_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_content_items_product_id'), ['product_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_content_items_live_room_id'), ['live_room_id'], unique=False)

    op.create_table('content_images',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('path', sa.String(length=200), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['item_id'], ['content_items.id'], name=op.f('fk_content_images_item_id_content_items')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_content_images'))
    )
    with op.batch_alter_table('content_images', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_content_images_item_id'), ['item_id'], unique=False)

    op.create_table('storefronts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.String(length=40), nullable=False),
    sa.Column('intro', sa.String(length=300), nullable=False),
    sa.Column('updated_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_storefronts_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_storefronts')),
    sa.UniqueConstraint('user_id', name=op.f('uq_storefronts_user_id'))
    )
    op.create_table('content_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=True),
    sa.Column('kind', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("kind IN ('view','copy','poster')", name=op.f('ck_content_events_kind_known')),
    sa.ForeignKeyConstraint(['item_id'], ['content_items.id'], name=op.f('fk_content_events_item_id_content_items')),
    sa.ForeignKeyConstraint(['partner_id'], ['partners.id'], name=op.f('fk_content_events_partner_id_partners')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_content_events'))
    )
    with op.batch_alter_table('content_events', schema=None) as batch_op:
        batch_op.create_index('ix_content_events_item_kind', ['item_id', 'kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_content_events_partner_id'), ['partner_id'], unique=False)

    op.create_table('content_orders',
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('item_id', sa.Integer(), nullable=False),
    sa.Column('partner_id', sa.Integer(), nullable=True),
    sa.Column('gmv_fen', sa.BigInteger(), nullable=False),
    sa.Column('refunded_fen', sa.BigInteger(), nullable=False),
    sa.Column('paid_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint('gmv_fen >= 0', name=op.f('ck_content_orders_gmv_not_negative')),
    sa.CheckConstraint('refunded_fen >= 0 AND refunded_fen <= gmv_fen', name=op.f('ck_content_orders_refund_within_gmv')),
    sa.ForeignKeyConstraint(['item_id'], ['content_items.id'], name=op.f('fk_content_orders_item_id_content_items')),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_content_orders_order_id_orders')),
    sa.ForeignKeyConstraint(['partner_id'], ['partners.id'], name=op.f('fk_content_orders_partner_id_partners')),
    sa.PrimaryKeyConstraint('order_id', name=op.f('pk_content_orders'))
    )
    with op.batch_alter_table('content_orders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_content_orders_item_id'), ['item_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_content_orders_partner_id'), ['partner_id'], unique=False)

    op.create_table('storefront_picks',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('storefront_id', sa.Integer(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_storefront_picks_product_id_products')),
    sa.ForeignKeyConstraint(['storefront_id'], ['storefronts.id'], name=op.f('fk_storefront_picks_storefront_id_storefronts')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_storefront_picks')),
    sa.UniqueConstraint('storefront_id', 'product_id', name='uq_storefront_picks_product')
    )
    with op.batch_alter_table('storefront_picks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_storefront_picks_product_id'), ['product_id'], unique=False)

    with op.batch_alter_table('touches', schema=None) as batch_op:
        batch_op.add_column(sa.Column('content_item_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_touches_content_item_id'), ['content_item_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_touches_content_item_id_content_items'), 'content_items', ['content_item_id'], ['id'])



def downgrade():
    with op.batch_alter_table('touches', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_touches_content_item_id_content_items'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_touches_content_item_id'))
        batch_op.drop_column('content_item_id')

    with op.batch_alter_table('storefront_picks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_storefront_picks_product_id'))

    op.drop_table('storefront_picks')
    with op.batch_alter_table('content_orders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_content_orders_partner_id'))
        batch_op.drop_index(batch_op.f('ix_content_orders_item_id'))

    op.drop_table('content_orders')
    with op.batch_alter_table('content_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_content_events_partner_id'))
        batch_op.drop_index('ix_content_events_item_kind')

    op.drop_table('content_events')
    op.drop_table('storefronts')
    with op.batch_alter_table('content_images', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_content_images_item_id'))

    op.drop_table('content_images')
    with op.batch_alter_table('content_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_content_items_product_id'))
        batch_op.drop_index('ix_content_items_brand_starts')

    op.drop_table('content_items')
