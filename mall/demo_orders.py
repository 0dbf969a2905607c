"""Demo partners and orders in every state, moved through the real services so the demo's books are real.

Each order has a fixed idempotency key: a second `flask mall demo` finds it and leaves it alone.
"""
from dataclasses import dataclass
from datetime import datetime, timedelta

from flask import current_app
from sqlalchemy import select

from mall import unit_of_work
from mall.accounts.models import User
from mall.catalog.models import Brand, Product, Store
from mall.commission.withdrawals import WithdrawalError, approve_withdrawal, pay_withdrawal, request_withdrawal
from mall.events import Actor
from mall.jobs.settle import settle_due
from mall.orders import states
from mall.orders.checkout import CheckoutRequest, place_order
from mall.orders.models import Order
from mall.orders.refunds import approve_refund, request_refund
from mall.payments.mock.charges import attempt_charge
from mall.payments.mock.models import MockCharge, MockEvent
from mall.payments.service import begin_payment, handle_callback
from mall.payments.signing import HEADER, signature_header
from mall.referral.models import Partner
from mall.referral.service import record_visit

DEMO = Actor.job("demo")
# (login, brand slug, fixed code, inviter login): two-level invite trees, and the guides as partners.
PARTNERS = [
    ("13900000001", "yunling-tea", "SYTEA2", None),
    ("13900000011", "yunling-tea", "ZXTEA3", "13900000001"),
    ("13900000012", "yunling-tea", "FJTEA4", "13900000001"),
    ("13800000011", "yunling-tea", "GDZXY8", None),
    ("13800000012", "yunling-tea", "GDRYM9", None),
    ("13900000002", "qingyan-skin", "WTSKN5", None),
    ("13900000021", "qingyan-skin", "HJSKN6", "13900000002"),
    ("13900000022", "qingyan-skin", "XNSKN7", "13900000002"),
    ("13800000013", "qingyan-skin", "GDZKK2", None),
]
GOOD_CARD = "4242424242424242"


@dataclass(frozen=True)
class DemoOrder:
    key: str
    product: str  # product code
    sku: int  # index into the product's SKUs
    quantity: int
    days_ago: float  # when it was placed
    steps: tuple  # ("pay"|"ship"|"complete"|"cancel"|"refund_all"|"refund_part"|"ask_refund", days after placing)
    via: str | None = None  # a partner code, or "store:<store name>" for a store code
    buyer: str | None = None  # a consumer's login; None is a guest
    name: str = "林晓"


ORDERS = [
    DemoOrder("settled-1", "H7SMB8Y", 2, 1, 20, (("pay", 0), ("ship", 1), ("complete", 4)), via="SYTEA2", name="陈静"),
    DemoOrder("settled-2", "SFTRTAK", 0, 2, 16, (("pay", 0), ("ship", 1), ("complete", 3)), via="ZXTEA3",
              buyer="13700000001"),
    DemoOrder("completed", "9PWSHDF", 0, 1, 5, (("pay", 0), ("ship", 1), ("complete", 3)), via="GDZXY8", name="王芳"),
    DemoOrder("shipped", "H7SMB8Y", 0, 2, 3, (("pay", 0), ("ship", 1)), via="FJTEA4", name="赵磊"),
    DemoOrder("paid", "H7SMB8Y", 1, 1, 0.5, (("pay", 0),), via="ZXTEA3", buyer="13700000002", name="黄佳"),
    DemoOrder("store-code", "SFTRTAK", 1, 1, 1, (("pay", 0),), via="store:云岭茶舍·杭州西湖店", name="周敏"),
    DemoOrder("pending", "H7SMB8Y", 0, 1, 0.01, (), via="SYTEA2", name="吴昊"),
    DemoOrder("cancelled", "SFTRTAK", 0, 1, 2, (("cancel", 0.05),), via="ZXTEA3", name="郑爽"),
    DemoOrder("refund-asked", "9PWSHDF", 0, 1, 4, (("pay", 0), ("ship", 1), ("ask_refund", 2)), via="SYTEA2",
              name="孙丽"),
    DemoOrder("refunded", "H7SMB8Y", 0, 1, 6, (("pay", 0), ("refund_all", 1)), via="ZXTEA3", name="马超"),
    DemoOrder("part-refund", "H7SMB8Y", 1, 2, 12, (("pay", 0), ("ship", 1), ("refund_part", 2), ("complete", 4)),
              via="ZXTEA3", name="刘洋"),
    DemoOrder("skin-settled", "XJCTMVR", 1, 2, 18, (("pay", 0), ("ship", 1), ("complete", 3)), via="HJSKN6",
              name="杨雪"),
    DemoOrder("skin-guide", "FN5CXPN", 0, 1, 2, (("pay", 0), ("ship", 1)), via="GDZKK2", buyer="consumer@example.com",
              name="高远"),
    DemoOrder("skin-direct", "T99GD68", 0, 1, 1, (("pay", 0),), name="徐婷"),
]


def load_demo_partners(session, now: datetime) -> None:
    """Partner memberships with fixed codes (a real partner gets a random one when joining)."""
    for login, slug, code, inviter_login in PARTNERS:
        brand = session.scalar(select(Brand).where(Brand.slug == slug))
        user = session.scalar(select(User).where(User.phone == login))
        if session.scalar(select(Partner).where(Partner.brand_id == brand.id, Partner.user_id == user.id)):
            continue
        inviter = None
        if inviter_login:
            inviter_user = session.scalar(select(User).where(User.phone == inviter_login))
            inviter = session.scalar(select(Partner).where(Partner.brand_id == brand.id,
                                                           Partner.user_id == inviter_user.id))
        session.add(Partner(brand_id=brand.id, user_id=user.id, code=code, status="active",
                            inviter_id=inviter.id if inviter else None, joined_at=now - timedelta(days=30)))
        session.flush()
    unit_of_work.commit(session)


def load_demo_orders(session, now: datetime) -> int:
    """Every order state, with touches, payments, refunds, settlement and one paid withdrawal; returns how many were new."""
    created = sum(_demo_order(session, number, spec, now) for number, spec in enumerate(ORDERS, start=1))
    settle_due(session, now=now)
    _demo_withdrawal(session, now)
    return created


def load_orders(session, specs: list[DemoOrder], now: datetime, *, first_number: int) -> int:
    """More demo orders (the journeys' customers), numbered from `first_number` so their browsers differ."""
    return sum(_demo_order(session, number, spec, now) for number, spec in enumerate(specs, start=first_number))


def _demo_order(session, number: int, spec: DemoOrder, now: datetime) -> bool:
    key = f"demo-order-{spec.key}-00000000"[:64]
    if session.scalar(select(Order.id).where(Order.idempotency_key == key)):
        return False
    placed = now - timedelta(days=spec.days_ago)
    product = session.scalar(select(Product).where(Product.code == spec.product))
    buyer = _user(session, spec.buyer)
    visitor = f"demo-visitor-{number:02d}"
    if spec.via and spec.via.startswith("store:"):
        store = session.scalar(select(Store).where(Store.name == spec.via.removeprefix("store:")))
        record_visit(session, brand_id=product.brand_id, store_code=store.code, channel="store_code", target="home",
                     visitor_key=visitor, user_id=buyer, now=placed - timedelta(minutes=5))
    elif spec.via:
        record_visit(session, brand_id=product.brand_id, partner_code=spec.via, channel="link",
                     target=f"product:{product.code}", visitor_key=visitor, user_id=buyer,
                     now=placed - timedelta(minutes=5))
    unit_of_work.commit(session)
    order = place_order(session, CheckoutRequest(
        sku_id=product.skus[spec.sku].id, quantity=spec.quantity, contact_name=spec.name,
        contact_phone=f"1360000{number:04d}", delivery="ship", address="上海市徐汇区漕溪北路 398 号",
        idempotency_key=key, user_id=buyer, visitor_key=visitor), now=placed)
    for step, after in spec.steps:
        _step(session, order, step, placed + timedelta(days=after))
    return True


def _step(session, order: Order, step: str, when: datetime) -> None:
    if step == "pay":
        _pay(session, order, when)
    elif step in ("ship", "complete", "cancel"):
        getattr(states, step)(session, order.id, now=when, actor=DEMO)
        unit_of_work.commit(session)
    elif step in ("refund_all", "refund_part", "ask_refund"):
        line = order.lines[0]
        items = None if step == "refund_all" else [(line.id, line.total_fen // 4)]
        refund = request_refund(session, order.id, items=items, reason="不想要了", now=when)
        if step != "ask_refund":
            approve_refund(session, refund.id, by_user_id=None, now=when + timedelta(hours=2))
        unit_of_work.commit(session, now=when + timedelta(hours=2))  # the provider refunds, then it is booked


def _pay(session, order: Order, when: datetime) -> None:
    """What a buyer and the provider do: open the charge, pay with the test card, deliver the signed callback."""
    redirect = begin_payment(session, order, return_url=f"/o/{order.token}", notify_url="/payments/mock/notify")
    charge = session.get(MockCharge, redirect.rsplit("/", 1)[1])
    _outcome, event_id = attempt_charge(session, charge, card_digits=GOOD_CARD, now=when)
    event = session.get(MockEvent, event_id)
    body = event.body.encode()
    header = signature_header(current_app.config["PAYMENT_WEBHOOK_SECRET"], body, now=when)
    handle_callback(session, "mock", {HEADER: header}, body, now=when)
    event.delivered_at, event.attempts = when, 1
    unit_of_work.commit(session, now=when)


def _demo_withdrawal(session, now: datetime) -> None:
    partner = session.scalar(select(Partner).where(Partner.code == "SYTEA2"))
    try:
        withdrawal = request_withdrawal(session, partner_id=partner.id, amount_fen=2000,
                                        request_key="demo-withdrawal-SYTEA2-0001", now=now)
    except WithdrawalError:
        return  # already paid out on an earlier run, or nothing settled yet
    if withdrawal.status == "requested":
        approve_withdrawal(session, withdrawal.id, by_user_id=None, now=now)
        pay_withdrawal(session, withdrawal.id, by_user_id=None, now=now)


def _user(session, login: str | None) -> int | None:
    if login is None:
        return None
    column = User.email if "@" in login else User.phone
    return session.scalar(select(User.id).where(column == login))
