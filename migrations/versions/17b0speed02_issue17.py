"""speed, second step: keyset pagination and the daily report roll-up

Revision ID: 17b0speed02
Revises: 19a0journey01
Create Date: 2026-12-01 12:55:00

Placeholder in the chain so the next step of issue 17 can add its schema here without a second Alembic head.
"""
from alembic import op  # noqa: F401
import sqlalchemy as sa  # noqa: F401

revision = '17b0speed02'
down_revision = '19a0journey01'
branch_labels = None
depends_on = None


# Existing paid orders into the roll-up, as mall.reporting.rollup would have counted them (China day = UTC+8).
_FACTS = """
INSERT INTO report_order_facts (order_id, brand_id, day, store_id, guide_id, sharer_id, channel, live_room_id,
                                gmv_fen, commission_fen)
SELECT o.id, o.brand_id, {day}, COALESCE(a.store_id, 0), COALESCE(a.guide_id, 0), COALESCE(a.sharer_id, 0),
       COALESCE(a.channel, 'direct'), COALESCE(a.live_room_id, 0), o.total_fen - o.refunded_fen,
       COALESCE((SELECT SUM(s.amount_fen - s.reversed_fen) FROM commission_shares s
                 WHERE s.order_id = o.id AND s.status IN ('pending', 'available')), 0)
FROM orders o LEFT JOIN order_attributions a ON a.order_id = o.id
WHERE o.paid_at IS NOT NULL
"""
_CELLS = """
INSERT INTO report_daily_sales (brand_id, day, dimension, key_id, key_text, orders, gmv_fen, commission_fen)
SELECT brand_id, day, '{dimension}', {key_id}, {key_text}, COUNT(*), SUM(gmv_fen), SUM(commission_fen)
FROM report_order_facts GROUP BY brand_id, day{group}
"""
_DIMENSIONS = {"day": ("0", "''"), "channel": ("0", "channel"), "store": ("store_id", "''"),
               "guide": ("guide_id", "''"), "sharer": ("sharer_id", "''"), "live_room": ("live_room_id", "''")}


def upgrade():
    with op.batch_alter_table("orders") as batch:
        batch.create_index("ix_orders_created_id", ["created_at", "id"])
    op.create_table(
        "report_order_facts",
        sa.Column("order_id", sa.Integer(), nullable=False),
        sa.Column("brand_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("store_id", sa.Integer(), nullable=False),
        sa.Column("guide_id", sa.Integer(), nullable=False),
        sa.Column("sharer_id", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("live_room_id", sa.Integer(), nullable=False),
        sa.Column("gmv_fen", sa.BigInteger(), nullable=False),
        sa.Column("commission_fen", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["order_id"], ["orders.id"], name=op.f("fk_report_order_facts_order_id_orders")),
        sa.ForeignKeyConstraint(["brand_id"], ["brands.id"], name=op.f("fk_report_order_facts_brand_id_brands")),
        sa.PrimaryKeyConstraint("order_id", name=op.f("pk_report_order_facts")),
    )
    op.create_table(
        "report_daily_sales",
        sa.Column("brand_id", sa.Integer(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("dimension", sa.String(length=16), nullable=False),
        sa.Column("key_id", sa.Integer(), nullable=False),
        sa.Column("key_text", sa.String(length=32), nullable=False),
        sa.Column("orders", sa.Integer(), nullable=False),
        sa.Column("gmv_fen", sa.BigInteger(), nullable=False),
        sa.Column("commission_fen", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["brand_id"], ["brands.id"], name=op.f("fk_report_daily_sales_brand_id_brands")),
        sa.PrimaryKeyConstraint("brand_id", "day", "dimension", "key_id", "key_text",
                                name=op.f("pk_report_daily_sales")),
    )
    op.create_index("ix_report_daily_sales_dimension_day", "report_daily_sales", ["dimension", "day", "brand_id"])
    sqlite = op.get_bind().dialect.name == "sqlite"
    day = "date(o.paid_at, '+28800 seconds')" if sqlite else "CAST(o.paid_at + INTERVAL '8 hours' AS DATE)"
    op.execute(_FACTS.format(day=day))
    for dimension, (key_id, key_text) in _DIMENSIONS.items():
        group = "".join(f", {column}" for column in (key_id, key_text) if column[0].isalpha())  # no constants
        op.execute(_CELLS.format(dimension=dimension, key_id=key_id, key_text=key_text, group=group))


def downgrade():
    op.drop_index("ix_report_daily_sales_dimension_day", table_name="report_daily_sales")
    op.drop_table("report_daily_sales")
    op.drop_table("report_order_facts")
    with op.batch_alter_table("orders") as batch:
        batch.drop_index("ix_orders_created_id")
