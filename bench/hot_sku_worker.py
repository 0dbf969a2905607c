"""One of bench.hot_sku's buyer processes: the buy, the payment's start and the paid callback, each in its own
transaction as its request owns it, back to back; how long each took and how long it held the hot rows."""
import secrets
import time
import traceback

from sqlalchemy import event

from mall import create_app
from mall.clock import utcnow
from mall.extensions import db
from mall.orders.checkout import CheckoutRequest, OutOfStock, place_order
from mall.payments.mock.charges import event_body
from mall.payments.mock.models import MockCharge
from mall.payments.service import begin_payment, handle_callback
from mall.payments.signing import HEADER, signature_header
from mall.unit_of_work import commit, rollback
from mall.urls import notify_url, public_url

HELD_ROWS = {"stock row": "UPDATE skus", "roll-up day row": "INSERT INTO report_daily_sales"}


class Buyer:
    def __init__(self, setup: dict, number: int):
        self.app = create_app()
        self.context = self.app.app_context()
        self.context.push()
        self.number, self.visitors = number, setup["visitors"]
        self.turn = number
        self.held = {name: [] for name in HELD_ROWS}
        self.taken: dict[str, float] = {}
        engine = db.engine
        event.listen(engine, "before_cursor_execute", self._statement)
        event.listen(engine, "commit", self._commit)
        event.listen(engine, "rollback", lambda conn: self.taken.clear())

    def _statement(self, conn, cursor, statement, parameters, context, executemany) -> None:
        for name, prefix in HELD_ROWS.items():
            if name not in self.taken and statement.startswith(prefix):
                self.taken[name] = time.perf_counter()

    def _commit(self, conn) -> None:
        # "commit" fires before the COMMIT is sent: the lock is held a round trip longer than measured here.
        ended = time.perf_counter()
        for name, began in self.taken.items():
            self.held[name].append((ended - began) * 1000)
        self.taken.clear()

    def checkout(self, sku_id: int) -> dict[str, float]:
        """Buy one unit and pay; the duration of each transaction in ms. Raises OutOfStock."""
        session, began = db.session, time.perf_counter()
        request = CheckoutRequest(sku_id=sku_id, quantity=1, contact_name="王小明", contact_phone="13800138000",
                                  delivery="ship", address="上海市静安区南京西路 1 号",
                                  idempotency_key=secrets.token_urlsafe(16),
                                  visitor_key=self.visitors[self.turn % len(self.visitors)])
        try:
            order = place_order(session, request, now=utcnow())
        except OutOfStock:
            rollback(session)
            raise
        commit(session)
        placed = time.perf_counter()
        redirect = begin_payment(session, order, provider_name="mock", notify_url=notify_url("mock"),
                                 return_url=public_url("orders.show", token=order.token, paying=1))
        charge_id = redirect.rsplit("/", 1)[1]
        commit(session)
        paying = time.perf_counter()
        # What the provider posts once the card went through (mall.payments.mock.delivery sends the same).
        body = event_body("evt_" + secrets.token_urlsafe(18), session.get(MockCharge, charge_id), succeeded=True,
                          now=utcnow()).encode()
        headers = {HEADER: signature_header(self.app.config["PAYMENT_WEBHOOK_SECRET"], body, now=utcnow())}
        outcome = handle_callback(session, "mock", headers, body, now=utcnow())
        commit(session)
        if outcome != "paid":
            raise RuntimeError(f"callback: {outcome}")
        ended = time.perf_counter()
        return {"place": (placed - began) * 1000, "pay": (paying - placed) * 1000, "callback": (ended - paying) * 1000}

    def loop(self, plan: dict) -> dict:
        """Checkouts back to back for plan['seconds'], or plan['buyers_each'] buyers (stopping at sold out)."""
        for name in self.held:
            self.held[name].clear()
        found = {"place": [], "pay": [], "callback": [], "paid": 0, "sold_out": 0, "errors": []}
        skus, deadline = plan["skus"], time.monotonic() + plan.get("seconds", 3600)
        buyers, attempt = plan.get("buyers_each"), 0
        while time.monotonic() < deadline and (buyers is None or attempt < buyers):
            # Buyer n starts 25 SKUs after buyer n-1: spread over 200 SKUs, 8 buyers never meet on one.
            sku = skus[(self.number * 25 + attempt) % len(skus)]
            attempt += 1
            self.turn += 1
            try:
                for step, ms in self.checkout(sku).items():
                    found[step].append(ms)
                found["paid"] += 1
            except OutOfStock:
                found["sold_out"] += 1
            except Exception:  # noqa: BLE001 - counted and shown, the run goes on
                rollback(db.session)
                found["errors"].append(traceback.format_exc(limit=3)[-400:])
        return {**found, **self.held}
