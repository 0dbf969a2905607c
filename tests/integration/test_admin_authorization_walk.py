"""The authorization walk: every admin URL the app has, as every role.

The URLs are not listed here: they are read from app.url_map (every endpoint under "admin."), so a route
added tomorrow is walked too. Its URL variables are filled with the ids of brand B's records
(Walk.values); a route with a variable nobody has named yet fails the walk, saying where to add it.

Expected: a guest is sent to log in; consumers, partners, guides and store managers get 403; brand A's
admin gets 404 on every URL that names a record of brand B (and their own, empty, lists elsewhere);
brand B's admin and a platform admin open every page (never a 403, 404 or 500), and a GET of a
POST-only URL is 405; a POST without a CSRF token is 400 and changes nothing. Brand A's admin naming
their own order or store with brand B's refund or guide under it gets 404 too. Pages only the platform runs
(the blueprints that run mall.admin.access.require_platform_admin, such as a brand's commission cap) answer 403
to every brand admin, brand B's included, and open for the platform admin.
"""
import re
from datetime import timedelta

import pytest
from sqlalchemy import func, select
from werkzeug.routing import AnyConverter

from mall.accounts.api_tokens import BRAND, create_token
from mall.accounts.models import Role
from mall.admin.products.import_jobs import enqueue_import
from mall.audit.models import AuditLog
from mall.audit.service import record
from mall.clock import utcnow
from mall.commission.models import OrderAttribution, Withdrawal
from mall.commission.withdrawals import request_withdrawal
from mall.jobs.settle import settle_due
from mall.journeys.sequences import save_sequence, save_step
from mall.live.rooms import RoomDetails, save_room
from mall.live.streams import parse_stream
from mall.orders.models import Refund
from mall.referral.models import Partner
from mall.webhooks.endpoints import register_endpoint
from mall.webhooks.models import WebhookDelivery
from tests.conftest import csrf_from
from tests.integration.admin_support import EN, platform_only
from tests.integration.commission_support import T0, Books, days
from tests.integration.sharing_support import content_item

# Roles refused outright, whatever the URL; guides and managers work in one of brand B's stores.
REFUSED = [Role.CONSUMER, Role.PARTNER, Role.GUIDE, Role.STORE_MANAGER]
# What a page the admin may open answers: the page, a redirect, or (for a GET of a POST-only URL) 405.
OPENS = {200, 302, 303, 405}


def probes(walk) -> dict[str, list[str]]:
    """Lists whose filters show more of what they hold: brand A's admin also asks for them this way."""
    return {
        "/admin/reports": [f"dimension={d}" for d in ("store", "guide", "sharer", "channel")],
        "/admin/reports/export.csv": [f"dimension={d}" for d in ("store", "sharer")],
        "/admin/orders": ["status=paid", f"store={walk.store.id}", "channel=link"],
        "/admin/customers": [f"phone={walk.books.buyer.phone}"],
        "/admin/products": [f"q={walk.product.code}"],
    }


class Walk:
    """Brand B with one record of each kind the admin console names in its URLs, its admin, brand A's admin
    and a platform admin."""

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
        self.endpoint = register_endpoint(session, brand_id=books.brand.id, url="https://brand-b-secret.example/hook",
                                          topics=["order.paid"], now=utcnow(), allow_private=True)
        self.delivery = WebhookDelivery(endpoint_id=self.endpoint.id, brand_id=books.brand.id, event_id="e" * 32,
                                        topic="order.paid", payload={"order_id": self.order.id},
                                        sequence_key=f"order:{self.order.id}", occurred_at=utcnow(),
                                        status="delivered", attempts=1, next_attempt_at=utcnow())
        session.add(self.delivery)
        self.key, _secret = create_token(session, kind=BRAND, name="Brand B Secret Key", brand_id=books.brand.id,
                                         now=utcnow())
        self.room = save_room(session, books.brand.id, None,
                              RoomDetails(title="Brand B Secret Live", starts_at=utcnow() + timedelta(days=1),
                                          stream=parse_stream("BV1xx411c7mD", ())), actor_id=None, now=utcnow())
        self.books, self.brand, self.store, self.product = books, books.brand, books.store, books.product
        self.sequence = save_sequence(session, books.brand.id, None, name="Brand B Secret Journey", state="new",
                                      tag_id=None, reentry="every_entry", active=True, now=T0)
        self.step = save_step(session, books.brand.id, self.sequence.id, None, day_offset=0, channel="chat",
                              template="{first_name}", now=T0)
        # Names no page of brand A could show by chance, to see that none of brand B's records leak there.
        self.brand.name = "Brand B Secret Teas"
        self.product.title, self.store.name = "Brand B Secret Oolong", "Brand B Secret Store"
        self.guide_user = make.user(Role.GUIDE, store=books.store)
        self.admin = make.user(Role.BRAND_ADMIN, brand=books.brand)
        self.other_brand = make.brand()
        self.other_admin = make.user(Role.BRAND_ADMIN, brand=self.other_brand)
        self.platform_admin = make.user(Role.PLATFORM_ADMIN)
        self.content_item = content_item(make, books.brand, title="Brand B Secret Post")
        session.commit()
        self.audit_entries = audit_count(session)

    def secrets(self) -> list[str]:
        """What brand B's lists show of it, and brand A's admin must never see."""
        return [self.order.number, self.recent.number, self.books.sharer.code, self.pending.code, self.product.title,
                self.store.name, self.brand.name, "Brand B Secret Reason", "Brand B Secret Post",
                "brand-b-secret.example", "Brand B Secret Key", self.sequence.name]

    def values(self) -> dict[str, object]:
        """URL variable name -> brand B's record. A new admin route with a new variable name adds it here."""
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
            "sequence_id": self.sequence.id,
            "step_id": self.step.id,
            "endpoint_id": self.endpoint.id,
            "delivery_id": self.delivery.id,
            "key_id": self.key.id,
            "item_id": self.content_item.id,
            "room_id": self.room.id,
        }


@pytest.fixture()
def walk(make, db):
    return Walk(make, db.session)


def admin_rules(app):
    rules = [rule for rule in app.url_map.iter_rules() if rule.endpoint.startswith("admin.")]
    assert len(rules) >= 19, "the walk found fewer admin routes than the app had when it was written"
    return sorted(rules, key=lambda rule: rule.rule)


def urls_of(rule, values) -> list[str]:
    """The rule's URLs: variables filled with brand B's records, one URL per choice of an <any(...)> part."""
    choices = {name: sorted(converter.items) for name, converter in rule._converters.items()
               if isinstance(converter, AnyConverter)}
    missing = sorted(set(rule.arguments) - set(values) - set(choices))
    assert not missing, (f"{rule.rule} ({rule.endpoint}) has URL variables {missing} the authorization walk cannot "
                         "fill: add brand B's record for them in Walk.values() in this file")
    filled = [dict(values)]
    for name, items in choices.items():
        filled = [{**known, name: item} for known in filled for item in items]
    # Built by hand, not with url_for, so no request context is needed and defaults stay visible.
    return [re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", lambda m, known=known: str(known[m.group(1)]), rule.rule)
            for known in filled]


def platform_urls(app, walk) -> set[tuple[str, str]]:
    """(method, url) of the pages marked platform-only: every brand admin gets 403 there."""
    return {(method, url) for rule in admin_rules(app)
            if platform_only(app, rule.endpoint)
            for url in urls_of(rule, walk.values()) for method in ("GET", "POST") if method in rule.methods}


def names_a_record(rule, values) -> bool:
    return bool(set(rule.arguments) & set(values))


def urls(app, walk):
    """(method, url, names_a_record) for every admin route: GET for pages, POST for actions."""
    values = walk.values()
    found = []
    for rule in admin_rules(app):
        for url in urls_of(rule, values):
            for method in ("GET", "POST"):
                if method in rule.methods:
                    found.append((method, url, names_a_record(rule, values)))
    return found


def token(client) -> str:
    return csrf_from(client.get("/", headers=EN).get_data(as_text=True))


def send(client, method, url, csrf=None):
    if method == "GET":
        return client.get(url, headers=EN)
    return client.post(url, data={"csrf_token": csrf} if csrf else {}, headers=EN)


def audit_count(session) -> int:
    return session.scalar(select(func.count()).select_from(AuditLog))


def nothing_changed(db, walk):
    db.session.expire_all()
    assert db.session.get(Withdrawal, walk.withdrawal.id).status == "requested"
    assert db.session.get(Partner, walk.pending.id).status == "pending"
    assert db.session.get(Partner, walk.books.sharer.id).status == "active"
    assert db.session.get(Refund, walk.refund.id).status == "requested"
    assert db.session.get(OrderAttribution, walk.order.id).sharer_id == walk.books.sharer.id
    assert audit_count(db.session) == walk.audit_entries


def test_guests_are_sent_to_log_in_everywhere(app, client, db, walk):
    csrf = csrf_from(client.get("/login").get_data(as_text=True))
    for method, url, _named in urls(app, walk):
        response = send(client, method, url, csrf)
        assert response.status_code == 302 and "/login" in response.headers["Location"], (method, url)
    nothing_changed(db, walk)


@pytest.mark.parametrize("role", REFUSED)
def test_everyone_but_admins_is_refused_everywhere(app, client, login_as, db, make, walk, role):
    staff = {"store": walk.store} if role in (Role.GUIDE, Role.STORE_MANAGER) else {}
    login_as(make.user(role, **staff))
    csrf = token(client)
    for method, url, _named in urls(app, walk):
        assert send(client, method, url, csrf).status_code == 403, (method, url)
    nothing_changed(db, walk)


def test_another_brands_admin_finds_none_of_brand_bs_records(app, client, login_as, db, walk):
    login_as(walk.other_admin)
    csrf = token(client)
    secrets = walk.secrets()
    platform = platform_urls(app, walk)
    assert platform, "no platform-only page found: the walk no longer checks that brand admins are kept out"
    for method, url, named in urls(app, walk):
        # A platform admin picks a brand with ?brand=<id>; a brand admin asking for brand B that way is ignored.
        queries = ["", f"brand={walk.brand.id}", *probes(walk).get(url, [])]
        for asked in (f"{url}?{query}" if query else url for query in queries):
            response = send(client, method, asked, csrf)
            if (method, url) in platform:
                assert response.status_code == 403, (method, asked)
            elif named:
                assert response.status_code == 404, (method, asked)
            else:  # their own brand's lists and forms, which show nothing of brand B
                assert response.status_code in OPENS | {400, 422}, (method, asked, response.status_code)
                page = response.get_data(as_text=True)
                assert not [s for s in secrets if s in page], (method, asked)
    nothing_changed(db, walk)


@pytest.mark.parametrize("who", ["admin", "platform_admin"])
def test_brand_bs_admin_and_a_platform_admin_open_every_page(app, client, login_as, db, walk, who):
    login_as(getattr(walk, who))
    platform = platform_urls(app, walk) if who == "admin" else set()
    for method, url, _named in urls(app, walk):
        if method == "GET":
            # Plain, as htmx asks for it (a fragment, where the view has one), and for brand B by name.
            for asked, headers in ((url, EN), (url, {**EN, "HX-Request": "true"}), (f"{url}?brand={walk.brand.id}", EN)):
                response = client.get(asked, headers=headers)
                expected = {403} if (method, url) in platform else OPENS  # the brand's admin cannot move its cap
                assert response.status_code in expected, (asked, headers, response.status_code)
    nothing_changed(db, walk)  # a GET never changes anything


def test_a_get_of_an_action_is_method_not_allowed(app, client, login_as, walk):
    login_as(walk.admin)
    values = walk.values()
    pages = {rule.rule for rule in admin_rules(app) if "GET" in rule.methods}
    # A form posting to its own page's URL (GET shows it, POST saves) is a page, not an action.
    actions = [rule for rule in admin_rules(app) if rule.rule not in pages]
    assert actions
    for rule in actions:
        for url in urls_of(rule, values):
            assert client.get(url, headers=EN).status_code == 405, url


@pytest.mark.parametrize("who", ["admin", "other_admin", "platform_admin"])
def test_every_post_without_a_csrf_token_is_refused(app, client, login_as, db, walk, who):
    login_as(getattr(walk, who))
    posts = [(method, url) for method, url, _named in urls(app, walk) if method == "POST"]
    assert posts
    for method, url in posts:
        response = send(client, method, url)
        assert response.status_code == 400, (url, response.status_code)
        assert "Your form expired" in response.get_data(as_text=True), url
    nothing_changed(db, walk)


def test_brand_bs_admin_may_post_every_action_without_a_server_error(app, client, login_as, walk):
    """An empty form to every action, with a valid token: refused with a message or done, never a 500 or a 404."""
    login_as(walk.admin)
    csrf = token(client)
    platform = platform_urls(app, walk)
    for method, url, _named in urls(app, walk):
        if method == "POST":
            response = send(client, method, url, csrf)
            expected = {403} if (method, url) in platform else {200, 302, 303, 400, 409, 422}
            assert response.status_code in expected, (url, response.status_code)


def test_the_lists_walked_do_show_brand_bs_records_to_its_admin(app, client, login_as, walk):
    """The leak check above means something only if the same lists show each secret to the brand's own admin."""
    login_as(walk.admin)
    seen = ""
    for method, url, named in urls(app, walk):
        if method == "GET" and not named:
            for query in ["", *probes(walk).get(url, [])]:
                seen += client.get(f"{url}?{query}", headers=EN).get_data(as_text=True)
    # All but the brand's name, which only a platform admin's lists show (beside each record).
    assert [s for s in walk.secrets() if s not in seen] == [walk.brand.name]


def test_a_record_of_brand_b_under_one_of_brand_a_is_not_found(app, client, login_as, db, make, walk):
    """Brand A's admin names their own order (or store) but brand B's refund (or guide) under it: still 404."""
    own = Walk(make, db.session)  # brand A, with records of every kind of its own
    walk.audit_entries = audit_count(db.session)
    login_as(own.admin)
    csrf = token(client)
    mine, theirs = own.values(), walk.values()
    mixed = 0
    for rule in admin_rules(app):
        named = sorted(set(rule.arguments) & set(mine))
        if len(named) < 2:
            continue
        for name in named:
            for url in urls_of(rule, {**mine, name: theirs[name]}):
                for method in sorted({"GET", "POST"} & rule.methods):
                    assert send(client, method, url, csrf).status_code == 404, (method, url)
                    mixed += 1
    assert mixed, "no admin route names two records any more: this test has nothing to walk"
    nothing_changed(db, walk)
