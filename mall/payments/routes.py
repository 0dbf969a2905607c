"""The endpoint a payment provider calls: POST /payments/<provider>/notify.

CSRF-exempt because the provider's signature replaces the CSRF token: an unsigned or tampered body
is refused with a 400 before anything is read from it.
"""
from flask import Blueprint, Response, abort, current_app, request

from mall.clock import utcnow
from mall.extensions import csrf, db
from mall.payments.provider import InvalidCallback, UnknownProvider
from mall.payments.service import handle_callback
from mall.ratelimits import CALLBACK, CALLBACK_REFUSED, limited

bp = Blueprint("payments", __name__)
MAX_CALLBACK_BYTES = 64 * 1024


@bp.post("/payments/<provider>/notify")
@csrf.exempt
@limited(CALLBACK, CALLBACK_REFUSED)  # a refusal is a 429 with Retry-After: providers retry later
def notify(provider: str):
    if provider != current_app.config["PAYMENT_PROVIDER"]:
        abort(404)  # only the configured provider is heard: in production the mock's callbacks do not exist
    if (request.content_length or 0) > MAX_CALLBACK_BYTES:
        abort(413)
    try:
        outcome = handle_callback(db.session, provider, request.headers, request.get_data(), now=utcnow())
    except UnknownProvider:
        abort(404)
    except InvalidCallback:  # a 400: mall.unit_of_work rolls back whatever was read or written
        return Response("invalid callback", status=400, mimetype="text/plain")
    # Processed, duplicate or recorded-but-refused: all answered 200 so the provider stops retrying.
    return Response("ok", status=200, mimetype="text/plain", headers={"Mall-Outcome": outcome})
