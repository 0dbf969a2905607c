"""The mock provider's outbox: a callback that could not be delivered is retried, once, by the job."""
import threading
import time
from datetime import timedelta

import pytest
from sqlalchemy import select, update
from werkzeug.serving import make_server

from mall import create_app
from mall.clock import utcnow
from mall.orders.models import Order
from mall.payments.mock import delivery
from mall.payments.mock.models import MockEvent
from mall.payments.service import begin_payment
from tests.integration.payment_support import callback_count, pay, pending_order, start_payment


@pytest.fixture()
def undelivered(client, db, make, monkeypatch):
    """A paid charge whose callback hit a network error: the buyer paid, the mall does not know yet."""
    real_send = delivery._send

    def unreachable(app, url, body):
        raise delivery.DeliveryFailed("URLError: connection refused")

    monkeypatch.setattr(delivery, "_send", unreachable)
    order = pending_order(make, db.session)
    order_id = order.id
    assert pay(client, start_payment(db.session, order)).status_code == 303  # the buyer still gets back
    monkeypatch.setattr(delivery, "_send", real_send)
    db.session.expire_all()
    return order_id


def test_a_failed_delivery_is_recorded_and_the_order_waits(db, undelivered):
    event = db.session.scalars(select(MockEvent)).one()
    assert event.delivered_at is None and event.attempts == 1
    assert "connection refused" in event.last_error and event.locked_until is None
    assert db.session.get(Order, undelivered).status == "pending_payment"


def test_deliver_callbacks_delivers_an_undelivered_event_exactly_once(runner, db, undelivered, monkeypatch):
    sent = []
    real_send = delivery._send
    monkeypatch.setattr(delivery, "_send", lambda app, url, body: (sent.append(body), real_send(app, url, body)))
    db.session.commit()

    first = runner.invoke(args=["mall", "deliver-callbacks"])
    second = runner.invoke(args=["mall", "deliver-callbacks"])
    assert first.exit_code == 0 and "delivered 1, failed 0" in first.output
    assert "delivered 0, failed 0" in second.output
    assert len(sent) == 1
    db.session.expire_all()
    event = db.session.scalars(select(MockEvent)).one()
    assert event.delivered_at is not None and event.attempts == 2 and event.last_error == ""
    assert db.session.get(Order, undelivered).status == "paid"
    assert callback_count(db.session) == 1


def test_an_event_claimed_by_another_host_is_left_alone(app, runner, db, undelivered):
    # Another host is sending it right now: its lease has not run out.
    db.session.execute(update(MockEvent).values(locked_until=utcnow() + timedelta(seconds=30)))
    db.session.commit()
    assert "delivered 0, failed 0" in runner.invoke(args=["mall", "deliver-callbacks"]).output
    # The lease of a host that died mid-send runs out, and the event is picked up again.
    db.session.execute(update(MockEvent).values(locked_until=utcnow() - timedelta(seconds=1)))
    db.session.commit()
    assert delivery.deliver_pending(app) == (1, 0)
    db.session.expire_all()
    assert db.session.get(Order, undelivered).status == "paid"


def test_an_event_the_merchant_refuses_stays_in_the_outbox(app, db, undelivered):
    db.session.execute(update(MockEvent).values(body='{"tampered": true}'))
    db.session.commit()
    assert delivery.deliver_pending(app) == (0, 1)
    db.session.expire_all()
    event = db.session.scalars(select(MockEvent)).one()
    assert event.delivered_at is None and event.last_error == "HTTP 400"


@pytest.fixture()
def live_mall(app, db):
    """The mall served on a loopback port, for callbacks that travel over real HTTP."""
    live = create_app({**app.config, "SERVER_NAME": None})
    server = make_server("127.0.0.1", 0, live, threaded=True)
    base = f"http://127.0.0.1:{server.server_port}"
    live.config.update(PUBLIC_BASE_URL=base, TRUSTED_HOSTS=["127.0.0.1"])  # its one address, known once bound
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield base
    server.shutdown()
    thread.join(timeout=5)


@pytest.mark.real_commits  # a live server in another thread, on its own connection
def test_over_http_a_background_thread_delivers_the_callback(app, client, db, make, monkeypatch, live_mall):
    monkeypatch.setitem(app.config, "MOCK_PAY_DELIVERY", "http")
    order = pending_order(make, db.session)
    order_id = order.id
    url = begin_payment(db.session, order, return_url=f"{live_mall}/o/{order.token}",
                        notify_url=f"{live_mall}/payments/mock/notify")
    assert pay(client, url.rsplit("/", 1)[1]).status_code == 303  # answered without waiting for the mall
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:  # the thread records the delivery just after the mall answers
        db.session.expire_all()
        delivered = db.session.scalars(select(MockEvent.delivered_at)).one()
        db.session.commit()
        if delivered:
            break
        time.sleep(0.05)
    assert db.session.get(Order, order_id).status == "paid"
    event = db.session.scalars(select(MockEvent)).one()
    assert event.delivered_at is not None and event.attempts == 1


def test_over_http_an_unreachable_mall_is_recorded_for_the_retry_job(app, db, monkeypatch):
    monkeypatch.setitem(app.config, "MOCK_PAY_DELIVERY", "http")
    event_id = "evt_" + "x" * 20
    db.session.add(MockEvent(id=event_id, charge_id="ch_x", body="{}", notify_url="http://127.0.0.1:9/notify"))
    db.session.commit()
    assert delivery.deliver(app, event_id) is False
    db.session.expire_all()
    event = db.session.get(MockEvent, event_id)
    assert event.delivered_at is None and event.attempts == 1 and "URLError" in event.last_error
