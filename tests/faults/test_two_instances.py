"""Two app instances on different ports share one PostgreSQL: buyers split between them, then `mall settle`
on both hosts at once. Every balance ends as it does when one instance serves the same load and settles alone.
"""
import subprocess
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from sqlalchemy import select, update

from mall.clock import utcnow
from mall.commission.models import Account
from mall.orders.models import Order, OrderStatus
from tests.faults.servers import Server, buy_and_pay
from tests.faults.shop import Shop, audit_failures

ORDERS = 12


def serve_and_pay(servers: list[Server], shop: Shop) -> None:
    """ORDERS buyers through the sharer's link, each sent to the next server in turn."""
    link = f"/p/{shop.product.code}/{shop.sharer.code}"
    with ThreadPoolExecutor(4) as pool:
        list(pool.map(lambda i: buy_and_pay(servers[i % len(servers)].url, shop.product.code, shop.sku_id, via=link),
                      range(ORDERS)))


def complete_long_ago(session, shop: Shop) -> None:
    """The buyers received their goods a month ago: past any freeze period, their commission is due."""
    long_ago = utcnow() - timedelta(days=30)
    session.execute(update(Order).where(Order.brand_id == shop.brand.id, Order.status == OrderStatus.PAID)
                    .values(status=OrderStatus.COMPLETED, shipped_at=long_ago, completed_at=long_ago))
    session.commit()


def settle_on(*servers: Server) -> list[str]:
    """`flask mall settle` on every server's host at the same moment; their outputs."""
    runs = [subprocess.Popen([str(server.cli_path), "--app", "app", "mall", "settle"], cwd=server.cwd,
                             env=server.env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            for server in servers]
    outputs = [run.communicate(timeout=120)[0] for run in runs]
    assert [run.returncode for run in runs] == [0] * len(runs), outputs
    return outputs


def ledger_of(session, shop: Shop) -> dict[tuple[str, str], int]:
    """(whose, account kind) -> balance, for every account of the shop's brand, named by role not by id."""
    roles = {("partner", shop.sharer.id): "sharer", ("partner", shop.upline.id): "upline",
             ("store", shop.store.id): "store"}
    rows = session.execute(select(Account.owner_kind, Account.owner_id, Account.kind, Account.balance_fen)
                           .where(Account.brand_id == shop.brand.id)).all()
    return {(roles.get((kind, owner), kind), account): fen for kind, owner, account, fen in rows}


@pytest.mark.real_commits  # the servers' processes share the test database
def test_two_instances_settling_at_once_end_with_the_balances_of_one(postgres, app, db, make):
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    first, second = Server(url, workers=1, wait=False), Server(url, workers=1, wait=False)
    try:
        first.wait_until_up()
        second.wait_until_up()
        split = Shop(make, db.session, stock=100)
        serve_and_pay([first, second], split)
        complete_long_ago(db.session, split)
        outputs = settle_on(first, second)
        settled = sorted(int(out.split("settled ")[1].split()[0]) for out in outputs)

        alone = Shop(make, db.session, stock=100)  # the same shop again, served and settled by one instance
        serve_and_pay([first], alone)
        complete_long_ago(db.session, alone)
        settle_on(first)
    finally:
        first.stop()
        second.stop()

    db.session.expire_all()
    together, single = ledger_of(db.session, split), ledger_of(db.session, alone)
    assert together == single
    assert together[("sharer", "available")] == ORDERS * 990 and together[("sharer", "pending")] == 0
    assert together[("upline", "available")] == ORDERS * 495
    assert sum(settled) == 2 * ORDERS, outputs  # each share settled by exactly one of the two runs
    assert audit_failures(db.session) == []
