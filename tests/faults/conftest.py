"""Fault tests run on PostgreSQL (TEST_DATABASE_URL); on SQLite, whose writers queue on one lock, they skip."""
import pytest

from mall import create_app


@pytest.fixture()
def postgres(app):
    if not app.config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql"):
        pytest.skip("needs PostgreSQL's row-level concurrency: set TEST_DATABASE_URL")


@pytest.fixture()
def instance(app):
    """A second app on the same database, as another host would run it: rate limits off, since every
    simulated buyer and provider here shares one address."""
    return create_app({**app.config, "RATELIMIT_ENABLED": False})
