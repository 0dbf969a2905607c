"""One order through the API however many times, and however simultaneously, the same Idempotency-Key arrives."""
import threading

import pytest
from sqlalchemy import func, select

from mall.catalog.models import Sku
from mall.orders.models import Order
from tests.integration.api_support import World, bearer, order_body

SENDERS = 6


@pytest.mark.real_commits  # each request in its own thread, connection and transaction
def test_simultaneous_retries_make_one_order(app, db, make):
    world = World(make, db.session)
    body, headers = order_body(world), bearer(world.buyer_token, **{"Idempotency-Key": "retry-storm-0001"})
    db.session.commit()
    results: list = [None] * SENDERS
    start = threading.Barrier(SENDERS)

    def send(i: int) -> None:
        client = app.test_client()
        start.wait()
        response = client.post("/api/v1/orders", json=body, headers=headers)
        results[i] = (response.status_code, (response.get_json() or {}).get("number"))

    threads = [threading.Thread(target=send, args=(i,)) for i in range(SENDERS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert {code for code, _number in results} == {201}, results
    assert len({number for _code, number in results}) == 1
    assert db.session.scalar(select(func.count()).select_from(Order)) == 1
    assert db.session.scalar(select(Sku.stock).where(Sku.id == world.sku_id)) == 999
