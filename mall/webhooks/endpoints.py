"""A brand's webhook endpoints: register, switch off, replay a delivery. Callers commit."""
import secrets
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update

from mall.audit.service import record
from mall.domain import DomainError
from mall.webhooks.addresses import check_url
from mall.webhooks.models import URL_MAX, WebhookDelivery, WebhookEndpoint
from mall.webhooks.topics import TOPICS

MAX_ENDPOINTS = 10


class EndpointError(DomainError):
    message = _l("The endpoint could not be saved.")


def register_endpoint(session, *, brand_id: int, url: str, topics: list[str], now: datetime, allow_private: bool,
                      by_user_id: int | None = None) -> WebhookEndpoint:
    """A new endpoint with a fresh signing secret. Raises EndpointError or UnsafeUrl."""
    url = (url or "").strip()
    if len(url) > URL_MAX:
        raise EndpointError(_l("The address can be at most %(max)d characters.", max=URL_MAX), field="url")
    check_url(url, allow_private=allow_private)
    chosen = [topic for topic in TOPICS if topic in set(topics or ())]
    if not chosen or len(chosen) != len(set(topics)):
        raise EndpointError(_l("Please choose at least one of the events listed."), field="topics")
    if len(endpoints_of(session, brand_id)) >= MAX_ENDPOINTS:
        raise EndpointError(_l("A brand can have at most %(max)d endpoints.", max=MAX_ENDPOINTS))
    endpoint = WebhookEndpoint(brand_id=brand_id, url=url, secret="whsec_" + secrets.token_hex(24), topics=chosen,
                               active=True, created_at=now)
    session.add(endpoint)
    session.flush()
    record(session, action="webhook.register", brand_id=brand_id, actor_id=by_user_id, now=now,
           subject=f"webhook_endpoint:{endpoint.id}", after={"url": url, "topics": chosen})
    return endpoint


def endpoints_of(session, brand_id: int | None) -> list[WebhookEndpoint]:
    """The brand's active endpoints (every brand's for None, the platform's view)."""
    query = select(WebhookEndpoint).where(WebhookEndpoint.active.is_(True)).order_by(WebhookEndpoint.id)
    if brand_id is not None:
        query = query.where(WebhookEndpoint.brand_id == brand_id)
    return list(session.scalars(query))


def disable_endpoint(session, endpoint_id: int, *, brand_id: int | None, now: datetime,
                     by_user_id: int | None = None) -> bool:
    """Stop sending to an endpoint; its pending deliveries stay, unsent, in the log."""
    where = [WebhookEndpoint.id == endpoint_id, WebhookEndpoint.active.is_(True)]
    if brand_id is not None:
        where.append(WebhookEndpoint.brand_id == brand_id)
    endpoint = session.scalars(select(WebhookEndpoint).where(*where)).first()
    if endpoint is None:
        return False
    endpoint.active = False
    record(session, action="webhook.disable", brand_id=endpoint.brand_id, actor_id=by_user_id, now=now,
           subject=f"webhook_endpoint:{endpoint.id}", after={"url": endpoint.url})
    return True


def replay_delivery(session, delivery_id: int, *, brand_id: int | None, now: datetime,
                    by_user_id: int | None = None) -> bool:
    """Send a delivery again (delivered or given up): due now, with a fresh round of attempts."""
    where = [WebhookDelivery.id == delivery_id]
    if brand_id is not None:
        where.append(WebhookDelivery.brand_id == brand_id)
    changed = session.execute(update(WebhookDelivery).where(*where)
                              .values(status="pending", attempts=0, next_attempt_at=now, claimed_until=None)
                              .execution_options(synchronize_session=False)).rowcount
    if changed:
        delivery = session.get(WebhookDelivery, delivery_id)
        record(session, action="webhook.replay", brand_id=delivery.brand_id, actor_id=by_user_id, now=now,
               subject=f"webhook_delivery:{delivery_id}", after={"topic": delivery.topic})
    return changed == 1


def deliveries_of(brand_id: int | None, *, endpoint_id: int | None = None):
    """The delivery log, newest first."""
    query = select(WebhookDelivery).order_by(WebhookDelivery.id.desc())
    if brand_id is not None:
        query = query.where(WebhookDelivery.brand_id == brand_id)
    if endpoint_id is not None:
        query = query.where(WebhookDelivery.endpoint_id == endpoint_id)
    return query


def delivery_counts(session, brand_id: int | None) -> dict[str, int]:
    query = select(WebhookDelivery.status, func.count()).group_by(WebhookDelivery.status)
    if brand_id is not None:
        query = query.where(WebhookDelivery.brand_id == brand_id)
    return dict(session.execute(query).all())
