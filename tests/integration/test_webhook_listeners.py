"""The outbox keeps a webhook topic's event only for a brand that has an active endpoint choosing that topic
when the event is published (mall.outbox.queue, mall.webhooks.fanout.listening_brands): no rows for nobody,
and for a listener the same per-order rows and deliveries as ever."""
import pytest
from sqlalchemy import func, select

from mall.clock import utcnow
from mall.commission.events import CommissionSettled
from mall.events import publish_many
from mall.jobs.settle import settle_due
from mall.outbox.models import OutboxEvent
from mall.unit_of_work import commit
from mall.webhooks.endpoints import disable_endpoint, register_endpoint
from mall.webhooks.models import WebhookDelivery
from mall.webhooks.topics import TOPICS
from tests.integration.api_support import World, buy_and_pay
from tests.integration.commission_support import T0, Books, days

NOW = T0 + days(30)  # freeze 7 days: orders completed at T0 + 12 days are due
SETTLED = "commission.settled"


def books_with_orders(make, session, prices=(10000, 20000, 30000)) -> tuple[Books, list]:
    books = Books(make, session, freeze_days=7, withdraw_min_fen=1)
    orders = []
    for price in prices:
        order = books.paid_order([(price, 1)], credit=books.credit(), at=T0 + days(10))
        books.complete(order, at=T0 + days(12))
        orders.append(order)
    return books, orders


def listen(session, brand_id: int, topics, *, active: bool = True):
    endpoint = register_endpoint(session, brand_id=brand_id, url="https://example.com/hook", topics=list(topics),
                                 now=T0, allow_private=True)
    if not active:
        assert disable_endpoint(session, endpoint.id, brand_id=brand_id, now=T0)
    session.commit()
    return endpoint


def rows(session, topic: str) -> list[OutboxEvent]:
    """The topic's outbox rows by order (their ids are random)."""
    kept = session.scalars(select(OutboxEvent).where(OutboxEvent.topic == topic))
    return sorted(kept, key=lambda row: row.payload["order_id"])


def deliveries(session) -> list[WebhookDelivery]:
    """By order: deliveries keep an order among one order's events (sequence_key), none among orders."""
    return sorted(session.scalars(select(WebhookDelivery)), key=lambda d: (d.payload["order_id"], d.id))


@pytest.mark.parametrize("listener", ["none", "another topic", "another brand", "switched off"])
def test_settlement_without_a_listener_writes_no_outbox_row_and_no_delivery(make, db, listener):
    books, _orders = books_with_orders(make, db.session)
    if listener == "another topic":
        listen(db.session, books.brand.id, ["order.paid", "commission.reversed"])
    elif listener == "another brand":
        listen(db.session, make.brand().id, [SETTLED])
    elif listener == "switched off":
        listen(db.session, books.brand.id, [SETTLED], active=False)
    assert settle_due(db.session, now=NOW) == 3 * 3  # sharer, upline, store per order: settled all the same
    assert rows(db.session, SETTLED) == []
    assert deliveries(db.session) == []
    assert books.balances(books.sharer)["available"] == (10000 + 20000 + 30000) // 10


def test_a_listener_gets_one_row_and_delivery_per_order_in_order_as_before(make, db):
    books, orders = books_with_orders(make, db.session)
    quiet, _ = books_with_orders(make, db.session)  # settled in the same run, nobody listening
    endpoint = listen(db.session, books.brand.id, [SETTLED])
    assert settle_due(db.session, now=NOW) == 2 * 3 * 3
    kept = rows(db.session, SETTLED)
    assert [(row.payload["brand_id"], row.payload["order_id"], row.payload["shares"], row.payload["amount_fen"])
            for row in kept] == [(books.brand.id, order.id, 3, price * 1700 // 10000)
                                 for order, price in zip(orders, (10000, 20000, 30000), strict=True)]
    assert all(row.delivered_at is not None and row.created_at == NOW for row in kept)
    sent = deliveries(db.session)
    assert [(d.endpoint_id, d.event_id, d.topic, d.sequence_key, d.payload) for d in sent] == [
        (endpoint.id, row.id, SETTLED, f"order:{row.payload['order_id']}", row.payload) for row in kept]
    assert quiet.balances(quiet.sharer)["available"] == books.balances(books.sharer)["available"]


def test_an_endpoint_receives_what_is_published_after_its_registration(make, db):
    books, _first = books_with_orders(make, db.session, prices=(10000,))
    assert settle_due(db.session, now=NOW) == 3
    later = books.paid_order([(20000, 1)], credit=books.credit(), at=T0 + days(10))
    books.complete(later, at=T0 + days(12))
    endpoint = listen(db.session, books.brand.id, [SETTLED])
    assert settle_due(db.session, now=NOW) == 3
    assert [row.payload["order_id"] for row in rows(db.session, SETTLED)] == [later.id]
    assert [(d.endpoint_id, d.payload["order_id"]) for d in deliveries(db.session)] == [(endpoint.id, later.id)]


def test_a_batch_of_several_brands_keeps_only_the_listening_brands_events(make, db):
    listening, silent = make.brand(), make.brand()
    listen(db.session, listening.id, [SETTLED])
    events = [CommissionSettled(order_id=n, brand_id=brand.id, shares=1, amount_fen=n, now=NOW)
              for n, brand in enumerate((listening, silent, listening, silent), start=1)]
    publish_many(db.session, events)
    db.session.commit()
    assert [(row.id, row.payload["order_id"]) for row in rows(db.session, SETTLED)] == [
        (events[0].event_id, 1), (events[2].event_id, 3)]


def test_a_request_event_is_kept_only_for_the_topics_an_endpoint_chose(client, make, db):
    silent, listening = World(make, db.session), World(make, db.session)
    endpoint = register_endpoint(db.session, brand_id=listening.brand.id, url="https://example.com/hook",
                                 topics=["order.paid"], now=utcnow(), allow_private=True)
    db.session.commit()
    buy_and_pay(client, silent)
    webhook_topics = OutboxEvent.topic.in_(list(TOPICS))
    assert db.session.scalar(select(func.count()).select_from(OutboxEvent).where(webhook_topics)) == 0
    buy_and_pay(client, listening)  # its commission.accrued is chosen by nobody: not kept either
    kept = list(db.session.scalars(select(OutboxEvent).where(webhook_topics)))
    assert [(row.topic, row.payload["brand_id"]) for row in kept] == [("order.paid", listening.brand.id)]
    assert [(d.endpoint_id, d.event_id, d.topic) for d in deliveries(db.session)] == [
        (endpoint.id, kept[0].id, "order.paid")]


def test_one_orders_events_in_one_bulk_fan_out_keep_their_order(make, db):
    brand = make.brand()
    endpoint = listen(db.session, brand.id, [SETTLED])
    events = [CommissionSettled(order_id=7, brand_id=brand.id, shares=n, amount_fen=n, now=NOW) for n in range(12)]
    publish_many(db.session, events)
    commit(db.session)  # delivers the outbox rows it wrote, in bulk
    sent = db.session.scalars(select(WebhookDelivery).order_by(WebhookDelivery.id)).all()
    assert [(d.endpoint_id, d.sequence_key, d.event_id) for d in sent] == [
        (endpoint.id, "order:7", event.event_id) for event in events]
