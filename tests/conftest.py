"""Fixtures: one app per test session on SQLite (default) or PostgreSQL (TEST_DATABASE_URL).

The schema is built by running the real migrations, so a test run also proves them.
Each test starts with empty tables.
"""
import contextvars
import os
import re
import tempfile

import pytest
from flask import has_app_context
from flask.testing import FlaskClient
from flask_migrate import upgrade
from sqlalchemy import text

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
def db(app):
    with app.app_context():
        yield _db
        _db.session.rollback()
        _db.session.remove()
        _truncate_all()


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
