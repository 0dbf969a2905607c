"""speed, third step: the partner's own rows (exports and lists)

Revision ID: 20a0speed03
Revises: 17b0speed02
Create Date: 2026-12-01 14:40:00

The order's time on each commission share (a copy of orders.created_at, which never changes) and an index
(partner, order time, order) that hands a partner's orders out newest first, so the order list's keyset pages
and the CSV export walk an index instead of sorting every order the partner ever had. Existing shares are
backfilled from their orders. Partial indexes on the reversed shares of a partner or store: the dashboard's
"reversed" total reads those few rows instead of every ledger entry of the beneficiary.
"""
from alembic import op
import sqlalchemy as sa

revision = '20a0speed03'
down_revision = '17b0speed02'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("commission_shares") as batch:
        batch.add_column(sa.Column("order_created_at", sa.DateTime(), nullable=True))
    op.execute("UPDATE commission_shares SET order_created_at = "
               "(SELECT o.created_at FROM orders o WHERE o.id = commission_shares.order_id)")
    with op.batch_alter_table("commission_shares") as batch:
        batch.alter_column("order_created_at", existing_type=sa.DateTime(), nullable=False)
        batch.create_index("ix_commission_shares_partner_time", ["partner_id", "order_created_at", "order_id"],
                           postgresql_include=["status", "reversed_fen"])
        for owner in ("partner", "store"):
            batch.create_index(f"ix_commission_shares_{owner}_reversed", [f"{owner}_id"],
                               sqlite_where=sa.text("reversed_fen > 0"), postgresql_where=sa.text("reversed_fen > 0"))


def downgrade():
    with op.batch_alter_table("commission_shares") as batch:
        batch.drop_index("ix_commission_shares_store_reversed")
        batch.drop_index("ix_commission_shares_partner_reversed")
        batch.drop_index("ix_commission_shares_partner_time")
        batch.drop_column("order_created_at")
