"""Regressions from other systems' known bugs (see the package docstring), commission: amounts, refunds, rounding."""
import pytest

from mall.clock import utcnow
from mall.commission.accrual import accrue_order
from mall.commission.balances import balances
from mall.orders.models import OrderStatus
from tests.integration.commission_support import transactions
from tests.integration.regressions.support import PRICE, Shop


@pytest.mark.parametrize("unit_fen,quantity,level1,level2", [
    (PRICE, 1, 1280, 640),
    (PRICE, 3, 3840, 1920),  # 10% of ¥384.00, not of ¥384.00 x 3
    (999, 7, 699, 349),  # ¥69.93: 699.3 and 349.65 fen, rounded down once
    (1, 99, 9, 4),
])
def test_commission_counted_twice_when_quantity_above_one(make, db, client, unit_fen, quantity, level1, level2):
    shop = Shop(make, db.session, client, price_fen=unit_fen)
    shop.visit(shop.p1)
    order = shop.buy(quantity)
    [line] = shop.order(order).lines
    assert line.total_fen == unit_fen * quantity
    assert shop.earned(order) == {"level1": (shop.p1.id, level1), "level2": (shop.p0.id, level2)}
    assert {s.base_fen for s in shop.shares(order)} == {unit_fen * quantity}

    shop.pay(order)
    assert accrue_order(db.session, order.id, now=utcnow()) == 0  # a replayed confirmation accrues nothing
    db.session.commit()
    assert (shop.balances()["pending"], shop.balances(shop.p0)["pending"]) == (level1, level2)
    assert transactions(db.session, "accrual") == 1
    assert shop.books_ok()


@pytest.mark.parametrize("refunds,level1_left,level2_left", [
    ([1], 2559, 1279),  # one fen back on ¥256.00 takes one fen from each share, not the share
    ([12800], 1280, 640),  # one of the two boxes: half of each
    ([5000, 7800], 1280, 640),  # the same half in two refunds adds up exactly
    ([20000], 560, 280),
])
def test_partial_refund_cancelling_the_whole_lines_commission(shop, db, refunds, level1_left, level2_left):
    shop.visit(shop.p1)
    order = shop.buy(2)  # ¥256.00: ¥25.60 at level 1, ¥12.80 at level 2
    shop.pay(order)
    for amount in refunds:
        shop.refund(order, amount)

    assert shop.order(order).status == OrderStatus.PAID  # the order and its line live on
    kept = {s.role: (s.amount_fen - s.reversed_fen, s.status) for s in shop.shares(order)}
    assert kept == {"level1": (level1_left, "pending"), "level2": (level2_left, "pending")}
    assert shop.balances()["pending"] == level1_left
    assert shop.balances()["reversed"] == 2560 - level1_left
    assert shop.balances(shop.p0)["pending"] == level2_left
    assert shop.books_ok()


@pytest.mark.parametrize("unit_fen,quantity,refunds", [
    (999, 7, [1, 333, None]),
    (3333, 3, [5000, None]),
    (12345, 2, [7, 7, 7, None]),
    (1, 1, [None]),
])
def test_shares_that_do_not_sum_consistently_after_rounding(make, db, client, unit_fen, quantity, refunds):
    # Awkward ratios (12.34%, 5.67%, 0.89%, 3.21%) and a guide who shares, so four beneficiaries round per line.
    shop = Shop(make, db.session, client, price_fen=unit_fen, level1_bp=1234, level2_bp=567, guide_bp=89,
                store_bp=321)
    guide = shop.guide(inviter=shop.p0)
    shop.visit(guide)
    order = shop.buy(quantity)
    shop.pay(order)
    base = unit_fen * quantity
    total_bp = 1234 + 567 + 89 + 321

    def check(refunded: int) -> None:
        shares = shop.shares(order)
        for share in shares:
            assert share.amount_fen == base * share.ratio_bp // 10000  # each rounded down, on its own
            assert share.reversed_fen == share.amount_fen - share.amount_fen * (base - refunded) // base
        # Never more than base x total ratio; what stays with the brand is under a fen per beneficiary (four).
        assert 0 <= base * total_bp // 10000 - sum(s.amount_fen for s in shares) < 4
        left = {}
        for share in shares:
            owner = ("store", share.store_id) if share.store_id else ("partner", share.partner_id)
            left[owner] = left.get(owner, 0) + share.amount_fen - share.reversed_fen
        for (kind, owner_id), fen in left.items():
            assert balances(db.session, brand_id=shop.brand.id, owner_kind=kind, owner_id=owner_id)["pending"] == fen
        assert shop.payable() == -sum(left.values())  # what the brand owes is exactly what they hold
        assert shop.books_ok()

    check(0)
    refunded = 0
    for amount in refunds:
        shop.refund(order, amount)
        refunded = refunded + amount if amount is not None else base
        check(refunded)
    assert shop.payable() == 0  # a full refund reverses exactly what was accrued

