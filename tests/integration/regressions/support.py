"""The shop the regression tests drive: one brand, partners P1 and P0, and the real steps of an order."""
import secrets
from datetime import timedelta

from sqlalchemy import select

from mall import unit_of_work
from mall.accounts.models import Role
from mall.clock import utcnow
from mall.commission.audit_books import audit_books
from mall.commission.balances import balances
from mall.commission.ledger import PAYABLE, brand_account
from mall.commission.models import CommissionShare, Withdrawal
from mall.commission.withdrawals import approve_withdrawal, pay_withdrawal, request_withdrawal
from mall.jobs.settle import settle_due
from mall.orders import states
from mall.orders.checkout import CheckoutRequest, place_order
from mall.orders.models import Order, OrderStatus
from mall.orders.refunds import approve_refund, request_refund
from mall.referral.service import become_partner, record_visit
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

