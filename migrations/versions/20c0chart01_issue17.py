"""speed, fourth step: the dashboard's chart from a roll-up of accruals

Revision ID: 20c0chart01
Revises: 20b0settle01
Create Date: 2026-12-01 15:30:00

What accruals put on each pending account per UTC quarter hour (mall.commission.earnings says why a roll-up
rather than a time on every ledger entry), keyed (account, quarter hour) so a partner's chart reads only its
last 30 days. Backfilled from the ledger: every accrual transaction's pending legs, in the quarter hour of the
transaction's time, in key order so each account's rows sit together. PostgreSQL: the amount is INCLUDEd in
the key's index, so the chart's read is an index-only scan. The ledger itself is not touched, so its append-only
triggers stay as they are.
"""
from alembic import op
import sqlalchemy as sa

revision = '20c0chart01'
down_revision = '20b0settle01'
branch_labels = None
depends_on = None

QUARTER = {
    "sqlite": "CAST(strftime('%s', t.created_at) AS INTEGER) / 900",
    "postgresql": "CAST(floor(extract(epoch FROM t.created_at) / 900) AS BIGINT)",
}


def upgrade():
    op.create_table(
        "accrued_quarter_hours",
        sa.Column("account_id", sa.Integer(), nullable=False),
        sa.Column("quarter_hour", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("amount_fen", sa.BigInteger(), nullable=False),
        sa.ForeignKeyConstraint(["account_id"], ["accounts.id"],
                                name=op.f("fk_accrued_quarter_hours_account_id_accounts")),
        sa.PrimaryKeyConstraint("account_id", "quarter_hour", name=op.f("pk_accrued_quarter_hours"),
                                postgresql_include=["amount_fen"]),
    )
    quarter = QUARTER[op.get_bind().dialect.name]
    op.execute(f"""
INSERT INTO accrued_quarter_hours (account_id, quarter_hour, amount_fen)
SELECT e.account_id, {quarter}, SUM(e.amount_fen)
FROM ledger_entries e
JOIN ledger_transactions t ON t.id = e.transaction_id
JOIN accounts a ON a.id = e.account_id
WHERE t.kind = 'accrual' AND a.kind = 'pending'
GROUP BY e.account_id, {quarter}
ORDER BY e.account_id, {quarter}""")


def downgrade():
    op.drop_table("accrued_quarter_hours")
