"""After an order is placed: send the buyer to the provider, from the product page and from a live room alike."""
from flask import current_app, flash, redirect, url_for

from mall.extensions import db
from mall.payments.provider import provider_available
from mall.payments.service import PaymentError, PaymentsUnavailable, begin_payment, order_to_pay
from mall.urls import notify_url, public_url


def to_payment(order):
    """Send the buyer to the provider; an order that is past paying (a replayed submit) opens its page."""
    provider = current_app.config["PAYMENT_PROVIDER"]
    order = order_to_pay(db.session, order)
    try:
        if not provider_available(provider):
            raise PaymentsUnavailable()  # checked first: there is no callback address for no provider
        # Both addresses from PUBLIC_BASE_URL: the provider keeps them, and a Host header must not choose them.
        target = begin_payment(db.session, order, provider_name=provider,
                               return_url=public_url("orders.show", token=order.token, paying=1),
                               notify_url=notify_url(provider))
    except PaymentError as err:
        flash(err.message, "error")
        target = url_for("orders.show", token=order.token)
    return redirect(target, code=303)
