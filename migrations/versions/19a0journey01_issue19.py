"""journeys: customer states, tags, sops

Revision ID: 19a0journey01
Revises: 18a0api01
Create Date: 2026-12-01 11:15:00

Journey customers, their state changes and tags (manual and rule) with their change log; journey SOP
sequences, steps, enrolments (unique per sequence, customer and state entry), step outcomes, step visits
and the orders credited to steps; the touch's ?j= marker (touches.ref).
"""
from alembic import op
import sqlalchemy as sa

revision = '19a0journey01'
down_revision = '18a0api01'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('journey_settings',
    sa.Column('brand_id', sa.Integer(), nullable=False),
    sa.Column('silent_days', sa.Integer(), nullable=False),
    sa.CheckConstraint('silent_days BETWEEN 1 AND 365', name=op.f('ck_journey_settings_silent_days_range')),
    sa.ForeignKeyConstraint(['brand_id'], ['brands.id'], name=op.f('fk_journey_settings_brand_id_brands')),
    sa.PrimaryKeyConstraint('brand_id', name=op.f('pk_journey_settings'))
    )
    op.create_table('journey_tags',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('brand_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=30), nullable=False),
    sa.Column('rule', sa.String(length=16), nullable=False),
    sa.Column('rule_value', sa.String(length=20), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("rule IN ('manual','bought_product','spent_over','live_watched','content_touch')", name=op.f('ck_journey_tags_rule_known')),
    sa.ForeignKeyConstraint(['brand_id'], ['brands.id'], name=op.f('fk_journey_tags_brand_id_brands')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_journey_tags')),
    sa.UniqueConstraint('brand_id', 'name', name='uq_journey_tags_brand_name')
    )
    with op.batch_alter_table('journey_tags', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_journey_tags_brand_id'), ['brand_id'], unique=False)

    op.create_table('journey_sequences',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('brand_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=60), nullable=False),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('tag_id', sa.Integer(), nullable=True),
    sa.Column('reentry', sa.String(length=12), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("reentry IN ('every_entry','first_entry')", name=op.f('ck_journey_sequences_reentry_known')),
    sa.CheckConstraint("state IN ('new','interested','purchased','repeat','silent')", name=op.f('ck_journey_sequences_state_known')),
    sa.ForeignKeyConstraint(['brand_id'], ['brands.id'], name=op.f('fk_journey_sequences_brand_id_brands')),
    sa.ForeignKeyConstraint(['tag_id'], ['journey_tags.id'], name=op.f('fk_journey_sequences_tag_id_journey_tags')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_journey_sequences'))
    )
    with op.batch_alter_table('journey_sequences', schema=None) as batch_op:
        batch_op.create_index('ix_journey_sequences_brand_state', ['brand_id', 'state'], unique=False)

    op.create_table('journey_steps',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sequence_id', sa.Integer(), nullable=False),
    sa.Column('day_offset', sa.Integer(), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('template', sa.Text(), nullable=False),
    sa.Column('product_id', sa.Integer(), nullable=True),
    sa.Column('live_room_id', sa.Integer(), nullable=True),
    sa.Column('content_item_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("channel IN ('chat','call','in_store')", name=op.f('ck_journey_steps_channel_known')),
    sa.CheckConstraint('day_offset BETWEEN 0 AND 365', name=op.f('ck_journey_steps_day_offset_range')),
    sa.ForeignKeyConstraint(['content_item_id'], ['content_items.id'], name=op.f('fk_journey_steps_content_item_id_content_items')),
    sa.ForeignKeyConstraint(['live_room_id'], ['live_rooms.id'], name=op.f('fk_journey_steps_live_room_id_live_rooms')),
    sa.ForeignKeyConstraint(['product_id'], ['products.id'], name=op.f('fk_journey_steps_product_id_products')),
    sa.ForeignKeyConstraint(['sequence_id'], ['journey_sequences.id'], name=op.f('fk_journey_steps_sequence_id_journey_sequences')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_journey_steps'))
    )
    with op.batch_alter_table('journey_steps', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_journey_steps_sequence_id'), ['sequence_id'], unique=False)

    op.create_table('journey_customers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('brand_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('guide_id', sa.Integer(), nullable=True),
    sa.Column('state', sa.String(length=12), nullable=False),
    sa.Column('state_entry', sa.Integer(), nullable=False),
    sa.Column('state_since', sa.DateTime(), nullable=False),
    sa.Column('visits', sa.Integer(), nullable=False),
    sa.Column('booked', sa.Boolean(), nullable=False),
    sa.Column('orders', sa.Integer(), nullable=False),
    sa.Column('spent_fen', sa.BigInteger(), nullable=False),
    sa.Column('last_active_at', sa.DateTime(), nullable=False),
    sa.Column('last_order_at', sa.DateTime(), nullable=True),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("state IN ('new','interested','purchased','repeat','silent')", name=op.f('ck_journey_customers_state_known')),
    sa.CheckConstraint('visits >= 0 AND orders >= 0 AND spent_fen >= 0', name=op.f('ck_journey_customers_facts_not_negative')),
    sa.ForeignKeyConstraint(['brand_id'], ['brands.id'], name=op.f('fk_journey_customers_brand_id_brands')),
    sa.ForeignKeyConstraint(['guide_id'], ['partners.id'], name=op.f('fk_journey_customers_guide_id_partners')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_journey_customers_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_journey_customers')),
    sa.UniqueConstraint('brand_id', 'user_id', name='uq_journey_customers_brand_user')
    )
    with op.batch_alter_table('journey_customers', schema=None) as batch_op:
        batch_op.create_index('ix_journey_customers_activity', ['brand_id', 'last_active_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_journey_customers_guide_id'), ['guide_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_journey_customers_user_id'), ['user_id'], unique=False)

    op.create_table('journey_customer_tags',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('tag_id', sa.Integer(), nullable=False),
    sa.Column('added_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['journey_customers.id'], name=op.f('fk_journey_customer_tags_customer_id_journey_customers')),
    sa.ForeignKeyConstraint(['tag_id'], ['journey_tags.id'], name=op.f('fk_journey_customer_tags_tag_id_journey_tags')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_journey_customer_tags')),
    sa.UniqueConstraint('customer_id', 'tag_id', name='uq_journey_customer_tags')
    )
    with op.batch_alter_table('journey_customer_tags', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_journey_customer_tags_tag_id'), ['tag_id'], unique=False)

    op.create_table('journey_enrolments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('sequence_id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('state_entry', sa.Integer(), nullable=False),
    sa.Column('guide_id', sa.Integer(), nullable=True),
    sa.Column('started_at', sa.DateTime(), nullable=False),
    sa.Column('next_step_id', sa.Integer(), nullable=True),
    sa.Column('next_due_at', sa.DateTime(), nullable=True),
    sa.Column('postponed', sa.Integer(), nullable=False),
    sa.Column('ended_at', sa.DateTime(), nullable=True),
    sa.Column('end_reason', sa.String(length=14), nullable=False),
    sa.CheckConstraint("end_reason IN ('', 'state_changed','tag_removed','finished','guide_changed')", name=op.f('ck_journey_enrolments_end_reason_known')),
    sa.ForeignKeyConstraint(['customer_id'], ['journey_customers.id'], name=op.f('fk_journey_enrolments_customer_id_journey_customers')),
    sa.ForeignKeyConstraint(['guide_id'], ['partners.id'], name=op.f('fk_journey_enrolments_guide_id_partners')),
    sa.ForeignKeyConstraint(['next_step_id'], ['journey_steps.id'], name=op.f('fk_journey_enrolments_next_step_id_journey_steps')),
    sa.ForeignKeyConstraint(['sequence_id'], ['journey_sequences.id'], name=op.f('fk_journey_enrolments_sequence_id_journey_sequences')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_journey_enrolments')),
    sa.UniqueConstraint('sequence_id', 'customer_id', 'state_entry', name='uq_journey_enrolments_entry')
    )
    with op.batch_alter_table('journey_enrolments', schema=None) as batch_op:
        batch_op.create_index('ix_journey_enrolments_customer', ['customer_id', 'ended_at'], unique=False)
        batch_op.create_index('ix_journey_enrolments_due', ['guide_id', 'next_due_at'], unique=False, sqlite_where=sa.text('ended_at IS NULL'), postgresql_where=sa.text('ended_at IS NULL'))

    op.create_table('journey_state_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('from_state', sa.String(length=12), nullable=True),
    sa.Column('to_state', sa.String(length=12), nullable=False),
    sa.Column('cause', sa.String(length=20), nullable=False),
    sa.Column('cause_ref', sa.String(length=40), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['customer_id'], ['journey_customers.id'], name=op.f('fk_journey_state_changes_customer_id_journey_customers')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_journey_state_changes'))
    )
    with op.batch_alter_table('journey_state_changes', schema=None) as batch_op:
        batch_op.create_index('ix_journey_state_changes_customer', ['customer_id', 'id'], unique=False)

    op.create_table('journey_tag_changes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('customer_id', sa.Integer(), nullable=False),
    sa.Column('tag_id', sa.Integer(), nullable=False),
    sa.Column('change', sa.String(length=8), nullable=False),
    sa.Column('actor_user_id', sa.Integer(), nullable=True),
    sa.Column('cause', sa.String(length=40), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("change IN ('added','removed')", name=op.f('ck_journey_tag_changes_change_known')),
    sa.ForeignKeyConstraint(['actor_user_id'], ['users.id'], name=op.f('fk_journey_tag_changes_actor_user_id_users')),
    sa.ForeignKeyConstraint(['customer_id'], ['journey_customers.id'], name=op.f('fk_journey_tag_changes_customer_id_journey_customers')),
    sa.ForeignKeyConstraint(['tag_id'], ['journey_tags.id'], name=op.f('fk_journey_tag_changes_tag_id_journey_tags')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_journey_tag_changes'))
    )
    with op.batch_alter_table('journey_tag_changes', schema=None) as batch_op:
        batch_op.create_index('ix_journey_tag_changes_customer', ['customer_id', 'id'], unique=False)

    op.create_table('journey_step_outcomes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('enrolment_id', sa.Integer(), nullable=False),
    sa.Column('step_id', sa.Integer(), nullable=False),
    sa.Column('guide_id', sa.Integer(), nullable=False),
    sa.Column('outcome', sa.String(length=8), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.CheckConstraint("outcome IN ('done','skipped')", name=op.f('ck_journey_step_outcomes_outcome_known')),
    sa.ForeignKeyConstraint(['enrolment_id'], ['journey_enrolments.id'], name=op.f('fk_journey_step_outcomes_enrolment_id_journey_enrolments')),
    sa.ForeignKeyConstraint(['guide_id'], ['partners.id'], name=op.f('fk_journey_step_outcomes_guide_id_partners')),
    sa.ForeignKeyConstraint(['step_id'], ['journey_steps.id'], name=op.f('fk_journey_step_outcomes_step_id_journey_steps')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_journey_step_outcomes')),
    sa.UniqueConstraint('enrolment_id', 'step_id', name='uq_journey_step_outcomes')
    )
    with op.batch_alter_table('journey_step_outcomes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_journey_step_outcomes_guide_id'), ['guide_id'], unique=False)
        batch_op.create_index('ix_journey_step_outcomes_step', ['step_id', 'outcome'], unique=False)

    op.create_table('journey_step_touches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('touch_id', sa.Integer(), nullable=False),
    sa.Column('step_id', sa.Integer(), nullable=False),
    sa.Column('enrolment_id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('visitor_key', sa.String(length=40), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['enrolment_id'], ['journey_enrolments.id'], name=op.f('fk_journey_step_touches_enrolment_id_journey_enrolments')),
    sa.ForeignKeyConstraint(['step_id'], ['journey_steps.id'], name=op.f('fk_journey_step_touches_step_id_journey_steps')),
    sa.ForeignKeyConstraint(['touch_id'], ['touches.id'], name=op.f('fk_journey_step_touches_touch_id_touches')),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_journey_step_touches_user_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_journey_step_touches')),
    sa.UniqueConstraint('touch_id', name=op.f('uq_journey_step_touches_touch_id'))
    )
    with op.batch_alter_table('journey_step_touches', schema=None) as batch_op:
        batch_op.create_index('ix_journey_step_touches_step', ['step_id'], unique=False)
        batch_op.create_index('ix_journey_step_touches_user', ['user_id', 'created_at'], unique=False)
        batch_op.create_index('ix_journey_step_touches_visitor', ['visitor_key', 'created_at'], unique=False)

    op.create_table('journey_step_orders',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('order_id', sa.Integer(), nullable=False),
    sa.Column('step_id', sa.Integer(), nullable=False),
    sa.Column('step_touch_id', sa.Integer(), nullable=False),
    sa.Column('paid', sa.Boolean(), nullable=False),
    sa.Column('gmv_fen', sa.BigInteger(), nullable=False),
    sa.Column('created_at', sa.DateTime(), nullable=False),
    sa.ForeignKeyConstraint(['order_id'], ['orders.id'], name=op.f('fk_journey_step_orders_order_id_orders')),
    sa.ForeignKeyConstraint(['step_id'], ['journey_steps.id'], name=op.f('fk_journey_step_orders_step_id_journey_steps')),
    sa.ForeignKeyConstraint(['step_touch_id'], ['journey_step_touches.id'], name=op.f('fk_journey_step_orders_step_touch_id_journey_step_touches')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_journey_step_orders')),
    sa.UniqueConstraint('order_id', name=op.f('uq_journey_step_orders_order_id'))
    )
    with op.batch_alter_table('journey_step_orders', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_journey_step_orders_step_id'), ['step_id'], unique=False)

    with op.batch_alter_table('touches', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ref', sa.String(length=24), server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('touches', schema=None) as batch_op:
        batch_op.drop_column('ref')

    with op.batch_alter_table('journey_step_orders', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_journey_step_orders_step_id'))

    op.drop_table('journey_step_orders')
    with op.batch_alter_table('journey_step_touches', schema=None) as batch_op:
        batch_op.drop_index('ix_journey_step_touches_visitor')
        batch_op.drop_index('ix_journey_step_touches_user')
        batch_op.drop_index('ix_journey_step_touches_step')

    op.drop_table('journey_step_touches')
    with op.batch_alter_table('journey_step_outcomes', schema=None) as batch_op:
        batch_op.drop_index('ix_journey_step_outcomes_step')
        batch_op.drop_index(batch_op.f('ix_journey_step_outcomes_guide_id'))

    op.drop_table('journey_step_outcomes')
    with op.batch_alter_table('journey_tag_changes', schema=None) as batch_op:
        batch_op.drop_index('ix_journey_tag_changes_customer')

    op.drop_table('journey_tag_changes')
    with op.batch_alter_table('journey_state_changes', schema=None) as batch_op:
        batch_op.drop_index('ix_journey_state_changes_customer')

    op.drop_table('journey_state_changes')
    with op.batch_alter_table('journey_enrolments', schema=None) as batch_op:
        batch_op.drop_index('ix_journey_enrolments_due', sqlite_where=sa.text('ended_at IS NULL'), postgresql_where=sa.text('ended_at IS NULL'))
        batch_op.drop_index('ix_journey_enrolments_customer')

    op.drop_table('journey_enrolments')
    with op.batch_alter_table('journey_customer_tags', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_journey_customer_tags_tag_id'))

    op.drop_table('journey_customer_tags')
    with op.batch_alter_table('journey_customers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_journey_customers_user_id'))
        batch_op.drop_index(batch_op.f('ix_journey_customers_guide_id'))
        batch_op.drop_index('ix_journey_customers_activity')

    op.drop_table('journey_customers')
    with op.batch_alter_table('journey_steps', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_journey_steps_sequence_id'))

    op.drop_table('journey_steps')
    with op.batch_alter_table('journey_sequences', schema=None) as batch_op:
        batch_op.drop_index('ix_journey_sequences_brand_state')

    op.drop_table('journey_sequences')
    with op.batch_alter_table('journey_tags', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_journey_tags_brand_id'))

    op.drop_table('journey_tags')
    op.drop_table('journey_settings')
