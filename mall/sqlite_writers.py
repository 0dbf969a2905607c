"""SQLite's writers take turns at an advisory file lock before BEGIN IMMEDIATE, instead of sleeping on SQLite's lock.

SQLite has one writer at a time. A writer that finds the lock taken is put to sleep by the busy handler for 1, 2,
5, 10 ... ms and tries again; a share link's whole write (touch, binding, commit) holds the lock about 0.3 ms. So
with two workers the one that lost the race slept several times longer than the write it waited for, and two
workers served fewer share links than one (939 req/s with one, 883 with two, 713 with three). A blocking flock on
a file beside the database is woken by the kernel the moment the holder lets go, so writers queue in order and
each waits only for the writes ahead of it.

The flock only orders the mall's own writers; SQLite's lock still decides, and the busy timeout still applies to
anything else (a DEFERRED transaction that starts writing, the sqlite3 shell, another program). Where a writer
would wait for itself (a second connection of the same thread writing while the first holds the flock), it does
not take the flock and SQLite's busy timeout answers as it always did. A process that dies holding the flock
releases it (the kernel closes its files). A writer waits as long as the writes ahead of it take, with no busy
timeout of its own: the mall's write transactions are short (a settlement batch on SQLite, the longest, takes a
few seconds), and a request that waited past gunicorn's timeout is ended by gunicorn. The filelock package was
not used: it polls (every 50 ms by default), which is the sleeping this replaces.
"""
import fcntl
import os
import sqlite3
import threading

_holders: set[int] = set()  # the threads one of whose connections holds the flock


def lock_path(database: str | None) -> str | None:
    """The lock file of an SQLite database file, or None (in memory: one process, nothing to order)."""
    if not database or database == ":memory:" or database.startswith("file:"):
        return None
    return os.path.abspath(database) + "-writers.lock"


class TakingTurns(sqlite3.Connection):
    """A pysqlite connection that holds its writers' flock from take_turn() until its commit or rollback."""

    lock_file: int | None = None
    holder: int | None = None  # the thread that took the flock

    def open_lock(self, path: str) -> None:
        self.lock_file = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)

    def take_turn(self) -> None:
        """Wait for this connection's turn to write (the caller then says BEGIN IMMEDIATE, and let_go() if that
        fails): SQLite's lock is then free unless someone who does not take turns holds it."""
        me = threading.get_ident()
        if self.lock_file is not None and self.holder is None and me not in _holders:
            fcntl.flock(self.lock_file, fcntl.LOCK_EX)
            self.holder = me
            _holders.add(me)

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            self.let_go()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self.let_go()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self.let_go()
            if self.lock_file is not None:
                os.close(self.lock_file)
                self.lock_file = None

    def let_go(self) -> None:
        if self.holder is not None:
            _holders.discard(self.holder)
            self.holder = None
            fcntl.flock(self.lock_file, fcntl.LOCK_UN)
