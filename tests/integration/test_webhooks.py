"""Webhooks: outbox -> deliveries -> signed POSTs to a real local receiver, retried with backoff, in order."""
import json
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from mall.clock import utcnow
from mall.outbox.delivery import deliver_due as deliver_outbox
from mall.webhooks.addresses import UnsafeUrl
from mall.webhooks.delivery import deliver_due
from mall.webhooks.endpoints import register_endpoint, replay_delivery
from mall.webhooks.models import WebhookAttempt, WebhookDelivery
from mall.webhooks.signing import HEADER, verify
from tests.integration.api_support import World, buy_and_pay
from tests.integration.webhook_support import Receiver, running


@pytest.fixture()
def world(make, db):
    return World(make, db.session)


def endpoint_for(db, world, url, topics=("order.paid", "commission.accrued")):
    endpoint = register_endpoint(db.session, brand_id=world.brand.id, url=url, topics=list(topics),
                                 now=utcnow() - timedelta(seconds=1), allow_private=True)
    db.session.commit()
    return endpoint


def run(db, at):
    return deliver_due(db.session, now=at, allow_private=True)


def test_fails_twice_then_delivered_signed(client, db, world):
    receiver = Receiver(statuses=[500, 503])
    with running(receiver) as url:
        endpoint = endpoint_for(db, world, url, topics=["order.paid"])
        buy_and_pay(client, world)
        now = utcnow()
        assert run(db, now) == (0, 1)
        assert run(db, now + timedelta(seconds=5)) == (0, 0)  # backing off: not due yet
        assert run(db, now + timedelta(seconds=16)) == (0, 1)
        assert run(db, now + timedelta(seconds=50)) == (1, 0)
    delivery = db.session.scalars(select(WebhookDelivery)).one()
    assert (delivery.status, delivery.attempts, delivery.last_status_code) == ("delivered", 3, 200)
    codes = db.session.scalars(select(WebhookAttempt.status_code).order_by(WebhookAttempt.id)).all()
    assert codes == [500, 503, 200]
    times = [now, now + timedelta(seconds=16), now + timedelta(seconds=50)]
    assert len(receiver.received) == 3
    for (headers, body), at in zip(receiver.received, times, strict=True):
        assert verify(endpoint.secret, body, headers[HEADER], now=at)
        assert not verify("whsec_wrong", body, headers[HEADER], now=at)
        assert not verify(endpoint.secret, body + b" ", headers[HEADER], now=at)
        event = json.loads(body)
        assert event["type"] == "order.paid" and event["id"] == headers["Mall-Event-Id"]
        assert event["data"]["brand_id"] == world.brand.id
    assert len({json.loads(body)["id"] for _, body in receiver.received}) == 1  # one event, retried


def test_receiver_down_for_an_hour_gets_every_event_once_in_order(client, db, world):
    receiver = Receiver(default=503)
    with running(receiver) as url:
        endpoint_for(db, world, url)
        numbers = [buy_and_pay(client, world) for _ in range(2)]
        start = utcnow()
        for minute in range(0, 61, 5):
            run(db, start + timedelta(minutes=minute))
        assert db.session.scalar(select(func.count()).select_from(WebhookDelivery)
                                 .where(WebhookDelivery.status == "delivered")) == 0
        tried_while_down = len(receiver.received)
        receiver.default = 200
        run(db, start + timedelta(minutes=75))
    up = [json.loads(body) for _, body in receiver.received[tried_while_down:]]
    assert len(up) == 4 and len({event["id"] for event in up}) == 4  # each event once
    by_order: dict[int, list[str]] = {}
    for event in up:
        by_order.setdefault(event["data"]["order_id"], []).append(event["type"])
    assert list(by_order.values()) == [["order.paid", "commission.accrued"]] * len(numbers)
    assert all(d.status == "delivered" for d in db.session.scalars(select(WebhookDelivery)))


def test_only_the_brands_endpoints_and_chosen_topics(client, make, db, world):
    other = World(make, db.session)
    receiver = Receiver()
    with running(receiver) as url:
        register_endpoint(db.session, brand_id=other.brand.id, url=url, topics=["order.paid"], now=utcnow(),
                          allow_private=True)
        endpoint_for(db, world, url, topics=["order.refunded"])
        db.session.commit()
        buy_and_pay(client, world)
        assert run(db, utcnow()) == (0, 0)
    assert receiver.received == []


def test_an_endpoint_gets_no_events_from_before_it_existed(client, db, world):
    buy_and_pay(client, world)
    receiver = Receiver()
    with running(receiver) as url:
        register_endpoint(db.session, brand_id=world.brand.id, url=url, topics=["order.paid"],
                          now=utcnow() + timedelta(seconds=1), allow_private=True)
        db.session.commit()
        deliver_outbox(db.session, now=utcnow() + timedelta(minutes=1))
        assert run(db, utcnow() + timedelta(minutes=1)) == (0, 0)


def test_fan_out_runs_once_per_event_and_endpoint(client, db, world):
    endpoint_for(db, world, "http://127.0.0.1:9/never")
    buy_and_pay(client, world)
    before = db.session.scalar(select(func.count()).select_from(WebhookDelivery))
    from mall.outbox.models import OutboxEvent

    db.session.execute(OutboxEvent.__table__.update().values(delivered_at=None, attempts=0, claimed_until=None))
    db.session.commit()
    deliver_outbox(db.session, now=utcnow())  # as if the first fan-out's lease had expired mid-way
    assert db.session.scalar(select(func.count()).select_from(WebhookDelivery)) == before == 2


def test_replay_sends_the_same_event_again(client, db, world):
    receiver = Receiver()
    with running(receiver) as url:
        endpoint_for(db, world, url, topics=["order.paid"])
        buy_and_pay(client, world)
        assert run(db, utcnow()) == (1, 0)
        delivery = db.session.scalars(select(WebhookDelivery)).one()
        assert replay_delivery(db.session, delivery.id, brand_id=world.brand.id, now=utcnow())
        db.session.commit()
        assert run(db, utcnow() + timedelta(seconds=1)) == (1, 0)
    assert len(receiver.received) == 2
    assert receiver.received[0][1] == receiver.received[1][1]


def test_another_brand_cannot_replay(client, make, db, world):
    endpoint_for(db, world, "http://127.0.0.1:9/never", topics=["order.paid"])
    buy_and_pay(client, world)
    delivery = db.session.scalars(select(WebhookDelivery)).one()
    assert not replay_delivery(db.session, delivery.id, brand_id=make.brand().id, now=utcnow())


@pytest.mark.parametrize("url", ["ftp://example.com/x", "file:///etc/passwd", "javascript:alert(1)",
                                 "http://user:pw@example.com/", "example.com/hook"])
def test_only_http_urls(db, world, url):
    with pytest.raises(UnsafeUrl):
        register_endpoint(db.session, brand_id=world.brand.id, url=url, topics=["order.paid"], now=utcnow(),
                          allow_private=True)


@pytest.mark.parametrize("url", ["http://127.0.0.1/x", "http://localhost:8000/", "http://10.0.0.5/",
                                 "http://169.254.169.254/latest/meta-data", "http://[::1]/", "http://192.168.1.1/"])
def test_production_refuses_private_addresses(db, world, url):
    with pytest.raises(UnsafeUrl):
        register_endpoint(db.session, brand_id=world.brand.id, url=url, topics=["order.paid"], now=utcnow(),
                          allow_private=False)


def test_a_name_that_now_points_inside_is_refused_at_send_time(client, db, world):
    """Checked again at each delivery: DNS may change after the endpoint was saved (rebinding)."""
    receiver = Receiver()
    with running(receiver) as url:
        endpoint_for(db, world, url, topics=["order.paid"])
        buy_and_pay(client, world)
        assert deliver_due(db.session, now=utcnow(), allow_private=False) == (0, 1)
    assert receiver.received == []
    attempt = db.session.scalars(select(WebhookAttempt)).one()
    assert attempt.status_code is None and attempt.error.startswith("refused address")


def test_withdrawal_events_reach_the_brand(client, db, world):
    from mall.commission.withdrawals import approve_withdrawal, pay_withdrawal, request_withdrawal
    from mall.jobs.settle import settle_due
    from mall.orders.models import Order, OrderStatus
    from mall.unit_of_work import commit
    from tests.integration.commission_support import T0, days

    receiver = Receiver()
    with running(receiver) as url:
        endpoint_for(db, world, url, topics=["withdrawal.requested", "withdrawal.paid"])
        buy_and_pay(client, world)
        order = db.session.scalars(select(Order)).one()
        order.status, order.completed_at = OrderStatus.COMPLETED, T0
        db.session.commit()
        settle_due(db.session, now=T0 + days(30))
        withdrawal = request_withdrawal(db.session, partner_id=world.sharer.id, amount_fen=500, request_key="w" * 20,
                                        now=utcnow())
        approve_withdrawal(db.session, withdrawal.id, by_user_id=None, now=utcnow())
        pay_withdrawal(db.session, withdrawal.id, by_user_id=None, now=utcnow())
        commit(db.session)  # as a request would: its outbox rows are fanned out after the commit
        assert run(db, utcnow() + timedelta(seconds=1)) == (2, 0)
    events = [json.loads(body) for _, body in receiver.received]
    assert [e["type"] for e in events] == ["withdrawal.requested", "withdrawal.paid"]
    assert events[1]["data"]["amount_fen"] == 500 and events[1]["data"]["payout_ref"].startswith("MOCKPAY-")


def test_the_job_command(client, db, runner, world):
    receiver = Receiver()
    with running(receiver) as url:
        endpoint_for(db, world, url, topics=["order.paid"])
        buy_and_pay(client, world)
        result = runner.invoke(args=["mall", "deliver-webhooks"])
    assert "delivered 1 webhooks, 0 failed" in result.output
    assert len(receiver.received) == 1


def test_private_addresses_are_allowed_only_outside_production():
    from mall.webhooks.addresses import private_allowed

    assert private_allowed({"MALL_ENV": "development"}) is True
    assert private_allowed({"MALL_ENV": "production"}) is False


def test_order_follows_when_events_happened_not_when_they_were_fanned_out(db, world):
    """A later event fanned out first (the earlier one's fan-out was retried) still waits for the earlier one."""
    receiver = Receiver()
    with running(receiver) as url:
        endpoint = endpoint_for(db, world, url, topics=["order.paid", "order.completed"])
        now = utcnow()
        fanned_out = (("b" * 32, "order.completed", now), ("a" * 32, "order.paid", now - timedelta(days=1)))
        for event_id, topic, at in fanned_out:
            db.session.add(WebhookDelivery(endpoint_id=endpoint.id, brand_id=world.brand.id, event_id=event_id,
                                           topic=topic, payload={"order_id": 7}, sequence_key="order:7",
                                           occurred_at=at, status="pending", attempts=0, next_attempt_at=at))
        db.session.commit()
        assert run(db, now + timedelta(seconds=1)) == (2, 0)
    assert [json.loads(body)["type"] for _, body in receiver.received] == ["order.paid", "order.completed"]
