"""SQLite's writers queue at a file lock and are woken when the writer ahead lets go (mall.sqlite_writers)."""
import os
import signal
import sqlite3
import threading
import time

import pytest

from mall.sqlite_writers import TakingTurns, lock_path


@pytest.fixture()
def database(tmp_path):
    path = str(tmp_path / "mall.db")
    setup = sqlite3.connect(path, isolation_level=None)
    setup.execute("PRAGMA journal_mode=WAL")
    setup.execute("CREATE TABLE touches (id INTEGER PRIMARY KEY, who TEXT)")
    setup.close()
    return path


def writer(path: str, timeout: float = 10) -> TakingTurns:
    conn = sqlite3.connect(path, timeout=timeout, isolation_level=None, factory=TakingTurns,
                           check_same_thread=False)
    conn.open_lock(lock_path(path))
    return conn


def begin_writing(conn: TakingTurns) -> None:
    """What mall.database does at the begin of a transaction that may write."""
    conn.take_turn()
    try:
        conn.execute("BEGIN IMMEDIATE")
    except BaseException:
        conn.let_go()
        raise


def writes_in_another_thread(conn: TakingTurns) -> bool:
    """Whether conn, from another thread, begins writing within 5 s (it would block if the flock were kept)."""
    done = threading.Event()
    thread = threading.Thread(target=lambda: (begin_writing(conn), conn.rollback(), done.set()), daemon=True)
    thread.start()
    thread.join(5)
    return done.is_set()


def test_the_lock_file_sits_beside_a_database_file_and_memory_has_none():
    assert lock_path("/srv/mall/mall.db") == "/srv/mall/mall.db-writers.lock"
    assert lock_path(":memory:") is None and lock_path(None) is None and lock_path("") is None


def test_a_waiting_writer_goes_the_moment_the_one_ahead_commits(database):
    first, second = writer(database), writer(database)
    begin_writing(first)
    first.execute("INSERT INTO touches (who) VALUES ('first')")
    began = {}

    def second_writes():
        begin_writing(second)
        began["at"] = time.monotonic()
        second.execute("INSERT INTO touches (who) VALUES ('second')")
        second.commit()

    thread = threading.Thread(target=second_writes)
    thread.start()
    time.sleep(0.2)
    assert "at" not in began  # it waits for its turn, not for a busy error
    released = time.monotonic()
    first.commit()
    thread.join(5)
    # SQLite's busy handler would have slept up to 100 ms between tries by now; the kernel wakes the flock at once.
    assert began["at"] - released < 0.05
    rows = [who for (who,) in sqlite3.connect(database).execute("SELECT who FROM touches ORDER BY id")]
    assert rows == ["first", "second"]


@pytest.mark.parametrize("end", ["commit", "rollback", "close"])
def test_every_end_of_a_transaction_lets_the_next_writer_go(database, end):
    first, second = writer(database), writer(database, timeout=0)
    begin_writing(first)
    getattr(first, end)()
    assert writes_in_another_thread(second)


def test_a_second_connection_of_the_same_thread_gets_sqlites_answer_not_a_deadlock(database):
    first, second = writer(database), writer(database, timeout=0)
    begin_writing(first)
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        begin_writing(second)  # waiting for the flock here would wait for itself forever
    assert second.holder is None
    first.rollback()
    begin_writing(second)  # and afterwards it takes its turn as usual
    assert second.holder is not None
    second.rollback()


def test_a_failed_begin_lets_go(database):
    outsider = sqlite3.connect(database, isolation_level=None)
    outsider.execute("BEGIN IMMEDIATE")  # not one of ours: it never took the flock
    conn = writer(database, timeout=0)
    with pytest.raises(sqlite3.OperationalError, match="locked"):
        begin_writing(conn)
    assert conn.holder is None
    outsider.rollback()
    assert writes_in_another_thread(writer(database, timeout=0))


def test_a_writer_killed_while_holding_its_turn_releases_it(database):
    child = os.fork()
    if child == 0:  # pragma: no cover  (the child process)
        conn = writer(database)
        begin_writing(conn)
        os.kill(os.getpid(), signal.SIGSTOP)
        os._exit(0)
    os.waitpid(child, os.WUNTRACED)  # stopped inside its write transaction
    os.kill(child, signal.SIGKILL)
    os.waitpid(child, 0)
    conn = writer(database)
    begin_writing(conn)
    conn.execute("INSERT INTO touches (who) VALUES ('after')")
    conn.commit()
