"""The cached product page (mall/page_cache.py): shared by anonymous visitors, never with their own values,
never with a stale price, a promotion past its end or stale stock beyond the timeout."""
import os
import secrets
from datetime import timedelta

import pytest
import redis
from sqlalchemy import select

from mall import create_app
from mall.catalog.models import Product, Sku
from mall.clock import utcnow
from mall.extensions import cache
from mall.orders.models import Order
from tests.conftest import IsolatedClient, csrf_from
from tests.integration.test_checkout import ADDRESS
from tests.redis_support import drop_keys, require_redis

EN = {"Accept-Language": "en"}
REDIS_URL = os.environ.get("PAGE_CACHE_TEST_REDIS_URL", "redis://127.0.0.1:6390/4")


@pytest.fixture()
def cached(app, db):
    app.test_client_class = IsolatedClient  # each visitor's request in its own app context, as in production
    app.config["PAGE_CACHE_SECONDS"] = 30
    with app.app_context():
        cache.clear()
    yield app
    app.config["PAGE_CACHE_SECONDS"] = 0
    with app.app_context():
        cache.clear()


def html_of(client, product) -> str:
    response = client.get(f"/p/{product.code}", headers=EN)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def idempotency_key(html: str) -> str:
    return html.split('name="idempotency_key" type="hidden" value="')[1].split('"')[0]


def retitle(db, product, title: str) -> None:
    """A change the cache key does not cover: it shows whether the next view was served from the cache."""
    db.session.get(Product, product.id).title = title
    db.session.commit()


def buy(client, product, html: str):
    return client.post(f"/p/{product.code}/buy", headers=EN, data={
        "csrf_token": csrf_from(html), "idempotency_key": idempotency_key(html), "sku_id": str(product.skus[0].id),
        "quantity": "1", "contact_name": "王小明", "contact_phone": "13800138000", "delivery": "ship",
        "address": ADDRESS, "note": ""})


def test_a_second_visitor_gets_the_stored_page_with_a_token_and_key_of_their_own(cached, app, make, db):
    product = make.product(title="Jasmine Tea")
    first, second = app.test_client(), app.test_client()
    page_one = html_of(first, product)
    retitle(db, product, "Renamed Tea")
    page_two = html_of(second, product)

    assert "Jasmine Tea" in page_two  # served from the cache
    assert csrf_from(page_two) != csrf_from(page_one)
    assert idempotency_key(page_two) != idempotency_key(page_one)
    assert "\ue000" not in page_two
    assert page_two.replace(csrf_from(page_two), "T").replace(idempotency_key(page_two), "K") == \
        page_one.replace(csrf_from(page_one), "T").replace(idempotency_key(page_one), "K")


def test_each_visitor_can_buy_with_the_token_and_key_of_a_cached_page(cached, app, make, db):
    product = make.product(skus=(("Default", 9900, 10),))
    first, second = app.test_client(), app.test_client()
    page_one, page_two = html_of(first, product), html_of(second, product)

    assert buy(second, product, page_two).status_code == 303
    assert buy(first, product, page_one).status_code == 303
    assert len(db.session.scalars(select(Order)).all()) == 2
    # The first visitor's token is theirs alone: it fails in another visitor's session.
    assert buy(app.test_client(), product, page_one).status_code == 400


def test_a_price_change_shows_at_once(cached, client, make, db):
    product = make.product(skus=(("Default", 9900, 10),))
    assert "¥99.00" in html_of(client, product)
    db.session.get(Sku, product.skus[0].id).price_fen = 8800
    db.session.commit()
    html = html_of(client, product)
    assert "¥88.00" in html and "¥99.00" not in html


def test_a_limited_time_price_is_not_shown_past_its_end(cached, client, make, db):
    product = make.product(skus=(("Default", 9900, 30),), promo=(6900, timedelta(days=1)))
    assert "¥69.00" in html_of(client, product)
    db.session.get(Product, product.id).promo_ends_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    html = html_of(client, product)
    assert "¥69.00" not in html and "¥99.00" in html


def test_a_page_kept_while_a_promotion_runs_expires_when_it_ends(cached, app, make, db):
    from mall.catalog.pages import product_page_freshness

    product = make.product(skus=(("Default", 9900, 30),), promo=(6900, timedelta(seconds=90)))
    freshness = product_page_freshness(db.session, product.code, now=utcnow())
    assert 80 <= freshness.max_seconds <= 90


def test_selling_out_shows_at_once(cached, client, make, db):
    product = make.product(skus=(("Default", 9900, 30),))
    assert "30 in stock" in html_of(client, product)
    db.session.get(Sku, product.skus[0].id).stock = 0
    db.session.commit()
    assert "Sold out" in html_of(client, product)


def test_stock_counts_are_at_most_the_timeout_old(cached, app, client, make, db):
    product = make.product(skus=(("Default", 9900, 30),))
    html_of(client, product)
    db.session.get(Sku, product.skus[0].id).stock = 27
    db.session.commit()
    assert "30 in stock" in html_of(client, product)
    with app.app_context():
        cache.clear()  # what the timeout does
    assert "27 in stock" in html_of(client, product)


def test_a_logged_in_visitor_never_gets_or_leaves_a_shared_page(cached, app, client, make, db, login_as):
    product = make.product(title="Jasmine Tea")
    user = make.user(role="consumer")
    login_as(user)
    mine = html_of(client, product)
    assert "My orders" in mine
    retitle(db, product, "Renamed Tea")
    assert "Renamed Tea" in html_of(client, product)  # rendered for them, not from the cache
    anonymous = html_of(app.test_client(), product)
    assert "My orders" not in anonymous and csrf_from(anonymous) != csrf_from(mine)


def test_a_page_with_a_flashed_message_is_not_shared(cached, app, make, db):
    product = make.product(title="Jasmine Tea")
    visitor = app.test_client()
    with visitor.session_transaction() as session:
        session["_flashes"] = [("info", "Only for this visitor")]
    assert "Only for this visitor" in html_of(visitor, product)
    assert "Only for this visitor" not in html_of(app.test_client(), product)


def test_the_language_is_part_of_the_key(cached, app, make):
    product = make.product(skus=(("Default", 9900, 30),))
    assert "30 in stock" in html_of(app.test_client(), product)
    chinese = app.test_client().get(f"/p/{product.code}", headers={"Accept-Language": "zh-CN"})
    assert "30 in stock" not in chinese.get_data(as_text=True)


def _redis_app(app, url: str):
    app.test_client_class = IsolatedClient
    prefix = "mall-test-" + secrets.token_hex(4) + ":"
    config = {**app.config, "PAGE_CACHE_SECONDS": 30, "CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": url,
              "CACHE_KEY_PREFIX": prefix}
    instance = create_app(config)
    instance.test_client_class = IsolatedClient
    return instance, prefix


def test_hosts_share_pages_through_redis(app, make, db):
    require_redis(REDIS_URL)
    one, prefix = _redis_app(app, REDIS_URL)
    two = create_app({**one.config})
    two.test_client_class = IsolatedClient
    try:
        product = make.product(title="Jasmine Tea")
        page_one = html_of(one.test_client(), product)
        retitle(db, product, "Renamed Tea")
        visitor = two.test_client()
        page_two = html_of(visitor, product)
        assert "Jasmine Tea" in page_two  # the other host's page, from Redis
        assert csrf_from(page_two) != csrf_from(page_one)
        assert buy(visitor, product, page_two).status_code == 303
        keys = list(redis.Redis.from_url(REDIS_URL).scan_iter(f"{prefix}*"))
        assert keys
    finally:
        drop_keys(REDIS_URL, f"{prefix}*")


def test_an_unreachable_redis_costs_a_render_not_an_error(app, make, db):
    down, _ = _redis_app(app, "redis://127.0.0.1:1/0?socket_connect_timeout=0.2&socket_timeout=0.2")
    product = make.product(title="Jasmine Tea")
    assert "Jasmine Tea" in html_of(down.test_client(), product)


def test_a_share_link_finds_the_product_by_its_code_in_any_case(make, db):
    from mall.catalog.pages import published_product_ref

    product = make.product()
    hidden = make.product(published=False)
    ref = published_product_ref(db.session, product.code.lower())
    assert (ref.code, ref.brand_id) == (product.code, product.brand_id)
    assert published_product_ref(db.session, hidden.code) is None
    assert published_product_ref(db.session, "X" * 40) is None


def test_a_guides_store_preselected_for_one_visitor_is_not_shared(cached, app, make, db):
    from mall.accounts.models import Role
    from tests.integration.referral_data import partner

    brand = make.brand()
    make.store(brand, name="Jing'an")
    theirs = make.store(brand, name="Xuhui")
    guide = partner(make, brand, user=make.user(Role.GUIDE, store=theirs, name="Guide Gao"))
    product = make.product(brand)
    guided, plain = app.test_client(), app.test_client()
    guided.get(f"/p/{product.code}/{guide.code}")
    assert f'<option value="{theirs.id}" selected>' in html_of(guided, product)
    assert f'<option value="{theirs.id}" selected>' not in html_of(plain, product)
    assert f'<option value="{theirs.id}" selected>' in html_of(guided, product)


def test_a_visitors_remembered_guide_store_is_forgotten_when_they_tap_a_guides_link(cached, app, make, db):
    from mall.accounts.models import Role
    from tests.integration.referral_data import partner

    brand = make.brand()
    make.store(brand, name="Jing'an")
    theirs = make.store(brand, name="Xuhui")
    sharer = partner(make, brand, name="Li Lei")
    guide = partner(make, brand, user=make.user(Role.GUIDE, store=theirs, name="Guide Gao"))
    product = make.product(brand)
    visitor = app.test_client()
    visitor.get(f"/p/{product.code}/{sharer.code}")  # a plain sharer: no store to offer first
    assert f'<option value="{theirs.id}" selected>' not in html_of(visitor, product)
    visitor.get(f"/p/{product.code}/{guide.code}")
    assert f'<option value="{theirs.id}" selected>' in html_of(visitor, product)


def test_a_price_saved_on_one_host_renews_the_fingerprints_of_every_host(app, make, db):
    require_redis(REDIS_URL)
    from mall import page_cache
    from mall.extensions import db as database

    one, prefix = _redis_app(app, REDIS_URL)
    two = create_app({**one.config})
    product = make.product(skus=(("Default", 9900, 10),))
    try:
        with two.app_context():
            seen_by_two = cache.get(page_cache.GENERATION_KEY)
        with one.app_context():
            database.session.get(Sku, product.skus[0].id).price_fen = 8800
            database.session.commit()
            renewed = cache.get(page_cache.GENERATION_KEY)
        with two.app_context():
            assert cache.get(page_cache.GENERATION_KEY) == renewed != seen_by_two
    finally:
        drop_keys(REDIS_URL, f"{prefix}*")
