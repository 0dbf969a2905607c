"""ledger guarded by the database

Revision ID: 12b0ledger02
Revises: 12a0session01
Create Date: 2026-12-01 08:40:00

Until now only mall.commission.ledger.post kept the books balanced and append-only. This makes the database
refuse, whoever writes to it:

- both databases: UPDATE and DELETE of ledger_entries and ledger_transactions (row triggers), and an
  Account whose kind or owner_kind is not one of the known values (CHECK constraints);
- PostgreSQL only: at COMMIT, a ledger transaction without entries or whose entries do not sum to zero
  (deferred constraint triggers, as django-hordak guards its legs). SQLite has no deferred triggers and
  checks every statement on its own, so a balance check there would refuse the first leg of every
  posting; on SQLite balance stays Python's promise (ledger.post) and the audit's check.

Not refused: TRUNCATE (no row triggers fire; only the tables' owner may run it, and the test harness
empties tables with it), and an owner or superuser who disables the triggers (ALTER TABLE ... DISABLE
TRIGGER, session_replication_role = replica). `flask mall audit` still checks the books end to end.

The CHECK lists are frozen here, as a migration must be; the models build theirs from the constants in
mall.commission.models, and tests/integration/test_ledger_guards.py fails if the two ever differ.
On SQLite, adding them recreates `accounts` (batch mode); a later batch recreation of ledger_entries or
ledger_transactions would drop their triggers with the old table, so such a migration must create them again.
"""
from alembic import op
import sqlalchemy as sa  # noqa: F401

revision = '12b0ledger02'
down_revision = '12a0session01'
branch_labels = None
depends_on = None

LEDGER_TABLES = ("ledger_entries", "ledger_transactions")
ACCOUNT_KINDS = "kind IN ('pending','available','withdrawing','withdrawn','debt','payable','fees')"
OWNER_KINDS = "owner_kind IN ('partner','store','brand')"

PG_APPEND_ONLY = """
CREATE FUNCTION ledger_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION '% is append-only: % refused', TG_TABLE_NAME, TG_OP
        USING ERRCODE = 'integrity_constraint_violation';
END
$$
"""

# One function for both tables: a new entry checks its transaction, a new transaction checks itself (so a
# transaction with no entries at all is refused too). Each statement inside IF is planned only when it
# runs, so NEW.transaction_id is never looked up on a ledger_transactions row.
PG_BALANCED = """
CREATE FUNCTION ledger_transaction_balanced() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    tx_id bigint;
    legs bigint;
    total numeric;
BEGIN
    IF TG_TABLE_NAME = 'ledger_entries' THEN
        tx_id := NEW.transaction_id;
    ELSE
        tx_id := NEW.id;
    END IF;
    SELECT count(*), coalesce(sum(amount_fen), 0) INTO legs, total FROM ledger_entries WHERE transaction_id = tx_id;
    IF legs = 0 OR total <> 0 THEN
        RAISE EXCEPTION 'ledger transaction % does not balance: % entries summing to %', tx_id, legs, total
            USING ERRCODE = 'check_violation';
    END IF;
    RETURN NULL;
END
$$
"""


def upgrade():
    # On SQLite this recreates `accounts` under ledger_entries' references: env.py turns foreign keys off
    # while migrations run, as SQLite's own procedure for table changes requires.
    with op.batch_alter_table("accounts") as batch_op:
        batch_op.create_check_constraint(op.f("ck_accounts_kind_known"), ACCOUNT_KINDS)
        batch_op.create_check_constraint(op.f("ck_accounts_owner_kind_known"), OWNER_KINDS)

    if op.get_bind().dialect.name == "postgresql":
        op.execute(PG_APPEND_ONLY)
        op.execute(PG_BALANCED)
        for table in LEDGER_TABLES:
            op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
                       f"FOR EACH ROW EXECUTE FUNCTION ledger_append_only()")
            op.execute(f"CREATE CONSTRAINT TRIGGER {table}_balanced AFTER INSERT ON {table} "
                       f"DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION ledger_transaction_balanced()")
    else:
        # RAISE(ABORT) fails the statement with SQLITE_CONSTRAINT (an IntegrityError, as on PostgreSQL).
        for table in LEDGER_TABLES:
            for verb in ("UPDATE", "DELETE"):
                op.execute(f"CREATE TRIGGER {table}_no_{verb.lower()} BEFORE {verb} ON {table} "
                           f"BEGIN SELECT RAISE(ABORT, '{table} is append-only: {verb} refused'); END")


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        for table in LEDGER_TABLES:
            op.execute(f"DROP TRIGGER {table}_balanced ON {table}")
            op.execute(f"DROP TRIGGER {table}_append_only ON {table}")
        op.execute("DROP FUNCTION ledger_transaction_balanced()")
        op.execute("DROP FUNCTION ledger_append_only()")
    else:
        for table in LEDGER_TABLES:
            for verb in ("update", "delete"):
                op.execute(f"DROP TRIGGER {table}_no_{verb}")
    with op.batch_alter_table("accounts") as batch_op:
        batch_op.drop_constraint(op.f("ck_accounts_owner_kind_known"), type_="check")
        batch_op.drop_constraint(op.f("ck_accounts_kind_known"), type_="check")
