"""The test harness's only way past the ledger's append-only triggers (migration 12b0ledger02).

Two callers: conftest empties the tables between tests with DELETE on SQLite (TRUNCATE on PostgreSQL
fires no row triggers), and the audit's tests corrupt the books by hand to show the audit catches it.
Nothing in mall/ may do this; the application has no escape hatch, only the schema's owner does.
"""
from contextlib import contextmanager

from sqlalchemy import Connection, bindparam, text

LEDGER_TABLES = ("ledger_entries", "ledger_transactions")


@contextmanager
def ledger_triggers_off(conn: Connection):
    """Inside the caller's transaction, lift the triggers and put them back verbatim before it commits.

    SQLite cannot disable a trigger, so its definitions are read from the schema, dropped and
    re-created; PostgreSQL disables them (the owner's ALTER TABLE ... DISABLE TRIGGER). Both are
    transactional: if the block fails, the rollback restores the triggers too.
    """
    if conn.dialect.name == "sqlite":
        saved = conn.execute(text("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN :tables")
                             .bindparams(bindparam("tables", LEDGER_TABLES, expanding=True))).all()
        for name, _ in saved:
            conn.exec_driver_sql(f'DROP TRIGGER "{name}"')
        yield
        for _, sql in saved:
            conn.exec_driver_sql(sql)
    else:
        for table in LEDGER_TABLES:
            conn.exec_driver_sql(f'ALTER TABLE "{table}" DISABLE TRIGGER USER')
        yield
        for table in LEDGER_TABLES:
            conn.exec_driver_sql(f'ALTER TABLE "{table}" ENABLE TRIGGER USER')
