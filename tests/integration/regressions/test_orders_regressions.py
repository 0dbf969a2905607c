"""Regressions from other systems' known bugs (see the package docstring), orders: cancelling or refunding."""
from datetime import timedelta

import pytest

from mall.clock import utcnow
from mall.jobs import unpaid
from mall.orders import states
from mall.orders.models import OrderStatus
from tests.integration.commission_support import transactions
from tests.integration.payment_support import pay, start_payment
from tests.integration.regressions.support import Shop


@pytest.mark.parametrize("how", ["buyer cancels", "unpaid order job", "paid, then refunded in full"])
def test_cancellation_leaving_some_records_uncancelled(make, db, client, how):
    shop = Shop(make, db.session, client, binding_mode="last_touch")
    guide = shop.guide()
    shop.visit(guide)  # the customer's own guide (专属导购)...
    shop.visit(shop.p1)  # ...and the sharer who sent today's link
    order = shop.buy(2)
    shares = shop.earned(order)
    assert shares == {"level1": (shop.p1.id, 2560), "level2": (shop.p0.id, 1280), "guide": (guide.id, 768),
                      "store": (shop.store.id, 512)}
    stock = shop.product.skus[0].stock

    if how == "buyer cancels":
        charge = start_payment(db.session, order)  # the buyer had the payment page open...
        assert states.cancel(db.session, order.id, now=utcnow())
        pay(client, charge)  # ...and pays after cancelling: the money goes straight back
    elif how == "unpaid order job":
        assert unpaid.cancel_unpaid(db.session, older_than_minutes=30, now=utcnow() + timedelta(hours=1)) == 1
    else:
        shop.pay(order)
        shop.refund(order)

    statuses = {s.role: s.status for s in shop.shares(order)}
    if how == "paid, then refunded in full":
        assert shop.order(order).status == OrderStatus.REFUNDED
        assert all(s.reversed_fen == s.amount_fen for s in shop.shares(order))
    else:
        assert shop.order(order).status == OrderStatus.CANCELLED
        assert set(statuses.values()) == {"void"}
        assert transactions(db.session) == 0  # cancelled before payment: no trace in the ledger
    assert len(statuses) == 4
    for partner in (shop.p1, shop.p0, guide):
        assert (shop.balances(partner)["pending"], shop.balances(partner)["available"]) == (0, 0)
    assert shop.balances(store=shop.store)["pending"] == 0
    assert shop.payable() == 0
    db.session.expire_all()
    assert shop.product.skus[0].stock == (stock + 2 if how != "paid, then refunded in full" else stock)
    assert shop.books_ok()

