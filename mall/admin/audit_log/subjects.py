"""Which thing an audit entry is about, by name: 'withdrawal:2' reads "Withdrawal #2 · ¥19.90 · Li Na".

Subjects are looked up in one query per kind for the whole page, within the admin's brand (a platform
admin sees every brand's), so a page of 30 entries costs a handful of queries, not 30.
"""
from dataclasses import dataclass

from flask import url_for
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from mall.accounts.api_tokens import ApiToken
from mall.accounts.models import User
from mall.catalog.models import Brand, Product, Store
from mall.commission.models import Withdrawal
from mall.live.models import LiveRoom
from mall.money import format_fen
from mall.orders.models import Order
from mall.referral.models import Partner
from mall.webhooks.models import WebhookDelivery, WebhookEndpoint


@dataclass(frozen=True)
class Subject:
    text: str
    url: str | None = None


def subjects(session, refs: set[str], brand_id: int | None) -> dict[str, Subject]:
    """'kind:id' -> Subject for every reference (subjects and referenced partners and stores) of a page."""
    by_kind: dict[str, set[str]] = {}
    for ref in refs:
        kind, _, key = (ref or "").partition(":")
        if key:
            by_kind.setdefault(kind, set()).add(key)
    found: dict[str, Subject] = {}
    for kind, keys in by_kind.items():
        lookup = LOOKUPS.get(kind)
        if lookup is not None:
            found.update(lookup(session, keys, brand_id))
    return found


def _ids(keys: set[str]) -> list[int]:
    return [int(key) for key in keys if key.isdigit() and len(key) < 12]


def _scoped(query, column, brand_id):
    return query if brand_id is None else query.where(column == brand_id)


def _partners(session, keys, brand_id):
    rows = session.execute(_scoped(select(Partner.id, Partner.code, User.name).join(User, User.id == Partner.user_id)
                                   .where(Partner.id.in_(_ids(keys))), Partner.brand_id, brand_id))
    return {f"partner:{pid}": Subject(f"{name} ({code})", url_for("admin.partners.show", partner_id=pid))
            for pid, code, name in rows}


def _stores(session, keys, brand_id):
    rows = session.execute(_scoped(select(Store.id, Store.name).where(Store.id.in_(_ids(keys))), Store.brand_id,
                                   brand_id))
    return {f"store:{sid}": Subject(name) for sid, name in rows}


def _products(session, keys, brand_id):
    rows = session.execute(_scoped(select(Product.id, Product.title).where(Product.id.in_(_ids(keys))),
                                   Product.brand_id, brand_id))
    return {f"product:{pid}": Subject(title, url_for("admin.products.edit", product_id=pid)) for pid, title in rows}


def _brands(session, keys, brand_id):
    # The brand's own rules; a platform admin reads which brand beside the entry (audit.html).
    rows = session.execute(_scoped(select(Brand.id).where(Brand.id.in_(_ids(keys))), Brand.id, brand_id))
    return {f"brand:{bid}": Subject(str(_l("Brand settings"))) for (bid,) in rows}


def _orders(session, keys, brand_id):
    numbers = [key for key in keys if len(key) <= 20]
    rows = session.execute(_scoped(select(Order.number).where(Order.number.in_(numbers)), Order.brand_id, brand_id))
    return {f"order:{number}": Subject(str(_l("Order %(number)s", number=number)),
                                       url_for("admin.orders.show", number=number)) for (number,) in rows}


def _withdrawals(session, keys, brand_id):
    rows = session.execute(_scoped(
        select(Withdrawal.id, Withdrawal.amount_fen, User.name).join(Partner, Partner.id == Withdrawal.partner_id)
        .join(User, User.id == Partner.user_id).where(Withdrawal.id.in_(_ids(keys))), Withdrawal.brand_id, brand_id))
    locale = str(get_locale())
    return {f"withdrawal:{wid}": Subject(str(_l("Withdrawal #%(id)d · %(amount)s · %(name)s", id=wid,
                                                amount=format_fen(amount, locale), name=name)))
            for wid, amount, name in rows}


def _users(session, keys, brand_id):
    rows = session.execute(select(User.id, User.name).where(User.id.in_(_ids(keys))))
    return {f"user:{uid}": Subject(name) for uid, name in rows}


def _live_rooms(session, keys, brand_id):
    rows = session.execute(_scoped(select(LiveRoom.id, LiveRoom.title).where(LiveRoom.id.in_(_ids(keys))),
                                   LiveRoom.brand_id, brand_id))
    return {f"live_room:{rid}": Subject(str(_l("Live room %(title)s", title=title)),
                                        url_for("admin.live.show", room_id=rid)) for rid, title in rows}


def _webhook_endpoints(session, keys, brand_id):
    rows = session.execute(_scoped(select(WebhookEndpoint.id, WebhookEndpoint.url)
                                   .where(WebhookEndpoint.id.in_(_ids(keys))), WebhookEndpoint.brand_id, brand_id))
    return {f"webhook_endpoint:{eid}": Subject(str(_l("Webhook endpoint %(url)s", url=url))) for eid, url in rows}


def _webhook_deliveries(session, keys, brand_id):
    rows = session.execute(_scoped(select(WebhookDelivery.id, WebhookDelivery.topic)
                                   .where(WebhookDelivery.id.in_(_ids(keys))), WebhookDelivery.brand_id, brand_id))
    return {f"webhook_delivery:{did}": Subject(str(_l("Webhook delivery #%(id)d (%(event)s)", id=did, event=topic)))
            for did, topic in rows}


def _api_keys(session, keys, brand_id):
    rows = session.execute(_scoped(select(ApiToken.id, ApiToken.name).where(ApiToken.id.in_(_ids(keys))),
                                   ApiToken.brand_id, brand_id))
    return {f"api_key:{kid}": Subject(str(_l("API key %(name)s", name=name))) for kid, name in rows}


LOOKUPS = {"webhook_endpoint": _webhook_endpoints, "webhook_delivery": _webhook_deliveries, "api_key": _api_keys,
           "live_room": _live_rooms, "partner": _partners, "store": _stores, "product": _products, "brand": _brands, "order": _orders,
           "withdrawal": _withdrawals, "user": _users}
