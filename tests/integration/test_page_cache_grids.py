"""The cached home page, brand page and storefront (mall/page_cache.py, mall/catalog/freshness.py): shared by
anonymous visitors, never with a stale price, a withdrawn product, stale "sold out", a promotion past its end,
another language or a logged-in visitor's page; a storefront view from the cache still records its touch."""
from datetime import timedelta

import pytest
from sqlalchemy import event, func, select

from mall import page_cache
from mall.catalog.models import Product, Sku
from mall.clock import utcnow
from mall.referral.models import Binding, Touch
from mall.storefront.picks import pick
from tests.integration.referral_data import partner
from tests.integration.test_page_cache import EN, cached, retitle  # noqa: F401  (the fixture)

pytestmark = pytest.mark.usefixtures("cached")  # every test here runs with the page cache on


def page(client, path: str, headers=EN) -> str:
    response = client.get(path, headers=headers)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_home_page_is_shared_and_a_price_change_shows_at_once(app, make, db):
    product = make.product(title="Jasmine Tea", skus=(("Default", 9900, 10),))
    assert "¥99.00" in page(app.test_client(), "/")
    retitle(db, product, "Renamed Tea")
    assert "Jasmine Tea" in page(app.test_client(), "/")  # served from the cache
    db.session.get(Sku, product.skus[0].id).price_fen = 8800
    db.session.commit()
    html = page(app.test_client(), "/")
    assert "¥88.00" in html and "¥99.00" not in html


def test_a_withdrawn_product_leaves_the_brand_page_at_once(app, make, db):
    brand = make.brand(name="Tea House")
    make.product(brand, title="Oolong")
    withdrawn = make.product(brand, title="Jasmine Tea")
    assert "Jasmine Tea" in page(app.test_client(), f"/b/{brand.slug}")
    db.session.get(Product, withdrawn.id).published = False
    db.session.commit()
    html = page(app.test_client(), f"/b/{brand.slug}")
    assert "Jasmine Tea" not in html and "Oolong" in html


def test_selling_out_shows_on_the_brand_page_at_once(app, make, db):
    brand = make.brand()
    product = make.product(brand, skus=(("Default", 9900, 3),))
    assert "Sold out" not in page(app.test_client(), f"/b/{brand.slug}")
    db.session.get(Sku, product.skus[0].id).stock = 0
    db.session.commit()
    assert "Sold out" in page(app.test_client(), f"/b/{brand.slug}")


def test_a_limited_time_price_leaves_the_home_page_at_its_end(app, make, db):
    make.product(skus=(("Default", 9900, 30),), promo=(6900, timedelta(days=1)))
    assert "¥69.00" in page(app.test_client(), "/")
    product = db.session.scalars(select(Product)).one()
    product.promo_ends_at = utcnow() - timedelta(seconds=1)
    db.session.commit()
    html = page(app.test_client(), "/")
    assert "¥69.00" not in html and "¥99.00" in html


def test_the_language_is_part_of_the_grid_key(app, make):
    brand = make.brand()
    make.product(brand, skus=(("Default", 9900, 0),))
    assert "Sold out" in page(app.test_client(), f"/b/{brand.slug}")
    assert "Sold out" not in page(app.test_client(), f"/b/{brand.slug}", headers={"Accept-Language": "zh-CN"})


def test_a_logged_in_visitor_never_gets_or_leaves_a_shared_home_page(app, client, make, db, login_as):
    product = make.product(title="Jasmine Tea")
    login_as(make.user(role="consumer"))
    assert "My orders" in page(client, "/")
    retitle(db, product, "Renamed Tea")
    assert "Renamed Tea" in page(client, "/")  # rendered for them, not from the cache
    anonymous = page(app.test_client(), "/")
    assert "My orders" not in anonymous and "csrf_token" not in anonymous


def test_a_cached_storefront_still_records_every_visitors_touch(app, make, db):
    brand = make.brand()
    make.product(brand, title="Jasmine Tea")
    owner = partner(make, brand)
    first, second = app.test_client(), app.test_client()
    assert "Jasmine Tea" in page(first, f"/shop/{owner.code}")
    assert "Jasmine Tea" in page(second, f"/shop/{owner.code}")
    touches = db.session.scalars(select(Touch).where(Touch.channel == "storefront")).all()
    assert len(touches) == 2 and len({t.visitor_key for t in touches}) == 2
    assert all(t.partner_id == owner.id for t in touches)


def test_a_storefront_pick_and_a_price_change_show_at_once(app, make, db):
    brand = make.brand()
    make.product(brand, title="Oolong")
    green = make.product(brand, title="Green Tea", skus=(("Tin", 3900, 10),))
    owner = partner(make, brand)
    page(app.test_client(), f"/shop/{owner.code}")
    pick(db.session, owner.user_id, green.id, now=utcnow())
    db.session.commit()
    html = page(app.test_client(), f"/shop/{owner.code}")
    assert "Green Tea" in html and "Oolong" not in html  # only the pick is shown now
    db.session.get(Sku, green.skus[0].id).price_fen = 2900
    db.session.commit()
    html = page(app.test_client(), f"/shop/{owner.code}")
    assert "¥29.00" in html and "¥39.00" not in html
    assert db.session.scalar(select(func.count()).select_from(Touch)) == 3


def test_a_remembered_fingerprint_never_outlives_what_it_says_it_holds(app):
    app.config["PAGE_FRESHNESS_SECONDS"] = 1
    try:
        with app.app_context():
            page_cache.forget()
            now = utcnow()
            assert page_cache.remembered("k", now, lambda: ("promotion running", 0)) == "promotion running"
            assert page_cache.remembered("k", now, lambda: ("promotion over", 5)) == "promotion over"
            assert page_cache.remembered("k", now, lambda: ("changed", 5)) == "promotion over"  # within the second
            assert page_cache.remembered("k", now + timedelta(seconds=1), lambda: ("changed", 5)) == "changed"
    finally:
        app.config["PAGE_FRESHNESS_SECONDS"] = 0
        page_cache.forget()


def test_a_price_saved_shows_on_the_next_page_however_long_fingerprints_are_remembered(app, make, db):
    product = make.product(skus=(("Default", 9900, 10),))
    app.config["PAGE_FRESHNESS_SECONDS"] = 60
    try:
        page_cache.forget()
        assert "¥99.00" in page(app.test_client(), f"/p/{product.code}")
        db.session.get(Sku, product.skus[0].id).price_fen = 8800
        db.session.commit()
        assert "¥88.00" in page(app.test_client(), f"/p/{product.code}")
    finally:
        app.config["PAGE_FRESHNESS_SECONDS"] = 0
        page_cache.forget()


def test_a_commit_of_shown_rows_renews_the_token_and_other_commits_do_not(app, make, db):
    from mall.extensions import cache

    product = make.product(skus=(("Default", 9900, 10),))
    sharer = partner(make, product.brand)
    before = cache.get(page_cache.GENERATION_KEY)
    db.session.add(Touch(brand_id=product.brand_id, partner_id=sharer.id, channel="link", visitor_key="v-1",
                         created_at=utcnow()))
    db.session.commit()
    assert cache.get(page_cache.GENERATION_KEY) == before  # a visit changes nothing a page shows
    db.session.get(Sku, product.skus[0].id).price_fen = 8800
    db.session.flush()
    db.session.rollback()
    assert cache.get(page_cache.GENERATION_KEY) == before
    db.session.get(Sku, product.skus[0].id).price_fen = 8800
    db.session.commit()
    assert cache.get(page_cache.GENERATION_KEY) != before


def test_another_process_renewing_the_token_makes_this_one_ask_again(app):
    """What a commit on another host does, seen from this one: its remembered fingerprints are not reused."""
    from mall.extensions import cache

    app.config["PAGE_FRESHNESS_SECONDS"] = 60
    try:
        with app.app_context():
            page_cache.forget()
            now = utcnow()
            assert page_cache.remembered("k", now, lambda: ("old", 60)) == "old"
            assert page_cache.remembered("k", now, lambda: ("new", 60)) == "old"
            cache.set(page_cache.GENERATION_KEY, "another host's commit", timeout=0)
            assert page_cache.remembered("k", now, lambda: ("new", 60)) == "new"
    finally:
        app.config["PAGE_FRESHNESS_SECONDS"] = 0
        page_cache.forget()


def test_a_cached_storefront_visit_binds_under_the_brands_rule_without_asking_for_the_owner_again(app, make, db):
    brand = make.brand()
    make.product(brand, title="Jasmine Tea")
    owner = partner(make, brand)
    app.config["PAGE_FRESHNESS_SECONDS"] = 60
    seen = []

    def note(_conn, _cursor, statement, *_args):
        seen.append(statement.split(None, 1)[0].upper())

    path = f"/shop/{owner.code}"
    try:
        page(app.test_client(), path)  # rendered; the owner's partner rows (and the brand's rule) are remembered
        page(app.test_client(), path)  # (the first visit made the brand's settings row)
        event.listen(db.engine, "before_cursor_execute", note)
        try:
            page(app.test_client(), path)
        finally:
            event.remove(db.engine, "before_cursor_execute", note)
    finally:
        app.config["PAGE_FRESHNESS_SECONDS"] = 0
        page_cache.forget()
    # The touch, the visitor's open bindings, the new binding: no partner, user or settings read per visit.
    assert [s for s in seen if s in ("SELECT", "INSERT", "UPDATE")] == ["INSERT", "SELECT", "INSERT"]
    bindings = db.session.scalars(select(Binding).order_by(Binding.id)).all()
    assert [(b.partner_id, b.reason) for b in bindings] == [(owner.id, "first_touch")] * 3
