"""Connection settings the embedded SQLite database needs to behave like a real one; sessions' small helpers."""
from contextlib import contextmanager

from sqlalchemy import event, text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, scoped_session

from mall.sqlite_writers import TakingTurns, lock_path

# What a transaction remembers in session.info (for_this_transaction), forgotten when it ends or rolls back.
_MEMOS: set[str] = set()

_NO_FLUSH_WAIT = text("SET LOCAL synchronous_commit TO OFF")

# Execution option of a connection whose transaction only reads (see reads_only): SQLite begins it DEFERRED.
READ_ONLY = "mall_read_only"


def plain_session(session) -> Session:
    """The Session behind db.session (a scoped_session proxies most, not all, of its methods: in_transaction)."""
    return session() if isinstance(session, scoped_session) else session


def for_this_transaction(session, name: str, factory=dict):
    """session.info[name], made by factory() on first use and forgotten at the transaction's end (commit or
    rollback) and at any rollback (a savepoint's too), so nothing remembered outlives the work it describes."""
    _MEMOS.add(name)
    return plain_session(session).info.setdefault(name, factory())


@event.listens_for(Session, "after_transaction_end")
def _forget_at_the_end(session, transaction) -> None:
    if transaction.parent is None:  # the transaction's end, not a savepoint's release
        for name in _MEMOS:
            session.info.pop(name, None)


@event.listens_for(Session, "after_soft_rollback")
def _forget_on_rollback(session, _previous) -> None:
    for name in _MEMOS:
        session.info.pop(name, None)


def held(session, model, ident):
    """session.get, the object then kept until the transaction ends. SQLAlchemy's identity map holds objects
    weakly: a row one event subscriber loaded and let go is SELECTed again by the next that asks session.get
    for it. Held, it is answered from the identity map, as fresh as the ORM keeps it (an expired row is read
    again; a Core UPDATE that bypasses the ORM must expire it, as everywhere)."""
    found = session.get(model, ident)
    if found is not None:
        keep(session, found)
    return found


def keep(session, obj) -> None:
    """Hold obj (persistent or pending) in the session's identity map until the transaction ends."""
    for_this_transaction(session, "mall_held", list).append(obj)


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

    writers_lock = lock_path(engine.url.database)

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
        if isinstance(dbapi_conn, TakingTurns) and writers_lock:
            dbapi_conn.open_lock(writers_lock)

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        # A transaction that only reads needs no write lock: in WAL mode it reads its snapshot while a writer
        # works, instead of queueing behind every checkout.
        if conn.get_execution_options().get(READ_ONLY):
            conn.exec_driver_sql("BEGIN")
            return
        raw = conn.connection.dbapi_connection
        if not isinstance(raw, TakingTurns):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
            return
        raw.take_turn()  # writers queue at a file lock instead of sleeping on SQLite's (mall.sqlite_writers)
        try:
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        except BaseException:
            raw.let_go()
            raise


def reads_only(session) -> None:
    """Declare, before its first query, that this transaction will not write. On SQLite it then begins
    DEFERRED (no write lock, readers never wait for writers); a write in it would risk SQLITE_BUSY on the
    lock upgrade, so only pages that never write (not even a touch) declare it. No effect on PostgreSQL."""
    session = plain_session(session)
    if session.get_bind().dialect.name == "sqlite" and not session.in_transaction():
        session.connection(execution_options={READ_ONLY: True})


def visits_only(session) -> None:
    """Declare that this transaction records visits and nothing else: touches, the bindings they make and their
    events. On PostgreSQL its COMMIT then returns without waiting for the WAL to reach the disk (synchronous_commit
    off for this transaction alone; waiting for that flush was what capped the share link there: 717 -> 1,132
    req/s). The database stays consistent; what a server crash can lose is the visits of the last moment
    (PostgreSQL flushes within 3 x wal_writer_delay, 0.6 s by default), never money: payments and refunds commit
    synchronously, and their flush also makes durable every visit committed before them, so an order's
    attribution never points at a lost touch. Never call it in a transaction that may also touch money.
    No effect on SQLite (synchronous=NORMAL in WAL mode already commits without a flush)."""
    session = plain_session(session)
    if session.get_bind().dialect.name == "postgresql":
        session.execute(_NO_FLUSH_WAIT)
