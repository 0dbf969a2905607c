"""Shared steps of the payment tests: a pending order, a started payment, a card submit, a signed callback."""
import json
import secrets

from sqlalchemy import func, select

from mall.clock import utcnow
from mall.orders.checkout import CheckoutRequest, place_order
from mall.payments.models import PaymentCallback
from mall.payments.service import begin_payment
from mall.payments.signing import HEADER, signature_header
from tests.conftest import csrf_from

EN = {"Accept-Language": "en"}
NOTIFY_URL = "http://localhost/payments/mock/notify"
GOOD_CARD = "4242 4242 4242 4242"
DECLINED_CARD = "4000 0000 0000 0002"
FAILING_CARD = "4000 0000 0000 0119"


def pending_order(make, session, *, price_fen: int = 12800, quantity: int = 1, stock: int = 5):
    product = make.product(title="Jasmine Tea", skus=(("250g", price_fen, stock),))
    request = CheckoutRequest(sku_id=product.skus[0].id, quantity=quantity, contact_name="王小明",
                              contact_phone="13800138000", delivery="ship", address="上海市静安区南京西路 1 号",
                              idempotency_key=secrets.token_urlsafe(16))
    return place_order(session, request, now=utcnow())


def start_payment(session, order) -> str:
    """Begin a mock payment for the order; returns the charge id (the last part of the redirect URL)."""
    url = begin_payment(session, order, return_url=f"http://localhost/o/{order.token}?paying=1",
                        notify_url=NOTIFY_URL)
    return url.rsplit("/", 1)[1]


def pay(client, charge_id: str, card: str = GOOD_CARD, expiry: str = "12/39", cvc: str = "123"):
    """Open the mock payment page and submit the card form, as a buyer would."""
    page = client.get(f"/mockpay/{charge_id}", headers=EN)
    assert page.status_code == 200
    data = {"card_number": card, "expiry": expiry, "cvc": cvc, "csrf_token": csrf_from(page.get_data(as_text=True))}
    return client.post(f"/mockpay/{charge_id}", data=data, headers=EN)


def event(charge_id: str, merchant_ref: str, amount_fen: int, *, type_: str = "payment.succeeded",
          event_id: str | None = None) -> dict:
    return {"id": event_id or "evt_" + secrets.token_hex(8), "type": type_, "created": 0,
            "data": {"charge": charge_id, "merchant_ref": merchant_ref, "amount_fen": amount_fen,
                     "currency": "CNY", "failure_reason": "" if type_ == "payment.succeeded" else "processing_error"}}


def signed(payload, secret: str = "test-webhook-secret", now=None) -> tuple[bytes, dict]:
    body = payload if isinstance(payload, bytes) else json.dumps(payload).encode()
    return body, {HEADER: signature_header(secret, body, now=now or utcnow()), "Content-Type": "application/json"}


def post_callback(client, payload, **kw):
    body, headers = signed(payload, **kw)
    return client.post("/payments/mock/notify", data=body, headers=headers)


def callback_count(session) -> int:
    return session.scalar(select(func.count()).select_from(PaymentCallback))
