"""The records an authorization walk names in URLs, and how a walk fills and sends them.

Shared by the admin console's walk (test_admin_authorization_walk.py) and the matrix over every route of the
app (test_route_authorization_matrix.py, whose expectations live in route_matrix.py).
"""
import re
import secrets
from datetime import timedelta

from sqlalchemy import func, select
from werkzeug.routing import AnyConverter

from mall.accounts.api_tokens import BRAND, create_token
from mall.accounts.models import Role
from mall.admin.products.import_jobs import enqueue_import
from mall.audit.models import AuditLog
from mall.audit.service import record
from mall.clock import utcnow
from mall.codes import short_code
from mall.commission.models import OrderAttribution, Withdrawal
from mall.commission.withdrawals import request_withdrawal
from mall.jobs.settle import settle_due
from mall.journeys.sequences import save_sequence, save_step
from mall.live.rooms import RoomDetails, save_room
from mall.live.shelf import add_to_shelf
from mall.live.streams import parse_stream
from mall.media.extension import media
from mall.orders.checkout import CheckoutRequest, place_order
from mall.orders.models import Refund
from mall.referral.models import Partner
from mall.referral.partners import ensure_guide_partner
from mall.webhooks.endpoints import register_endpoint
from mall.webhooks.models import WebhookDelivery
from tests.conftest import csrf_from
from tests.integration.admin_support import EN
from tests.integration.commission_support import T0, Books, days
from tests.integration.media_support import unique_png
from tests.integration.payment_support import start_payment
from tests.integration.sharing_support import content_item


class Walk:
    """Brand B with one record of each kind a URL of the app names, a user of each role (the guide and the store
    manager in brand B's store, the partner one of its partners), brand A's admin and a platform admin."""

    def __init__(self, make, session):
        books = Books(make, session)
        settled = books.paid_order([(100000, 1)])
        books.complete(settled, at=T0)
        settle_due(session, now=T0 + days(8))
        self.order = books.paid_order([(10000, 1)])
        self.refund = books.request_refund(self.order, [(self.order.lines[0], 5000)])
        self.withdrawal = request_withdrawal(session, partner_id=books.sharer.id, amount_fen=5000,
                                             request_key=f"w{books.brand.id}", now=T0 + days(9))
        self.pending = books.partner(status="pending")
        self.import_job = enqueue_import(session, books.brand.id, b"product_code,title,sku_name,price,stock\n",
                                         apply_valid=False, actor_id=None, now=utcnow())
        self.recent = books.paid_order([(20000, 1)], at=utcnow() - timedelta(hours=1))  # inside the reports' range
        record(session, action="commission.settings", brand_id=books.brand.id, actor_id=None, now=utcnow(),
               subject=f"brand:{books.brand.id}", reason="Brand B Secret Reason")
        self.content_item = content_item(make, books.brand, title="Brand B Secret Post")
        self.endpoint = register_endpoint(session, brand_id=books.brand.id, url="https://brand-b-secret.example/hook",
                                          topics=["order.paid"], now=utcnow(), allow_private=True)
        self.delivery = WebhookDelivery(endpoint_id=self.endpoint.id, brand_id=books.brand.id, event_id="e" * 32,
                                        topic="order.paid", payload={"order_id": self.order.id},
                                        sequence_key=f"order:{self.order.id}", occurred_at=utcnow(),
                                        status="delivered", attempts=1, next_attempt_at=utcnow())
        session.add(self.delivery)
        self.sequence = save_sequence(session, books.brand.id, None, name="Brand B Secret Journey", state="new",
                                      tag_id=None, reentry="every_entry", active=True, now=T0)
        self.step = save_step(session, books.brand.id, self.sequence.id, None, day_offset=0, channel="chat",
                              template="{first_name}", now=T0)
        self.key, _secret = create_token(session, kind=BRAND, name="Brand B Secret Key", brand_id=books.brand.id,
                                         now=utcnow())
        self.books, self.brand, self.store, self.product = books, books.brand, books.store, books.product
        # Names no page of brand A could show by chance, to see that none of brand B's records leak there.
        self.brand.name = "Brand B Secret Teas"
        self.product.title, self.store.name = "Brand B Secret Oolong", "Brand B Secret Store"
        self.guide_user = make.user(Role.GUIDE, store=books.store)
        ensure_guide_partner(session, user_id=self.guide_user.id, now=utcnow())  # a guide is a partner too
        self.admin = make.user(Role.BRAND_ADMIN, brand=books.brand)
        self.other_brand = make.brand()
        self.other_admin = make.user(Role.BRAND_ADMIN, brand=self.other_brand)
        self.platform_admin = make.user(Role.PLATFORM_ADMIN)
        self.consumer = make.user(Role.CONSUMER)
        self.partner_user = make.user(Role.PARTNER)
        self.partner = Partner(brand_id=books.brand.id, user_id=self.partner_user.id, code=short_code(6),
                               inviter_id=books.sharer.id, status="active", joined_at=T0)
        session.add(self.partner)
        self.manager = make.user(Role.STORE_MANAGER, store=books.store)
        # Hosted in brand B's store by its guide: the guide and the store's manager run its console.
        self.room = save_room(session, books.brand.id, None,
                              RoomDetails(title="Brand B Secret Live", starts_at=utcnow() + timedelta(days=1),
                                          stream=parse_stream("BV1xx411c7mD", ()), host_store_id=books.store.id,
                                          host_user_id=self.guide_user.id), actor_id=None, now=utcnow())
        self.shelf_item = add_to_shelf(session, self.room, self.product.skus[0].id, None, actor_id=None, now=utcnow())
        self.unpaid = place_order(session, CheckoutRequest(
            sku_id=self.product.skus[0].id, quantity=1, contact_name="王小明", contact_phone="13800138000",
            delivery="ship", address="上海市静安区南京西路 1 号", idempotency_key=secrets.token_urlsafe(16)),
            now=utcnow())
        self.charge_id = start_payment(session, self.unpaid)
        self.image = secrets.token_hex(12) + ".png"
        media.store.put(self.image, unique_png(), "image/png")
        session.commit()
        self.audit_entries = audit_count(session)

    def secrets(self) -> list[str]:
        """What brand B's lists show of it, and brand A's admin must never see."""
        return [self.order.number, self.recent.number, self.books.sharer.code, self.pending.code, self.product.title,
                self.store.name, self.brand.name, "Brand B Secret Reason", "Brand B Secret Post",
                "brand-b-secret.example", "Brand B Secret Key", self.sequence.name]

    def values(self) -> dict[str, object]:
        """URL variable name -> brand B's record. A new route with a new variable name adds it here (a name that
        means different things on different routes is set per route: route_matrix.Expect.values)."""
        return {
            "number": self.order.number,
            "refund_id": self.refund.id,
            "withdrawal_id": self.withdrawal.id,
            "partner_id": self.pending.id,
            "product_id": self.product.id,
            "sku_id": self.product.skus[0].id,
            "store_id": self.store.id,
            "user_id": self.guide_user.id,
            "guide_id": self.guide_user.id,
            "account_id": self.books.sharer.user_id,  # a partner of brand B, to sign out everywhere
            "job_id": self.import_job.id,
            "brand_id": self.brand.id,
            "room_id": self.room.id,
            "item_id": self.content_item.id,
            "shelf_item_id": self.shelf_item.id,
            "endpoint_id": self.endpoint.id,
            "delivery_id": self.delivery.id,
            "key_id": self.key.id,
            "sequence_id": self.sequence.id,
            "step_id": self.step.id,
            "customer_id": self.books.buyer.id,  # brand B's customer
            "enrolment_id": 999_999,  # no such enrolment: the walk's customer is enrolled in no journey
            "token_id": self.key.id,  # brand B's API key: nobody's own personal token
            "brand": self.brand.slug,
            "item_code": self.content_item.code,
            "brand_slug": self.brand.slug,
            "room_code": self.room.code,
            "language": "en",
            # The shop's URLs: brand B's product, its sharer's links, its store's code, a paid order's page.
            "code": self.product.code,
            "product_code": self.product.code,
            "partner_code": self.books.sharer.code,
            "slug": self.brand.slug,
            "store_code": self.store.code,
            "token": self.order.token,
            "charge_id": self.charge_id,
            "provider": "mock",
            "name": self.image,
            "filename": "css/mall.css",
        }

    def user(self, role: str):
        """The user who walks as `role` (a name of route_matrix.ROLES); None for a guest."""
        return {"consumer": self.consumer, "partner": self.partner_user, "guide": self.guide_user,
                "store_manager": self.manager, "admin_a": self.other_admin, "admin_b": self.admin,
                "platform": self.platform_admin}.get(role)


def urls_of(rule, values) -> list[str]:
    """The rule's URLs: variables filled from `values`, one URL per choice of an <any(...)> part."""
    choices = {name: sorted(converter.items) for name, converter in rule._converters.items()
               if isinstance(converter, AnyConverter)}
    missing = sorted(set(rule.arguments) - set(values) - set(choices))
    assert not missing, (f"{rule.rule} ({rule.endpoint}) has URL variables {missing} the authorization walk cannot "
                         "fill: add brand B's record for them in Walk.values() in tests/integration/route_walk.py")
    filled = [dict(values)]
    for name, items in choices.items():
        filled = [{**known, name: item} for known in filled for item in items]
    # Built by hand, not with url_for, so no request context is needed and defaults stay visible.
    return [re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", lambda m, known=known: str(known[m.group(1)]), rule.rule)
            for known in filled]


def token(client) -> str:
    """A CSRF token of the signed-in user's session (the home page's log-out form), or a guest's (the login form)."""
    page = client.get("/", headers=EN).get_data(as_text=True)
    return csrf_from(page if 'name="csrf_token"' in page else client.get("/login").get_data(as_text=True))


def send(client, method, url, csrf=None):
    if method == "GET":
        return client.get(url, headers=EN)
    return client.post(url, data={"csrf_token": csrf} if csrf else {}, headers=EN)


def audit_count(session) -> int:
    return session.scalar(select(func.count()).select_from(AuditLog))


def nothing_changed(db, walk, *, audited_actions: bool = False):
    """None of brand B's records changed; nor did the audit log, unless the walker may act somewhere (audited_actions:
    a live room's hosts start it and pin its products, each action logged)."""
    db.session.expire_all()
    assert db.session.get(Withdrawal, walk.withdrawal.id).status == "requested"
    assert db.session.get(Partner, walk.pending.id).status == "pending"
    assert db.session.get(Partner, walk.books.sharer.id).status == "active"
    assert db.session.get(Refund, walk.refund.id).status == "requested"
    assert db.session.get(OrderAttribution, walk.order.id).sharer_id == walk.books.sharer.id
    if not audited_actions:
        assert audit_count(db.session) == walk.audit_entries
