"""On PostgreSQL a transaction that only records visits commits without waiting for the disk
(mall.database.visits_only); one that touches money never does (tests/integration/test_checkout_statements.py)."""
import pytest
from sqlalchemy import text

from mall.database import visits_only
from tests.integration.referral_data import partner
from tests.sql_statements import sql_of

NO_FLUSH_WAIT = "SET LOCAL synchronous_commit TO OFF"


@pytest.fixture()
def postgresql(db):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("synchronous_commit is PostgreSQL's")


def synchronous_commit(db) -> str:
    return db.session.execute(text("SHOW synchronous_commit")).scalar_one()


def test_the_setting_holds_for_this_transaction_only(db, postgresql):
    assert synchronous_commit(db) == "on"
    visits_only(db.session)
    assert synchronous_commit(db) == "off"
    db.session.rollback()
    assert synchronous_commit(db) == "on"


def test_it_changes_nothing_on_sqlite(db):
    if db.engine.dialect.name != "sqlite":
        pytest.skip("SQLite's")
    assert sql_of(db, lambda: visits_only(db.session)) == []


@pytest.mark.parametrize("path", ["/shop/{code}", "/r/{code}", "/p/{product}/{code}"])
def test_the_visit_pages_commit_without_waiting(db, make, client, postgresql, path):
    brand = make.brand()
    product, sharer = make.product(brand), partner(make, brand)
    db.session.commit()
    sent = sql_of(db, lambda: client.get(path.format(code=sharer.code, product=product.code)))
    assert NO_FLUSH_WAIT in sent
    assert sent.index(NO_FLUSH_WAIT) < next(i for i, sql in enumerate(sent) if sql.startswith("INSERT INTO touches"))
