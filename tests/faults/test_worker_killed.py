"""A gunicorn worker killed with SIGKILL in the middle of checkout load: no half-booked order survives it.

The mall is served by real gunicorn (gunicorn.conf.py) on the test PostgreSQL; buyers on threads open a
sharer's link, buy and pay over HTTP while one worker is killed as the OOM killer would. Whatever that
worker was doing is lost with its transaction; afterwards the books are clean and every paid order has
its accrual and its credited shares.
"""
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.faults.servers import Server, buy_and_pay
from tests.faults.shop import Shop, accruals_per_order, audit_failures, paid_orders_lacking_shares, units_held

BUYERS = 8
STOCK = 10_000


@pytest.mark.real_commits  # the server's processes share the test database
def test_a_worker_killed_mid_checkout_leaves_the_books_clean(postgres, app, db, make):
    shop = Shop(make, db.session, stock=STOCK)
    link = f"/p/{shop.product.code}/{shop.sharer.code}"
    server = Server(app.config["SQLALCHEMY_DATABASE_URI"], workers=2)
    stop, done, failed = threading.Event(), [], []

    def buyer(_):
        while not stop.is_set():
            try:
                done.append(buy_and_pay(server.url, shop.product.code, shop.sku_id, via=link, timeout=20))
            except Exception as error:  # noqa: BLE001  (a connection the kill cut: counted, not raised)
                failed.append(repr(error))

    try:
        with ThreadPoolExecutor(BUYERS) as pool:
            for i in range(BUYERS):
                pool.submit(buyer, i)
            _wait_for(lambda: len(done) >= 8, seconds=60)
            before = set(server.worker_pids())
            killed = server.kill_worker()
            paid_before_kill = len(done)
            _wait_for(lambda: len(done) >= paid_before_kill + 8, seconds=60)  # the load goes on
            stop.set()
        assert killed not in server.worker_pids() and len(server.worker_pids()) == 2, "gunicorn replaced it"
        assert set(server.worker_pids()) != before
        retried = server.cli("deliver-callbacks")  # what the kill left undelivered, as cron would
        assert retried.returncode == 0, retried.stderr
        audit = server.cli("audit")
        assert audit.returncode == 0 and "books are consistent" in audit.stdout, audit.stdout + audit.stderr
    finally:
        stop.set()
        server.stop()

    db.session.expire_all()
    accruals = accruals_per_order(db.session)
    assert len(accruals) >= len(done) >= 16
    assert set(accruals.values()) == {1}, "every paid order accrued exactly once"
    assert paid_orders_lacking_shares(db.session) == []
    assert units_held(db.session, shop.sku_id) + shop.product.skus[0].stock == STOCK, "no unit lost or doubled"
    assert audit_failures(db.session) == []
    assert len(failed) <= BUYERS, failed  # at most the journeys that were on the killed worker


def _wait_for(condition, *, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "the load made no progress"
        time.sleep(0.05)
