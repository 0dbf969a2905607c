"""Connection settings the embedded SQLite database needs to behave like a real one; sessions' small helpers."""
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, scoped_session


def plain_session(session) -> Session:
    """The Session behind db.session (a scoped_session proxies most, not all, of its methods: in_transaction)."""
    return session() if isinstance(session, scoped_session) else session


@contextmanager
def savepoint(session):
    """A service's all-or-nothing part: a SAVEPOINT, rolled back if the block raises, and then everything the
    session holds is read again, as after a full rollback (rows refreshed inside the block may show
    changes the rollback undid; what was pending before it was flushed when the savepoint began)."""
    session = plain_session(session)
    try:
        with session.begin_nested():
            yield
    except BaseException:
        session.expire_all()
        raise


def configure_sqlite(engine: Engine) -> None:
    """WAL for concurrent readers, a busy timeout instead of 'database is locked', and FKs on."""
    if engine.dialect.name != "sqlite":
        return

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn, _record):
        # Let SQLAlchemy issue BEGIN itself so a transaction takes the write lock up front
        # (BEGIN IMMEDIATE); pysqlite's deferred BEGIN turns lock upgrades into deadlocks.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        cur.execute("PRAGMA journal_mode=WAL")
        cur.execute("PRAGMA busy_timeout=10000")
        cur.execute("PRAGMA foreign_keys=ON")
        cur.execute("PRAGMA synchronous=NORMAL")
        cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        conn.exec_driver_sql("BEGIN IMMEDIATE")
