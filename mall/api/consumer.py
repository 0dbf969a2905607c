"""Consumer operations: the calls a mini-program makes for its signed-in buyer (personal access token).

Each one calls the service the pages call: the product page's lookup, the share link's touch (or the live room
invitation's), the buy button's checkout (or the live room's), the order page's payment and refund request.
"""
from flask import current_app

from mall import unit_of_work
from mall.api.auth import CONSUMER, current_token
from mall.api.blueprint import bp
from mall.api.idempotency import body_hash, domain_key, remember, replayed, request_key
from mall.api.operations import operation, respond
from mall.api.problems import ApiProblem
from mall.api.schemas.common import OrderOut, RefundOut
from mall.api.schemas.consumer import (
    MockCardIn,
    MockPayOut,
    OrderIn,
    PaymentOut,
    ProductOut,
    RefundIn,
    TouchIn,
    TouchOut,
)
from mall.catalog.pages import published_product_by_code
from mall.catalog.pricing import unit_price_fen
from mall.clock import utcnow
from mall.content.pool import public_item
from mall.extensions import db
from mall.live.buying import buy_in_room
from mall.live.queries import room_by_code
from mall.live.viewers import invited
from mall.orders.checkout import CheckoutError, CheckoutRequest, place_order
from mall.orders.queries import order_by_number
from mall.orders.refunds import RefundError, request_refund
from mall.payments.mock.charges import attempt_charge
from mall.payments.mock.delivery import dispatch
from mall.payments.mock.forms import card_digits, luhn_ok
from mall.payments.mock.models import MockCharge
from mall.payments.provider import provider_available
from mall.payments.service import PaymentError, begin_payment
from mall.ratelimits import touch_allowed
from mall.referral.service import partner_by_code, record_visit
from mall.urls import notify_url, public_url

TAG = "consumer"


def visitor_key(user_id: int) -> str:
    """A token's buyer has no browser cookie: their touches and bindings hang on one key per user."""
    return f"api-user-{user_id}"


@operation(bp, "/products/<code>", summary="A published product and its SKUs, by its short code", tag=TAG,
           audience=CONSUMER, response=ProductOut())
def product(code: str):
    found = published_product_by_code(db.session, code) or _not_found("product")
    now = utcnow()
    return {"code": found.code, "title": found.title, "subtitle": found.subtitle, "brand": found.brand.slug,
            "url": public_url("catalog.product", code=found.code),
            "skus": [{"id": sku.id, "name": sku.name, "price_fen": unit_price_fen(sku, found, now),
                      "list_price_fen": sku.list_price_fen, "stock": sku.stock} for sku in found.skus]}


@operation(bp, "/touches", "POST", summary="Record that the buyer arrived through a partner's referral code",
           tag=TAG, audience=CONSUMER, body=TouchIn(), response=TouchOut(), status=201)
def touch(body: dict):
    """As opening the partner's share link does: the touch may bind the buyer to the partner (and guide)
    under the brand's binding rule, and it credits the buyer's next order."""
    partner = partner_by_code(db.session, body["referral_code"])
    if partner is None:
        raise ApiProblem("validation-failed", errors=[{"field": "referral_code", "message": "Unknown referral code."}])
    user_id = current_token().user_id
    if body["live_room_code"]:
        room = room_by_code(db.session, body["live_room_code"])
        if room is None or room.brand_id != partner.brand_id:
            raise ApiProblem("validation-failed", errors=[{"field": "live_room_code",
                                                          "message": "No such live room of the partner's brand."}])
        if touch_allowed():
            invited(db.session, room, partner.code, visitor_key(user_id), user_id=user_id, now=utcnow())
            return {"recorded": True}
        return {"recorded": False}
    if body["content_code"]:
        item = public_item(db.session, body["content_code"], utcnow())
        if item is None or item.brand_id != partner.brand_id:
            raise ApiProblem("validation-failed", errors=[{"field": "content_code",
                                                          "message": "No such content item of the partner's brand."}])
        if not touch_allowed():
            return {"recorded": False}
        touched = record_visit(db.session, brand_id=item.brand_id, partner_code=partner.code, channel="content",
                               target=f"content:{item.code}", content_item_id=item.id,
                               visitor_key=visitor_key(user_id), user_id=user_id, now=utcnow())
        return {"recorded": touched is not None}
    target = "home"
    if body["product_code"]:
        found = published_product_by_code(db.session, body["product_code"])
        if found is None or found.brand_id != partner.brand_id:
            raise ApiProblem("validation-failed", errors=[{"field": "product_code",
                                                          "message": "No such product of the partner's brand."}])
        target = f"product:{found.code}"
    if not touch_allowed():
        return {"recorded": False}
    touched = record_visit(db.session, brand_id=partner.brand_id, partner_code=partner.code, channel="link",
                           target=target, visitor_key=visitor_key(user_id), user_id=user_id, now=utcnow())
    return {"recorded": touched is not None}


@operation(bp, "/orders", "POST", summary="Place an order (Idempotency-Key required)", tag=TAG, audience=CONSUMER,
           body=OrderIn(), response=OrderOut(), status=201, idempotent=True)
def create_order(body: dict):
    """Stock is taken at once; the order waits for payment (POST /orders/{number}/payment)."""
    token, key, digest = current_token(), request_key(), body_hash(body)
    earlier = replayed(db.session, token_id=token.id, operation="orders.create", key=key, digest=digest)
    if earlier is not None:
        return earlier
    if not provider_available(current_app.config["PAYMENT_PROVIDER"]):
        raise ApiProblem("refused", "Online payment is not available at the moment.")
    fields = dict(body)
    room_code = fields.pop("live_room_code")
    room = room_by_code(db.session, room_code) if room_code else None
    if room_code and room is None:
        raise ApiProblem("validation-failed", errors=[{"field": "live_room_code", "message": "No such live room."}])
    request = CheckoutRequest(idempotency_key=domain_key(token.id, "orders.create", key), user_id=token.user_id,
                              visitor_key=visitor_key(token.user_id), **fields)
    try:
        if room is not None:
            order = buy_in_room(db.session, room, request, now=utcnow())  # the room's shelf and price
        else:
            order = place_order(db.session, request, now=utcnow())
    except CheckoutError as err:
        raise _refusal(err) from err
    if order.user_id != token.user_id:  # cannot happen: the key is derived from the token
        raise ApiProblem("conflict")
    dumped = OrderOut().dump(order)
    remember(db.session, token_id=token.id, operation="orders.create", key=key, digest=digest, status=201,
             body=dumped, now=utcnow())
    return respond(None, dumped, 201)  # dumped already: the replay answers this very body


@operation(bp, "/orders/<number>", summary="One of the buyer's orders: status, lines, refunds", tag=TAG,
           audience=CONSUMER, response=OrderOut())
def order(number: str):
    return _own_order(number)


@operation(bp, "/orders/<number>/payment", "POST", summary="Start paying an order; returns where to pay",
           tag=TAG, audience=CONSUMER, response=PaymentOut(), status=201)
def pay(number: str):
    found = _own_order(number)
    provider = current_app.config["PAYMENT_PROVIDER"]
    if not provider_available(provider):
        raise ApiProblem("refused", "Online payment is not available at the moment.")
    try:
        url = begin_payment(db.session, found, provider_name=provider, notify_url=notify_url(provider),
                            return_url=public_url("orders.show", token=found.token, paying=1))
    except PaymentError as err:
        raise ApiProblem("conflict", str(err.message)) from err
    charge_id = url.rstrip("/").rsplit("/", 1)[-1] if provider == "mock" else None
    return {"payment_url": url, "charge_id": charge_id}


@operation(bp, "/mockpay/<charge_id>", "POST", summary="Pay a mock charge with a test card (development only)",
           tag=TAG, audience=CONSUMER, body=MockCardIn(), response=MockPayOut())
def mock_pay(charge_id: str, body: dict):
    """The mock provider's card form as a call; its signed callback then marks the order paid."""
    if current_app.config["PAYMENT_PROVIDER"] != "mock":
        _not_found("charge")
    charge = db.session.get(MockCharge, charge_id) if len(charge_id) <= 40 else None
    if charge is None:
        _not_found("charge")
    digits = card_digits(body["card_number"])
    if not (digits.isascii() and digits.isdigit() and luhn_ok(digits)):
        raise ApiProblem("validation-failed", errors=[{"field": "card_number", "message": "Not a card number."}])
    outcome, event_id = attempt_charge(db.session, charge, card_digits=digits, now=utcnow())
    if event_id:
        unit_of_work.commit()  # the charge is the provider's fact: kept before its callback is sent
        dispatch(event_id)
    return {"outcome": str(outcome)}


@operation(bp, "/orders/<number>/refunds", "POST", summary="Ask for a refund of an order, whole or in part",
           tag=TAG, audience=CONSUMER, body=RefundIn(), response=RefundOut(), status=201)
def refund(number: str, body: dict):
    found = _own_order(number)
    items = [(item["line_id"], item["amount_fen"]) for item in body["items"]] if body["items"] else None
    try:
        return request_refund(db.session, found.id, items=items, reason=body["reason"], now=utcnow())
    except RefundError as err:
        raise ApiProblem("refused", str(err.message)) from err


def _own_order(number: str):
    found = order_by_number(db.session, number, None)
    if found is None or found.user_id != current_token().user_id:
        _not_found("order")  # another buyer's order is simply not found
    return found


def _not_found(what: str):
    raise ApiProblem("not-found", f"No such {what}.")


def _refusal(err: CheckoutError) -> ApiProblem:
    if err.field:
        return ApiProblem("validation-failed", errors=[{"field": err.field, "message": str(err.message)}])
    return ApiProblem("refused", str(err.message))
