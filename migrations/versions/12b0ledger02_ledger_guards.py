"""ledger guarded by the database

Revision ID: 12b0ledger02
Revises: 12a0session01
Create Date: 2026-12-01 08:40:00

An Account whose kind or owner_kind is not one of the known values is refused (CHECK constraints).

The CHECK lists are frozen here, as a migration must be; the models build theirs from the constants in
mall.commission.models, and tests/integration/test_ledger_guards.py fails if the two ever differ.
"""
from alembic import op
import sqlalchemy as sa  # noqa: F401

revision = '12b0ledger02'
down_revision = '12a0session01'
branch_labels = None
depends_on = None

ACCOUNT_KINDS = "kind IN ('pending','available','withdrawing','withdrawn','debt','payable','fees')"
OWNER_KINDS = "owner_kind IN ('partner','store','brand')"


def upgrade():
    # On SQLite this recreates `accounts` under ledger_entries' references: env.py turns foreign keys off
    # while migrations run, as SQLite's own procedure for table changes requires.
    with op.batch_alter_table("accounts") as batch_op:
        batch_op.create_check_constraint(op.f("ck_accounts_kind_known"), ACCOUNT_KINDS)
        batch_op.create_check_constraint(op.f("ck_accounts_owner_kind_known"), OWNER_KINDS)


def downgrade():
    with op.batch_alter_table("accounts") as batch_op:
        batch_op.drop_constraint(op.f("ck_accounts_owner_kind_known"), type_="check")
        batch_op.drop_constraint(op.f("ck_accounts_kind_known"), type_="check")
