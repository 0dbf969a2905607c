"""Order changes go through the state machine: one history row and one event per change, all or nothing."""
import json
import secrets
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from mall.accounts.models import Role
from mall.catalog.models import Sku
from mall.clock import utcnow
from mall.commission.events import CommissionAccrued
from mall.commission.models import CommissionShare
from mall.events import DomainEvent, subscribe, unsubscribe
from mall.jobs.settle import auto_complete
from mall.jobs.unpaid import cancel_unpaid
from mall.orders import states
from mall.orders.checkout import CheckoutRequest, place_order
from mall.orders.events import OrderCancelled, OrderPaid, OrderShipped
from mall.orders.models import Order, OrderHistory
from mall.orders.refunds import request_refund
from mall.outbox.models import OutboxEvent
from mall.payments.mock.models import MockEvent
from mall.payments.models import Payment, PaymentCallback
from mall.referral.service import record_visit
from mall.webhooks.endpoints import register_endpoint
from tests.conftest import csrf_from
from tests.integration.admin_support import EN, follow, post
from tests.integration.payment_support import event, pay, post_callback, start_payment
from tests.integration.referral_data import partner


def place(db, product, quantity=1, *, now=None, visitor_key=None) -> Order:
    return place_order(db.session, CheckoutRequest(
        sku_id=product.skus[0].id, quantity=quantity, contact_name="王小明", contact_phone="13800138000",
        delivery="ship", address="上海市静安区南京西路 1 号", idempotency_key=secrets.token_urlsafe(16),
        visitor_key=visitor_key), now=now or utcnow())


def history(db, order) -> list[tuple]:
    db.session.expire_all()
    return [(h.from_status, h.to_status, h.actor, h.actor_user_id, h.reason) for h in db.session.scalars(
        select(OrderHistory).where(OrderHistory.order_id == order.id).order_by(OrderHistory.id))]


@contextmanager
def subscribed(event_type, fn):
    subscribe(event_type)(fn)
    try:
        yield
    finally:
        unsubscribe(event_type, fn)


def _explode(session, event):
    raise RuntimeError("a subscriber failed")


def test_a_failing_subscriber_rolls_back_the_whole_cancellation(client, make, db):
    product = make.product(skus=(("Box", 5000, 5),))
    order = place(db, product, quantity=2)
    token, order_id = order.token, order.id
    page = client.get(f"/o/{token}", headers=EN).get_data(as_text=True)
    with subscribed(OrderCancelled, _explode), pytest.raises(RuntimeError):
        client.post(f"/o/{token}/cancel", data={"csrf_token": csrf_from(page)}, headers=EN)
    db.session.expire_all()
    assert db.session.get(Order, order_id).status == "pending_payment"
    assert db.session.scalar(select(Sku.stock).where(Sku.id == product.skus[0].id)) == 3  # not released
    assert [row[1] for row in history(db, order)] == ["pending_payment"]  # only "placed"
    assert db.session.scalar(select(func.count()).select_from(OutboxEvent)) == 0
    assert {s.status for s in db.session.scalars(select(CommissionShare))} <= {"planned"}


def test_a_failing_subscriber_rolls_back_the_payment(client, make, db):
    order = place(db, make.product(skus=(("Box", 12800, 5),)))
    order_id = order.id
    charge_id = start_payment(db.session, order)
    db.session.commit()
    with subscribed(OrderPaid, _explode), pytest.raises(RuntimeError):
        post_callback(client, event(charge_id, order.number, order.total_fen))
    db.session.expire_all()
    assert db.session.get(Order, order_id).status == "pending_payment"
    assert db.session.scalars(select(Payment.status)).all() == ["created"]
    assert db.session.scalar(select(func.count()).select_from(PaymentCallback)) == 0  # the provider may retry
    assert [row[1] for row in history(db, order)] == ["pending_payment"]


def test_every_transition_is_in_the_history_including_the_jobs(client, login_as, make, db):
    brand = make.brand()
    admin = make.user(Role.BRAND_ADMIN, brand=brand)
    product = make.product(brand, skus=(("Box", 12800, 5),))
    order = place(db, product)
    pay(client, start_payment(db.session, order))
    login_as(admin)
    follow(client, post(client, f"/admin/orders/{order.number}/ship"))
    shipped = db.session.scalar(select(Order.shipped_at).where(Order.id == order.id))
    assert auto_complete(db.session, now=shipped + timedelta(days=30)) == 1  # the settle job
    refund = request_refund(db.session, order.id, items=None, reason="", now=utcnow())
    follow(client, post(client, f"/admin/orders/{order.number}/refunds/{refund.id}/approve"))
    assert history(db, order) == [
        (None, "pending_payment", "buyer", None, "placed"),
        ("pending_payment", "paid", "payment:mock", None, "payment_confirmed"),
        ("paid", "shipped", "admin", admin.id, "shipped"),
        ("shipped", "completed", "job:settle", None, "auto_complete"),
        ("completed", "refunded", "admin", admin.id, "refunded_in_full"),
    ]
    page = client.get(f"/admin/orders/{order.number}", headers=EN).get_data(as_text=True)
    for words in ("Order history", "Settlement job", "Completed automatically", "Payment confirmed",
                  f"{admin.name} (Brand admin)", "Refunded in full"):
        assert words in page

    unpaid = place(db, product, now=utcnow() - timedelta(hours=2))
    assert cancel_unpaid(db.session, older_than_minutes=30, now=utcnow()) == 1
    assert history(db, unpaid)[-1] == ("pending_payment", "cancelled", "job:cancel-unpaid", None, "unpaid_timeout")


def test_each_change_is_published_once_and_replays_publish_nothing(client, make, db):
    seen: list[DomainEvent] = []
    brand = make.brand()
    sharer = partner(make, brand)
    product = make.product(brand, skus=(("Box", 12800, 5),))
    # Someone listens to the webhook topics (no row is kept for nobody); order.shipped has no handler: recorded.
    register_endpoint(db.session, brand_id=brand.id, url="https://example.com/hook", now=utcnow(),
                      topics=["order.paid", "commission.accrued"], allow_private=True)
    record_visit(db.session, brand_id=brand.id, partner_code=sharer.code, channel="link", target="home",
                 visitor_key="v1", now=utcnow())
    order = place(db, product, visitor_key="v1")
    with subscribed(DomainEvent, lambda session, event: seen.append(event)):
        pay(client, start_payment(db.session, order))
        body = db.session.scalars(select(MockEvent.body)).one()
        replayed = post_callback(client, json.loads(body))  # the provider sends it again
        assert replayed.headers["Mall-Outcome"] == "duplicate"
        assert states.ship(db.session, order.id, now=utcnow())
        assert not states.ship(db.session, order.id, now=utcnow())  # a double click
        db.session.commit()
    kinds = [type(event) for event in seen]
    assert (kinds.count(OrderPaid), kinds.count(CommissionAccrued), kinds.count(OrderShipped)) == (1, 1, 1)
    paid = next(event for event in seen if isinstance(event, OrderPaid))
    assert (paid.order_id, paid.from_status, paid.to_status, paid.actor.name) == (order.id, "pending_payment",
                                                                                   "paid", "payment:mock")
    topics = db.session.scalars(select(OutboxEvent.topic)).all()
    assert sorted(topics) == ["commission.accrued", "order.paid", "order.shipped"]
    assert len({event.event_id for event in seen}) == len(seen)
