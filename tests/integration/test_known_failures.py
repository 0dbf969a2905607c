"""The known failures of other distribution systems (issue 3), one test each, named after the failure.

Each test proves the failure does not happen here, driving the real path: a visit through
record_visit, the order through checkout's place_order with the browser's visitor key, the payment
through the mock provider's page, refunds through request/approve, settlement through the job.
"""
import secrets
import threading
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from mall import unit_of_work
from mall.accounts.models import Role
from mall.clock import utcnow
from mall.commission.accrual import accrue_order
from mall.commission.audit_books import audit_books
from mall.commission.balances import balances
from mall.commission.ledger import PAYABLE, brand_account
from mall.commission.models import CommissionShare, OrderAttribution, Withdrawal
from mall.commission.withdrawals import (
    DebtOutstanding,
    NotEnoughAvailable,
    approve_withdrawal,
    pay_withdrawal,
    reject_withdrawal,
    request_withdrawal,
)
from mall.jobs import unpaid
from mall.jobs.settle import settle_due
from mall.orders import states
from mall.orders.checkout import CheckoutRequest, place_order
from mall.orders.models import Order, OrderStatus
from mall.orders.refunds import approve_refund, request_refund
from mall.referral.service import become_partner, credit_for_checkout, disable_partner, record_visit
from tests.integration.commission_support import transactions
from tests.integration.payment_support import pay, start_payment
from tests.integration.referral_data import rules

DAY = timedelta(days=1)
PRICE = 12800  # ¥128.00; the brand's default ratios: level 1 10%, level 2 5%, guide 3%, store 2%


class Shop:
    """One brand with a store and a product, partner P1 invited by P0, and the steps of an order."""

    def __init__(self, make, session, client, *, price_fen: int = PRICE, **settings):
        self.make, self.session, self.client = make, session, client
        self.brand = make.brand()
        self.store = make.store(self.brand)
        self.product = make.product(self.brand, skus=(("Default", price_fen, 10_000),))
        rules(session, self.brand, withdraw_min_fen=100, **settings)
        self.p0 = self.partner("Zhou Ping")
        self.p1 = self.partner("Li Na", inviter=self.p0)

    def partner(self, name: str = "Partner", *, inviter=None, user=None):
        user = user or self.make.user(name=name)
        joined = become_partner(self.session, user_id=user.id, brand_id=self.brand.id,
                                inviter_code=inviter.code if inviter else None, now=utcnow())
        self.session.commit()
        return joined

    def guide(self, *, inviter=None):
        """A shop guide of our store, a partner of the brand (under `inviter`, if given)."""
        return self.partner(user=self.make.user(Role.GUIDE, store=self.store, name="Guide Gu"), inviter=inviter)

    def visit(self, sharer=None, *, store_code: str | None = None, visitor: str = "v1", at=None) -> None:
        record_visit(self.session, brand_id=self.brand.id, partner_code=sharer.code if sharer else None,
                     store_code=store_code, channel="store_code" if store_code else "link",
                     target=f"product:{self.product.code}", visitor_key=visitor, now=at or utcnow())
        self.session.commit()

    def buy(self, quantity: int = 1, *, visitor: str = "v1") -> Order:
        request = CheckoutRequest(sku_id=self.product.skus[0].id, quantity=quantity, contact_name="王小明",
                                  contact_phone="13800138000", delivery="ship", address="上海市静安区南京西路 1 号",
                                  idempotency_key=secrets.token_urlsafe(16), visitor_key=visitor)
        return place_order(self.session, request, now=utcnow())

    def pay(self, order: Order) -> None:
        """Pay by card on the mock provider's page; its signed callback marks the order paid."""
        assert pay(self.client, start_payment(self.session, order)).status_code == 303
        assert self.order(order).status == OrderStatus.PAID

    def order(self, order: Order) -> Order:
        self.session.expire_all()
        return self.session.get(Order, order.id)

    def refund(self, order: Order, amount_fen: int | None = None) -> None:
        """The buyer asks for `amount_fen` of the (only) line, None for everything left; the brand approves."""
        line_id = self.order(order).lines[0].id
        items = [(line_id, amount_fen)] if amount_fen is not None else None
        refund = request_refund(self.session, order.id, items=items, reason="", now=utcnow())
        approve_refund(self.session, refund.id, by_user_id=None, now=utcnow())
        unit_of_work.commit(self.session)  # the request's end: the provider refunds and the refund is booked

    def settle(self, order: Order) -> None:
        """Shipped, received, and the brand's freeze period (7 days) over: the settlement job runs."""
        assert states.ship(self.session, order.id, now=utcnow())
        assert states.complete(self.session, order.id, now=utcnow())
        settle_due(self.session, now=utcnow() + 8 * DAY)

    def withdraw(self, partner, amount_fen: int, *, paid: bool = True) -> Withdrawal:
        withdrawal = request_withdrawal(self.session, partner_id=partner.id, amount_fen=amount_fen,
                                        request_key=secrets.token_urlsafe(12), now=utcnow())
        if paid:
            approve_withdrawal(self.session, withdrawal.id, by_user_id=None, now=utcnow())
            pay_withdrawal(self.session, withdrawal.id, by_user_id=None, now=utcnow())
        return withdrawal

    def shares(self, order: Order) -> list[CommissionShare]:
        self.session.expire_all()
        return list(self.session.scalars(select(CommissionShare).where(CommissionShare.order_id == order.id)
                                         .order_by(CommissionShare.id)))

    def earned(self, order: Order) -> dict[str, tuple[int, int]]:
        """role -> (beneficiary partner id or store id, amount) of the order's shares."""
        return {s.role: (s.partner_id or s.store_id, s.amount_fen) for s in self.shares(order)}

    def balances(self, partner=None, *, store=None) -> dict[str, int]:
        self.session.expire_all()
        if store is not None:
            return balances(self.session, brand_id=self.brand.id, owner_kind="store", owner_id=store.id)
        return balances(self.session, brand_id=self.brand.id, owner_kind="partner", owner_id=(partner or self.p1).id)

    def payable(self) -> int:
        self.session.expire_all()
        return brand_account(self.session, self.brand.id, PAYABLE).balance_fen

    def books_ok(self) -> bool:
        report = audit_books(self.session)
        self.session.rollback()
        return report.ok


@pytest.fixture()
def shop(make, db, client):
    return Shop(make, db.session, client)


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


def test_deduction_capped_at_the_current_balance_so_withdrawn_money_is_lost(shop, db):
    shop.visit(shop.p1)
    first = shop.buy(2)  # ¥25.60 for P1
    shop.pay(first)
    shop.settle(first)
    shop.withdraw(shop.p1, 2560)  # all of it is paid out
    second = shop.buy(1)  # ¥12.80 for P1, settled: less than the ¥25.60 about to be taken back
    shop.pay(second)
    shop.settle(second)
    assert shop.balances()["available"] == 1280
    payable_before = shop.payable()

    shop.refund(first)  # everything on the first order goes back
    p1 = shop.balances()
    assert (p1["available"], p1["withdrawn"], p1["debt"], p1["reversed"]) == (0, 2560, -1280, 2560)
    assert shop.payable() - payable_before == 2560 + 1280  # the brand gets every fen back: P1's and P0's
    with pytest.raises(DebtOutstanding):
        shop.withdraw(shop.p1, 100, paid=False)

    third = shop.buy(2)  # the next ¥25.60 first pays off the ¥12.80 owed
    shop.pay(third)
    shop.settle(third)
    p1 = shop.balances()
    assert (p1["available"], p1["debt"]) == (1280, 0)
    shop.withdraw(shop.p1, 1280)
    assert shop.books_ok()


def test_commission_recomputed_at_payment_from_a_binding_changed_after_the_order(make, db, client):
    shop = Shop(make, db.session, client, binding_mode="last_touch")
    newcomer = shop.partner("Wu Lei")
    shop.visit(shop.p1)
    order = shop.buy(1)
    shop.visit(newcomer)  # last touch wins: the customer is now bound to the newcomer...
    rules(db.session, shop.brand, level1_bp=2000)  # ...and the brand doubles level 1 for new orders
    now_credit = credit_for_checkout(db.session, brand_id=shop.brand.id, buyer_user_id=None, visitor_key="v1",
                                     now=utcnow())
    assert now_credit.sharer_id == newcomer.id

    shop.pay(order)
    assert shop.earned(order) == {"level1": (shop.p1.id, 1280), "level2": (shop.p0.id, 640)}
    assert db.session.get(OrderAttribution, order.id).sharer_id == shop.p1.id
    assert shop.balances()["pending"] == 1280
    assert shop.balances(newcomer)["pending"] == 0


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


@pytest.mark.parametrize("asks,granted", [
    ([2560] * 4, 1),  # four taps on "withdraw everything" at once
    ([1800] * 4, 1),  # each alone would fit, any two would not
    ([800] * 4, 3),  # three fit, the fourth would overdraw by ¥0.80
])
@pytest.mark.real_commits  # threads with their own connections
def test_parallel_withdrawals_driving_a_balance_negative(shop, db, asks, granted):
    """Separate sessions on separate connections, released at once: the database decides who gets it."""
    shop.visit(shop.p1)
    order = shop.buy(2)
    shop.pay(order)
    shop.settle(order)
    assert shop.balances()["available"] == 2560
    partner_id, engine = shop.p1.id, db.engine
    db.session.rollback()  # hold no transaction (on SQLite: no write lock) while the threads run
    start, outcomes = threading.Barrier(len(asks)), []

    def ask(n: int, amount: int) -> None:
        with Session(engine) as session:
            start.wait()
            try:
                request_withdrawal(session, partner_id=partner_id, amount_fen=amount, request_key=f"race-{n}",
                                   now=utcnow())
                session.commit()  # each thread is a request: it owns its transaction
                outcomes.append(amount)
            except NotEnoughAvailable:
                outcomes.append(None)

    threads = [threading.Thread(target=ask, args=(n, amount)) for n, amount in enumerate(asks)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)

    taken = [amount for amount in outcomes if amount is not None]
    assert len(outcomes) == len(asks) and len(taken) == granted
    p1 = shop.balances()
    assert (p1["available"], p1["withdrawing"]) == (2560 - sum(taken), sum(taken))
    assert p1["available"] >= 0
    assert db.session.scalar(select(func.count()).select_from(Withdrawal)) == granted
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


@pytest.mark.parametrize("case,expected", [
    ("sharer disabled before the visit", {"level2": "p0"}),  # P1's 10% is not passed up to P0
    ("sharer disabled after the visit", {"level2": "p0"}),
    ("sharer awaiting approval", {"level2": "p0"}),
    ("upline disabled", {"level1": "p1"}),
    ("sharer disabled after the order", {"level1": "p1", "level2": "p0"}),  # the order's snapshot stands
])
def test_inactive_partner_credited(make, db, client, case, expected):
    shop = Shop(make, db.session, client)
    sharer = shop.p1
    if case == "sharer awaiting approval":
        rules(db.session, shop.brand, partner_rule="approval")
        sharer = shop.partner("Newcomer", inviter=shop.p0)
        assert sharer.status == "pending"

    def disable(partner):
        disable_partner(db.session, partner.id, by_user_id=None, now=utcnow())
        db.session.commit()

    if case == "sharer disabled before the visit":
        disable(sharer)
    if case == "upline disabled":
        disable(shop.p0)
    shop.visit(sharer)
    if case == "sharer disabled after the visit":
        disable(sharer)
    order = shop.buy(1)
    if case == "sharer disabled after the order":
        disable(sharer)
    shop.pay(order)

    who = {"p0": shop.p0.id, "p1": sharer.id}
    amounts = {"level1": 1280, "level2": 640}
    assert shop.earned(order) == {role: (who[name], amounts[role]) for role, name in expected.items()}
    assert shop.balances(sharer)["pending"] == (1280 if "level1" in expected else 0)
    assert shop.balances(shop.p0)["pending"] == (640 if "level2" in expected else 0)
    assert shop.books_ok()


def test_a_withdrawal_asked_for_before_a_debt_arose_is_not_paid_out_while_the_debt_stands(shop, db):
    shop.visit(shop.p1)
    first = shop.buy(2)  # ¥25.60 for P1
    shop.pay(first)
    shop.settle(first)
    shop.withdraw(shop.p1, 2000)  # paid out
    waiting = shop.withdraw(shop.p1, 560, paid=False)  # asked for, not yet approved
    shop.refund(first)  # takes back ¥25.60: ¥20.00 of it was paid out already
    assert shop.balances()["debt"] < 0
    with pytest.raises(DebtOutstanding):
        approve_withdrawal(db.session, waiting.id, by_user_id=None, now=utcnow())
    reject_withdrawal(db.session, waiting.id, by_user_id=None, reason="debt", now=utcnow())
    assert shop.balances()["withdrawing"] == 0
    assert shop.books_ok()
