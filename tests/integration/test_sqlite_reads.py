"""On SQLite, pages that only read begin DEFERRED (mall.database.reads_only): they never wait for a writer."""
import os
import sqlite3
import time

import pytest

from mall.database import READ_ONLY, reads_only
from mall.sqlite_writers import TakingTurns, lock_path


@pytest.fixture()
def sqlite_file(db):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's locking only")
    return db.engine.url.database


@pytest.mark.real_commits
def test_a_product_page_is_read_while_a_writer_holds_the_lock(app, client, make, db, sqlite_file):
    code = make.product(title="Jasmine Tea").code
    db.session.commit()
    writer = sqlite3.connect(sqlite_file, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # as a checkout in another worker does
    try:
        started = time.monotonic()
        response = client.get(f"/p/{code}")
        elapsed = time.monotonic() - started
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert response.status_code == 200 and "Jasmine Tea" in response.get_data(as_text=True)
    assert elapsed < 2  # an IMMEDIATE begin would wait for the busy timeout (10 s), then fail


@pytest.mark.real_commits
def test_other_transactions_still_take_the_write_lock_up_front(app, db, sqlite_file):
    with db.engine.connect() as conn:
        conn.exec_driver_sql("SELECT 1")
        assert conn.in_transaction()
        other = sqlite3.connect(sqlite_file, timeout=0, isolation_level=None)
        try:
            with pytest.raises(sqlite3.OperationalError, match="locked"):
                other.execute("BEGIN IMMEDIATE")
        finally:
            other.close()
        conn.rollback()


@pytest.mark.real_commits
def test_reads_only_marks_the_connection_before_its_first_query(app, db, sqlite_file):
    reads_only(db.session)
    assert db.session.connection().get_execution_options().get(READ_ONLY) is True
    db.session.rollback()


def test_the_mall_s_writers_take_turns_at_the_lock_file_beside_the_database(app, db, sqlite_file):
    raw = db.engine.raw_connection()
    try:
        assert isinstance(raw.dbapi_connection, TakingTurns) and raw.dbapi_connection.lock_file is not None
    finally:
        raw.close()
    assert os.path.exists(lock_path(sqlite_file))
