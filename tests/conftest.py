"""Fixtures: one app per test session on SQLite (default) or PostgreSQL (TEST_DATABASE_URL).

The schema is built by running the real migrations, so a test run also proves them.
Each test starts with empty tables: it runs inside one connection-level transaction that is rolled back
at its end, every session of the test (its own, each request's, each job's, another app instance's in the
same thread) joined to it with SAVEPOINTs (SQLAlchemy's "join a session into an external transaction"),
so their commits are real to them and nothing outlives the test. Tests whose commits must be seen from
other connections (threads, a live server) or that look at other connections' locks are marked
`real_commits`: they run on the pool's connections and the tables are emptied afterwards.
"""
import contextvars
import os
import re
import tempfile
from contextlib import contextmanager

import pytest
from flask import has_app_context
from flask.testing import FlaskClient
from flask_migrate import upgrade
from flask_sqlalchemy.session import Session as FlaskSession
from flask_sqlalchemy.session import _app_ctx_id
from sqlalchemy import event, text
from sqlalchemy.orm import scoped_session, sessionmaker

from mall import create_app
from mall.config import TestConfig
from mall.extensions import db as _db
from mall.ratelimits import limiter_for
from tests import factories
from tests.ledger_triggers import ledger_triggers_off


def _database_url() -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if url:
        return url
    return "sqlite:///" + os.path.join(tempfile.mkdtemp(prefix="mall-test-"), "test.db")


@pytest.fixture(scope="session")
def app():
    instance = tempfile.mkdtemp(prefix="mall-instance-")
    os.environ["MALL_INSTANCE_PATH"] = instance
    app = create_app({**{k: getattr(TestConfig, k) for k in dir(TestConfig) if k.isupper()},
                      "SQLALCHEMY_DATABASE_URI": _database_url()})
    with app.app_context():
        if _db.engine.dialect.name == "postgresql":
            with _db.engine.begin() as conn:
                conn.execute(text("DROP SCHEMA public CASCADE"))
                conn.execute(text("CREATE SCHEMA public"))
        upgrade()
    yield app


@pytest.fixture(autouse=True)
def fresh_rate_limits(request):
    """Each test starts with empty rate-limit counters, as if the previous test's requests were long ago."""
    if "app" in request.fixturenames:
        limiter_for(request.getfixturevalue("app")).reset()


@pytest.fixture()
def db(app, request):
    with app.app_context():
        if request.node.get_closest_marker("real_commits"):
            yield _db
            _db.session.rollback()
            _db.session.remove()
            _truncate_all()
            return
        with _rolled_back():
            yield _db


class _JoinedSession(FlaskSession):
    """Flask-SQLAlchemy's session picks its engine by bind key and ignores `bind`: here `bind` is the test's
    connection, and every session of the test must use it."""

    def get_bind(self, *args, **kwargs):
        return self.bind


@contextmanager
def _rolled_back():
    """Swap db.session for sessions joined to one connection whose transaction is rolled back at the end."""
    connection = _db.engine.connect()
    outer = connection.begin()
    original = _db.session
    factory = sessionmaker(db=_db, class_=_JoinedSession, bind=connection, query_cls=_db.Query,
                           join_transaction_mode="create_savepoint")
    _db.session = scoped_session(factory, scopefunc=_app_ctx_id)  # one session per app context, as before
    if connection.dialect.name == "postgresql":
        event.listen(factory, "before_commit", _check_deferred_constraints)
    try:
        yield
    finally:
        _db.session.remove()
        _db.session = original
        outer.rollback()
        connection.close()


def _check_deferred_constraints(session) -> None:
    # A savepoint's release is no COMMIT, so PostgreSQL's deferred checks (the ledger balances) would never
    # run: switching them to immediate runs every pending one now, as a commit would, and then defers again.
    session.flush()
    session.execute(text("SET CONSTRAINTS ALL IMMEDIATE"))
    session.execute(text("SET CONSTRAINTS ALL DEFERRED"))


def _truncate_all() -> None:
    tables = [t.name for t in reversed(_db.metadata.sorted_tables)]
    with _db.engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
        else:
            # DELETE would fire the ledger's append-only triggers (TRUNCATE above fires none): the harness
            # lifts them for its own cleanup and restores them in the same transaction.
            with ledger_triggers_off(conn):
                for t in tables:
                    conn.execute(text(f'DELETE FROM "{t}"'))


class IsolatedClient(FlaskClient):
    """Each request runs in its own app context (fresh `g`, its own DB session), as in production.

    The test's session commits first, so it never holds a transaction (or SQLite's write lock)
    while the app works, and reloads what it reads afterwards.
    """

    def open(self, *args, **kwargs):
        if has_app_context():  # threads that open their own clients have no test session to end
            _db.session.commit()
        kwargs.setdefault("buffered", True)  # streamed bodies finish inside the request's context
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture()
def client(app, db):
    app.test_client_class = IsolatedClient
    return app.test_client()


@pytest.fixture()
def runner(app, db):
    return app.test_cli_runner()


@pytest.fixture()
def make(db):
    """Small factories: make.brand(), make.product(brand, skus=[...]), make.user(role=...)."""
    return factories.Factory(db.session)


CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def csrf_from(html: str) -> str:
    match = CSRF_RE.search(html)
    assert match, "page has no CSRF token"
    return match.group(1)


@pytest.fixture()
def login_as(client):
    """Log a user in through the real login form."""

    def _login(user, password: str = factories.PASSWORD):
        page = client.get("/login")
        token = csrf_from(page.get_data(as_text=True))
        response = client.post("/login", data={"login": user.login, "password": password, "csrf_token": token})
        assert response.status_code in (302, 303), response.get_data(as_text=True)[:500]
        return user

    return _login
