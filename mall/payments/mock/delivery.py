"""Sending the mock provider's signed callbacks from its outbox (mock_events) to the merchant.

MOCK_PAY_DELIVERY = "http": a background thread POSTs the event, like a real provider, so the buyer's
redirect never waits for the merchant. "wsgi": synchronously through the app's test client (tests),
still through the real endpoint and its signature check. Undelivered events are retried by
`flask mall deliver-callbacks`. Each send first claims the event with a conditional update (a short
lease), so the immediate send and retries on several hosts never post the same event at once.
"""
import http.client
import logging
import threading
import urllib.error
import urllib.request
from datetime import timedelta

from flask import Flask, current_app
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from mall.clock import utcnow
from mall.extensions import db
from mall.payments.mock.models import MockEvent
from mall.payments.signing import HEADER, signature_header

log = logging.getLogger(__name__)
HTTP_TIMEOUT_SECONDS = 5
# How long a claim keeps other senders off an event. It must outlast one normal delivery (the HTTP
# timeout of 5 s, plus signing and recording), or a slow but healthy send would be sent again by
# another host; 15 s is three timeouts. It must also be short: when the worker that claimed the event
# dies, nobody sends it until the lease runs out, while the buyer, already charged, waits (the order
# page says "payment being confirmed" meanwhile). A duplicate send is harmless (the mall applies each
# event id once), a long wait is not, so the margin is kept small.
LEASE = timedelta(seconds=3 * HTTP_TIMEOUT_SECONDS)
MAX_ATTEMPTS = 16  # a real provider gives up after a few days of retries, then a person looks


class DeliveryFailed(Exception):
    """The merchant did not answer 2xx; the event stays in the outbox for a retry."""


def dispatch(event_id: str) -> None:
    """Deliver a fresh event the configured way (call after the event is committed)."""
    app = current_app._get_current_object()
    if app.config["MOCK_PAY_DELIVERY"] == "wsgi":
        deliver(app, event_id)
    else:
        threading.Thread(target=deliver, args=(app, event_id), name=f"deliver-{event_id}", daemon=True).start()


def deliver_pending(app: Flask) -> tuple[int, int]:
    """Try every undelivered, unclaimed event once; returns (delivered, failed)."""
    with app.app_context(), Session(db.engine) as session:
        ids = session.scalars(select(MockEvent.id).where(*_claimable(utcnow())).order_by(MockEvent.created_at)).all()
    results = [deliver(app, event_id) for event_id in ids]
    return sum(1 for r in results if r), sum(1 for r in results if r is False)


def deliver(app: Flask, event_id: str) -> bool | None:
    """Claim, send and record one event; True delivered, False failed, None claimed elsewhere or done."""
    with app.app_context(), Session(db.engine) as session:
        now = utcnow()
        claimed = session.execute(
            update(MockEvent).where(MockEvent.id == event_id, *_claimable(now))
            .values(locked_until=now + LEASE, attempts=MockEvent.attempts + 1)).rowcount
        session.commit()
        if not claimed:
            return None
        event = session.get(MockEvent, event_id)
        body, url = event.body.encode(), event.notify_url
        session.commit()  # hold no transaction while the merchant (maybe this very database) works
        error = ""
        try:
            _send(app, url, body)
        except DeliveryFailed as exc:
            error = str(exc)[:200] or "failed"
            log.warning("callback %s to %s failed: %s", event_id, url, error)
        values = {"locked_until": None, "last_error": error}
        if not error:
            values["delivered_at"] = utcnow()
        session.execute(update(MockEvent).where(MockEvent.id == event_id).values(**values))
        session.commit()
        return not error


def _claimable(now):
    return (MockEvent.delivered_at.is_(None), MockEvent.attempts < MAX_ATTEMPTS,
            or_(MockEvent.locked_until.is_(None), MockEvent.locked_until < now))


def _send(app: Flask, url: str, body: bytes) -> None:
    # Signed at each attempt, as Stripe does: the receiver accepts only fresh timestamps, and a retry
    # may come hours after the event.
    headers = {"Content-Type": "application/json",
               HEADER: signature_header(app.config["PAYMENT_WEBHOOK_SECRET"], body, now=utcnow())}
    if not url.startswith(("http://", "https://")):  # never file: or any other scheme urllib would open
        raise DeliveryFailed(f"refusing to deliver to {url[:40]!r}")
    if app.config["MOCK_PAY_DELIVERY"] == "wsgi":
        # The whole URL, so the request carries its host as the Host header (checked like any other).
        # A fresh app context: the endpoint's session is closed when it pops, before we record the result.
        with app.app_context():
            status = app.test_client().post(url, data=body, headers=headers).status_code
    else:
        request = urllib.request.Request(url, data=body, headers=headers, method="POST")
        try:
            # The URL is the notify URL the mall built from its configured base (mall/urls.py), checked http(s) above.
            with urllib.request.urlopen(request, timeout=HTTP_TIMEOUT_SECONDS) as response:  # nosec B310
                status = response.status
        except urllib.error.HTTPError as exc:
            status = exc.code
        except (urllib.error.URLError, http.client.HTTPException, OSError, ValueError) as exc:
            raise DeliveryFailed(f"{type(exc).__name__}: {exc}") from exc
    # Like Stripe: anything but a 2xx means "try again later".
    if not 200 <= status < 300:
        raise DeliveryFailed(f"HTTP {status}")
