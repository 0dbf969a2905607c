"""The `shop` fixture of the regression tests."""
import pytest

from tests.integration.regressions.support import Shop


@pytest.fixture()
def shop(make, db, client):
    return Shop(make, db.session, client)

