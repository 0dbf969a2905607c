"""Posting webhook deliveries (`flask mall deliver-webhooks`): a job, so it owns its transactions.

Each delivery is claimed with a conditional UPDATE (a lease, as the outbox does), committed, posted with no
transaction open, and its outcome logged as a WebhookAttempt with the receiver's status code. A 2xx is
delivered; anything else backs off exponentially, up to LONGEST_WAIT between attempts, so a receiver that
comes back after an hour gets everything within minutes. Deliveries with the same sequence key (one order's
events) go in order: one waits while an earlier one of its key is still pending.
"""
import http.client
import json
import logging
import time
from datetime import timedelta
from urllib.parse import urlsplit

from sqlalchemy import and_, or_, select, update

from mall.database import plain_session
from mall.webhooks.addresses import UnsafeUrl, check_url
from mall.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint
from mall.webhooks.signing import HEADER, sign

log = logging.getLogger(__name__)
TIMEOUT_SECONDS = 5
LEASE = timedelta(seconds=6 * TIMEOUT_SECONDS)
FIRST_RETRY = timedelta(seconds=15)
LONGEST_WAIT = timedelta(minutes=10)
MAX_ATTEMPTS = 150  # about a day of retries; then the delivery is "failed" and can be replayed from the admin
BATCH = 200


def deliver_due(session, *, now, allow_private: bool, limit: int = BATCH) -> tuple[int, int]:
    """Try every due delivery once, in order; returns (delivered, failed). Commits per delivery."""
    session = plain_session(session)
    if session.in_transaction():
        session.commit()
    ids = session.scalars(select(WebhookDelivery.id).join(WebhookEndpoint)
                          .where(WebhookEndpoint.active.is_(True), *_claimable(now))
                          .order_by(WebhookDelivery.occurred_at, WebhookDelivery.id).limit(limit)).all()
    session.commit()
    results = [deliver(session, delivery_id, now=now, allow_private=allow_private) for delivery_id in ids]
    return sum(1 for r in results if r), sum(1 for r in results if r is False)


def deliver(session, delivery_id: int, *, now, allow_private: bool) -> bool | None:
    """Post one delivery: True delivered, False failed (retried later), None waiting its turn or claimed."""
    if _earlier_pending(session, delivery_id):
        session.commit()
        return None
    claimed = session.execute(update(WebhookDelivery).where(WebhookDelivery.id == delivery_id, *_claimable(now))
                              .values(claimed_until=now + LEASE, attempts=WebhookDelivery.attempts + 1)
                              .execution_options(synchronize_session=False)).rowcount
    if not claimed:
        session.rollback()
        return None
    delivery = session.scalars(select(WebhookDelivery).where(WebhookDelivery.id == delivery_id)
                               .execution_options(populate_existing=True)).one()
    url, secret, attempts = delivery.endpoint.url, delivery.endpoint.secret, delivery.attempts
    body = envelope(delivery)
    headers = {"Content-Type": "application/json", "User-Agent": "mall-webhooks/1", HEADER: sign(secret, body, now=now),
               "Mall-Event-Id": delivery.event_id, "Mall-Event-Type": delivery.topic}
    session.commit()  # the lease is taken; no transaction stays open while the receiver answers
    started = time.monotonic()
    status, error = post(url, body, headers, allow_private=allow_private)
    ok = status is not None and 200 <= status < 300
    values = {"claimed_until": None, "last_status_code": status}
    if ok:
        values.update(status="delivered", delivered_at=now)
    elif attempts >= MAX_ATTEMPTS:
        values.update(status="failed")
    else:
        values.update(next_attempt_at=now + backoff(attempts))
    session.add(WebhookAttempt(delivery_id=delivery_id, attempted_at=now, status_code=status, error=error[:200],
                               duration_ms=int((time.monotonic() - started) * 1000)))
    session.execute(update(WebhookDelivery).where(WebhookDelivery.id == delivery_id).values(**values)
                    .execution_options(synchronize_session=False))
    session.commit()
    return ok


def envelope(delivery: WebhookDelivery) -> bytes:
    """The body receivers get: the event's id (for de-duplication), its type, when it happened, its data."""
    return json.dumps({"id": delivery.event_id, "type": delivery.topic,
                       "created_at": delivery.occurred_at.isoformat() + "Z", "data": delivery.payload},
                      separators=(",", ":"), sort_keys=True, ensure_ascii=False).encode()


def post(url: str, body: bytes, headers: dict, *, allow_private: bool) -> tuple[int | None, str]:
    """POST without following redirects (a redirect could lead to a private address); (status, error)."""
    try:
        check_url(url, allow_private=allow_private)
    except UnsafeUrl as exc:
        return None, f"refused address: {exc.message}"
    parts = urlsplit(url)
    connection_class = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    connection = connection_class(parts.hostname, parts.port, timeout=TIMEOUT_SECONDS)
    path = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
    try:
        connection.request("POST", path, body=body, headers=headers)
        response = connection.getresponse()
        response.read(4096)
        return response.status, "" if 200 <= response.status < 300 else f"HTTP {response.status}"
    except (OSError, http.client.HTTPException) as exc:
        return None, f"{type(exc).__name__}: {exc}"
    finally:
        connection.close()


def backoff(attempts: int) -> timedelta:
    return min(FIRST_RETRY * 2 ** max(attempts - 1, 0), LONGEST_WAIT)


def _claimable(now) -> list:
    return [WebhookDelivery.status == "pending", WebhookDelivery.next_attempt_at <= now,
            (WebhookDelivery.claimed_until.is_(None)) | (WebhookDelivery.claimed_until < now)]


def _earlier_pending(session, delivery_id: int) -> bool:
    this = session.get(WebhookDelivery, delivery_id)
    if this is None or this.status != "pending":
        return False
    # By the time the event happened, then by fan-out: one transaction's events are fanned out in the order
    # they were published, but two transactions' rows may be fanned out in either order (a retried fan-out).
    earlier = or_(WebhookDelivery.occurred_at < this.occurred_at,
                  and_(WebhookDelivery.occurred_at == this.occurred_at, WebhookDelivery.id < this.id))
    return session.scalar(select(WebhookDelivery.id).where(
        WebhookDelivery.endpoint_id == this.endpoint_id, WebhookDelivery.sequence_key == this.sequence_key,
        earlier, WebhookDelivery.status == "pending").limit(1)) is not None
