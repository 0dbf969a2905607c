"""Cached pages answered before Flask runs (mall/page_front.py): the same body, headers and cookies as Flask's own
answer from the page cache, a token and key of the visitor's own that the buy POST accepts, never a logged-in
visitor's or a flashed page, and the page cache's freshness rule (a price saved on another host, a withdrawn
product, a sold-out SKU, a promotion's end, the language)."""
import os
import secrets
import time
from datetime import timedelta
from http.cookies import SimpleCookie

import pytest
from sqlalchemy import func, select

from mall import create_app, page_cache
from mall.catalog.models import Product, Sku
from mall.extensions import cache
from mall.extensions import db as database
from mall.live.heartbeat import _key as heartbeat_key
from mall.live.models import LiveViewer
from mall.live.page import room_policy
from mall.orders.models import Order
from mall.page_front import PageFront
from mall.referral.models import Touch
from mall.referral.visitor import COOKIE, read_visitor_key
from tests.conftest import CSRF_RE, IsolatedClient, csrf_from
from tests.integration.live_support import Room
from tests.integration.referral_data import partner
from tests.integration.test_page_cache import buy, idempotency_key
from tests.redis_support import drop_keys, require_redis

EN = {"Accept-Language": "en"}
REDIS_URL = os.environ.get("PAGE_CACHE_TEST_REDIS_URL", "redis://127.0.0.1:6390/4")


class FlaskCalls:
    """How many requests reached Flask behind the front (the real app, counted on its way in)."""

    def __init__(self, app):
        self.front = app.wsgi_app
        assert isinstance(self.front, PageFront)
        self.inner, self.count = self.front.wsgi_app, 0
        self.front.wsgi_app = self._call

    def _call(self, environ, start_response):
        self.count += 1
        return self.inner(environ, start_response)


def _serving(app):
    app.test_client_class = IsolatedClient
    app.config.update(PAGE_CACHE_SECONDS=30, PAGE_FRESHNESS_SECONDS=1)
    with app.app_context():
        cache.clear()
    page_cache.forget()
    return FlaskCalls(app)


@pytest.fixture()
def flask_calls(app, db):
    calls = _serving(app)
    yield calls
    calls.front.wsgi_app = calls.inner
    app.config.update(PAGE_CACHE_SECONDS=0, PAGE_FRESHNESS_SECONDS=0)
    with app.app_context():
        cache.clear()
    page_cache.forget()


def get(client, path: str, headers=EN):
    response = client.get(path, headers=headers)
    assert response.status_code == 200, response.status_code
    return response


def from_front(calls, client, path: str, headers=EN):
    """The page as the front answers it (asserted: Flask never ran)."""
    before = calls.count
    response = get(client, path, headers)
    assert calls.count == before, "Flask answered"
    return response


def from_flask(calls, client, path: str, headers=EN):
    before = calls.count
    response = get(client, path, headers)
    assert calls.count == before + 1, "the front answered"
    return response


def flask_alone(calls, app, path: str, headers=EN, client=None):
    """Flask's own answer, the front taken out of the app for one request."""
    app.wsgi_app = calls.inner
    try:
        return get(client or app.test_client(), path, headers)
    finally:
        app.wsgi_app = calls.front


def cookie_attributes(response) -> dict:
    (header,) = [value for name, value in response.headers if name == "Set-Cookie"]
    morsel = next(iter(SimpleCookie(header).values()))
    return {"name": morsel.key, **{k: v for k, v in morsel.items() if v}}


def page_paths(make) -> dict:
    brand = make.brand(name="Tea House")
    product = make.product(brand, title="Jasmine Tea", skus=(("Default", 9900, 10),))
    return {"product": f"/p/{product.code}", "home": "/", "brand": f"/b/{brand.slug}"}


@pytest.mark.parametrize("kind", ["product", "home", "brand"])
def test_the_front_answers_as_flask_does_from_the_cache(flask_calls, app, make, kind):
    path = page_paths(make)[kind]
    get(app.test_client(), path)  # rendered and stored
    flask = flask_alone(flask_calls, app, path)  # Flask's own answer from the cache
    front = from_front(flask_calls, app.test_client(), path)

    def without_cookie(response):
        return sorted((name, value) for name, value in response.headers if name not in ("Set-Cookie", "Content-Length"))

    assert without_cookie(front) == without_cookie(flask)
    assert "Content-Security-Policy" in dict(front.headers) and "X-Frame-Options" in dict(front.headers)
    assert int(front.headers["Content-Length"]) == len(front.get_data())
    flask_html, front_html = flask.get_data(as_text=True), front.get_data(as_text=True)
    if kind == "product":  # a form: a session cookie with the visitor's raw token, set as Flask sets it
        assert cookie_attributes(front) == cookie_attributes(flask)
        assert cookie_attributes(front)["httponly"] and cookie_attributes(front)["samesite"] == "Lax"
        flask_html = flask_html.replace(csrf_from(flask_html), "T").replace(idempotency_key(flask_html), "K")
        front_html = front_html.replace(csrf_from(front_html), "T").replace(idempotency_key(front_html), "K")
    else:
        assert "Set-Cookie" not in front.headers and "Set-Cookie" not in flask.headers
    assert "\ue000" not in front_html
    assert front_html == flask_html


def test_each_visitor_buys_with_the_token_and_key_the_front_gave_them(flask_calls, app, make, db):
    product = make.product(skus=(("Default", 9900, 10),))
    path = f"/p/{product.code}"
    get(app.test_client(), path)
    first, second = app.test_client(), app.test_client()
    page_one = from_front(flask_calls, first, path).get_data(as_text=True)
    page_two = from_front(flask_calls, second, path).get_data(as_text=True)
    assert csrf_from(page_one) != csrf_from(page_two)
    assert idempotency_key(page_one) != idempotency_key(page_two)

    # A returning visitor keeps their session: no new cookie, a token of the same session.
    again = from_front(flask_calls, second, path)
    assert "Set-Cookie" not in again.headers
    assert "Set-Cookie" not in flask_alone(flask_calls, app, path, client=second).headers  # nor re-signed by Flask
    assert buy(second, product, again.get_data(as_text=True)).status_code == 303
    assert buy(first, product, page_one).status_code == 303
    assert len(db.session.scalars(select(Order)).all()) == 2
    # Another visitor's token is never theirs: it fails in a third visitor's session.
    assert buy(app.test_client(), product, page_two).status_code == 400


@pytest.mark.parametrize("kind", ["product", "home", "brand"])
def test_a_logged_in_visitor_is_answered_by_flask(flask_calls, app, client, make, login_as, kind):
    path = page_paths(make)[kind]
    get(app.test_client(), path)
    from_front(flask_calls, app.test_client(), path)
    login_as(make.user(role="consumer"))
    assert "My orders" in from_flask(flask_calls, client, path).get_data(as_text=True)


def test_a_visitor_with_a_flashed_message_is_answered_by_flask(flask_calls, app, make):
    path = page_paths(make)["product"]
    get(app.test_client(), path)
    visitor = app.test_client()
    with visitor.session_transaction() as session:
        session["_flashes"] = [("info", "Only for this visitor")]
    assert "Only for this visitor" in from_flask(flask_calls, visitor, path).get_data(as_text=True)
    assert "Only for this visitor" not in from_front(flask_calls, app.test_client(), path).get_data(as_text=True)


@pytest.mark.parametrize("kind", ["product", "home", "brand"])
def test_the_language_is_the_visitors(flask_calls, app, make, kind):
    brand = make.brand()
    product = make.product(brand, skus=(("Default", 9900, 0),))
    path = {"product": f"/p/{product.code}", "home": "/", "brand": f"/b/{brand.slug}"}[kind]
    for headers in (EN, {"Accept-Language": "zh-CN"}):
        get(app.test_client(), path, headers)
    assert "Sold out" in from_front(flask_calls, app.test_client(), path).get_data(as_text=True)
    chinese = from_front(flask_calls, app.test_client(), path, {"Accept-Language": "zh-CN"})
    assert "Sold out" not in chinese.get_data(as_text=True)
    chosen = app.test_client()
    chosen.set_cookie("lang", "en")  # an explicit choice wins over the browser's
    assert "Sold out" in from_front(flask_calls, chosen, path, {"Accept-Language": "zh-CN"}).get_data(as_text=True)


@pytest.mark.parametrize("change, shown, gone", [
    ("price", "¥88.00", "¥99.00"), ("sold out", "Sold out", None), ("withdrawn", None, "Jasmine Tea")])
@pytest.mark.parametrize("kind", ["product", "home", "brand"])
def test_a_change_saved_on_another_host_shows_on_the_next_page(app, make, db, kind, change, shown, gone):
    """Two hosts sharing Redis: the fingerprints this process remembered for host two are put back after host
    one saved the change (a process of its own would still hold them); the shared token still renews them."""
    require_redis(REDIS_URL)
    prefix = "mall-test-" + secrets.token_hex(4) + ":"
    config = {**app.config, "PAGE_CACHE_SECONDS": 30, "PAGE_FRESHNESS_SECONDS": 1, "CACHE_TYPE": "RedisCache",
              "CACHE_REDIS_URL": REDIS_URL, "CACHE_KEY_PREFIX": prefix}
    one, two = create_app(config), create_app(config)
    one.test_client_class = two.test_client_class = IsolatedClient
    calls = FlaskCalls(two)
    try:
        brand = make.brand(name="Tea House")
        make.product(brand, title="Oolong", skus=(("Default", 5500, 10),))
        product = make.product(brand, title="Jasmine Tea", skus=(("Default", 9900, 10),))
        path = {"product": f"/p/{product.code}", "home": "/", "brand": f"/b/{brand.slug}"}[kind]
        if kind == "product" and change == "withdrawn":
            path, gone = "/", "Jasmine Tea"  # a withdrawn product's own page is a 404
        get(two.test_client(), path)
        before = from_front(calls, two.test_client(), path).get_data(as_text=True)
        assert (gone is None or gone in before) and (shown is None or shown not in before)
        remembered = dict(page_cache._remembered)
        with one.app_context():
            if change == "price":
                database.session.get(Sku, product.skus[0].id).price_fen = 8800
            elif change == "sold out":
                database.session.get(Sku, product.skus[0].id).stock = 0
            else:
                database.session.get(Product, product.id).published = False
            database.session.commit()
        page_cache._remembered.update(remembered)
        html = from_flask(calls, two.test_client(), path).get_data(as_text=True)
        assert (gone is None or gone not in html) and (shown is None or shown in html)
    finally:
        drop_keys(REDIS_URL, f"{prefix}*")


@pytest.mark.parametrize("kind", ["product", "home"])
def test_a_limited_time_price_is_not_answered_past_its_end(flask_calls, app, make, db, kind):
    product = make.product(skus=(("Default", 9900, 30),), promo=(6900, timedelta(seconds=1.5)))
    path = f"/p/{product.code}" if kind == "product" else "/"
    get(app.test_client(), path)
    assert "¥69.00" in from_front(flask_calls, app.test_client(), path).get_data(as_text=True)
    time.sleep(1.6)
    html = get(app.test_client(), path).get_data(as_text=True)
    assert "¥69.00" not in html and "¥99.00" in html


def test_anything_unusual_goes_to_flask(flask_calls, app, make):
    path = page_paths(make)["product"]
    get(app.test_client(), path)
    from_front(flask_calls, app.test_client(), path)
    from_flask(flask_calls, app.test_client(), path + "?utm=chat")
    from_flask(flask_calls, app.test_client(), path, {**EN, "HX-Request": "true"})
    remembered = app.test_client()
    remembered.set_cookie("remember_token", "1:forged")
    from_flask(flask_calls, remembered, path)
    assert app.test_client().get(path, headers={**EN, "Host": "evil.example"}).status_code == 400


def without_tokens(html: str) -> str:
    return CSRF_RE.sub("T", html)


def test_a_live_room_from_the_front_is_flasks_answer_with_the_rooms_own_policy(flask_calls, app, make, db):
    room = Room(make, db.session)
    room.start()
    path, viewer = f"/l/{room.room.code}", app.test_client()
    get(viewer, path)  # Flask: the browser's key, its heartbeat, the page stored
    flask = flask_alone(flask_calls, app, path, client=viewer)
    front = from_front(flask_calls, viewer, path)

    def headers(response):
        return sorted((name, value) for name, value in response.headers if name not in ("Set-Cookie", "Content-Length"))

    assert headers(front) == headers(flask)
    assert front.headers["Content-Security-Policy"] == room_policy(room.room)
    assert without_tokens(front.get_data(as_text=True)) == without_tokens(flask.get_data(as_text=True))


def test_a_room_viewer_whose_heartbeat_is_due_is_answered_by_flask_and_counted(flask_calls, app, make, db):
    room = Room(make, db.session)
    room.start()
    path, viewer = f"/l/{room.room.code}", app.test_client()
    get(viewer, path)
    from_front(flask_calls, viewer, path)
    from_flask(flask_calls, app.test_client(), path)  # a browser without a key gets one from Flask
    (row,) = db.session.scalars(select(LiveViewer).order_by(LiveViewer.id).limit(1)).all()
    with app.app_context():
        cache.delete(heartbeat_key(room.room.code, row.visitor_key))  # what the seconds do
    from_flask(flask_calls, viewer, path)
    with app.app_context():
        assert cache.get(heartbeat_key(room.room.code, row.visitor_key)) is not None  # recorded again
    assert db.session.scalar(select(func.count()).select_from(LiveViewer)) == 2


def test_a_room_not_yet_started_is_answered_by_flask(flask_calls, app, make, db):
    room = Room(make, db.session)  # scheduled: the page shows whether this browser asked to be reminded
    path, viewer = f"/l/{room.room.code}", app.test_client()
    get(viewer, path)
    from_flask(flask_calls, viewer, path)


def storefront(app, make, db):
    """A sharer's storefront path (an empty one shows the brand's products) and the sharer's partner id."""
    brand = make.brand(name="Tea House")
    make.product(brand, title="Jasmine Tea", skus=(("Default", 9900, 10),))
    sharer = partner(make, brand)
    db.session.commit()
    path = f"/shop/{sharer.code}"
    # The first visit saves the brand's referral settings (facts read before that are not remembered), the
    # second renders and stores the page; two touches.
    get(app.test_client(), path)
    get(app.test_client(), path)
    return path, sharer.id


def storefront_touches(db) -> list[tuple]:
    db.session.expire_all()
    return db.session.execute(select(Touch.partner_id, Touch.channel, Touch.visitor_key)
                              .where(Touch.channel == "storefront").order_by(Touch.id)).all()


def test_a_storefront_from_the_front_is_flasks_answer_and_records_the_same_touch(flask_calls, app, make, db):
    path, sharer_id = storefront(app, make, db)
    flask = flask_alone(flask_calls, app, path)  # a new visitor: Flask's touch and cookie
    front = from_front(flask_calls, app.test_client(), path)  # another new visitor, from the front

    def without_cookie(response):
        return sorted((name, value) for name, value in response.headers if name not in ("Set-Cookie", "Content-Length"))

    assert without_cookie(front) == without_cookie(flask)
    assert without_tokens(front.get_data(as_text=True)) == without_tokens(flask.get_data(as_text=True))
    assert cookie_attributes(front) == cookie_attributes(flask)
    assert cookie_attributes(front)["name"] == COOKIE and cookie_attributes(front)["httponly"]
    given = read_visitor_key(front.headers["Set-Cookie"].split(";")[0].split("=", 1)[1])
    touches = storefront_touches(db)
    assert len(touches) == 4 and {partner_id for partner_id, _, _ in touches} == {sharer_id}
    assert touches[-1].visitor_key == given


def test_a_returning_visitor_keeps_their_key_and_a_forged_cookie_goes_to_flask(flask_calls, app, make, db):
    path, _ = storefront(app, make, db)
    visitor = app.test_client()
    from_front(flask_calls, visitor, path)
    again = from_front(flask_calls, visitor, path)
    assert "Set-Cookie" not in again.headers
    first, second = storefront_touches(db)[-2:]
    assert first.visitor_key == second.visitor_key
    forged = app.test_client()
    forged.set_cookie(COOKIE, "someone-else")
    from_flask(flask_calls, forged, path)
    assert len(storefront_touches(db)) == 5


def test_a_storefront_visit_the_front_cannot_write_is_answered_and_recorded_by_flask(flask_calls, app, make, db,
                                                                                   monkeypatch):
    path, _ = storefront(app, make, db)

    def broken(*args, **kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr("mall.page_front.record_storefront_visit", broken)
    from_flask(flask_calls, app.test_client(), path)
    assert len(storefront_touches(db)) == 3  # Flask's, once: nothing of the front's attempt was kept


def test_over_the_touch_limit_the_storefront_is_shown_and_nothing_recorded(flask_calls, app, make, db, monkeypatch):
    path, _ = storefront(app, make, db)
    monkeypatch.setattr("mall.page_front.touch_allowed_for", lambda app, address: False)
    page = from_front(flask_calls, app.test_client(), path)
    assert "Set-Cookie" not in page.headers  # as the view: no visit, no visitor cookie
    assert len(storefront_touches(db)) == 2
