"""Share links record touches and bind customers under the brand's rule; stale links never error."""
from sqlalchemy import select

from mall.accounts.models import Role
from mall.referral.models import Binding, Touch
from mall.referral.visitor import COOKIE, read_visitor_key
from tests.integration.referral_data import partner, rules

EN = {"Accept-Language": "en"}


def touches(db):
    return db.session.scalars(select(Touch).order_by(Touch.id)).all()


def bindings(db, kind="sharer"):
    return db.session.scalars(select(Binding).where(Binding.kind == kind).order_by(Binding.id)).all()


def test_product_link_records_a_touch_and_lands_on_the_product(db, make, client):
    brand = make.brand()
    product = make.product(brand)
    sharer = partner(make, brand)
    response = client.get(f"/p/{product.code}/{sharer.code.lower()}")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/p/{product.code}")
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith(f"{COOKIE}=") and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    assert "Max-Age=63072000" in cookie
    [touch] = touches(db)
    assert (touch.partner_id, touch.channel, touch.target, touch.user_id) == (sharer.id, "link",
                                                                             f"product:{product.code}", None)
    assert touch.visitor_key == read_visitor_key(client.get_cookie(COOKIE).value)
    # The same browser keeps its visitor key on the next link.
    client.get(f"/p/{product.code}/{sharer.code}")
    assert len({t.visitor_key for t in touches(db)}) == 1
    assert len(bindings(db)) == 1


def test_a_forged_visitor_cookie_is_replaced(db, make, client):
    brand = make.brand()
    product, sharer = make.product(brand), partner(make, brand)
    client.set_cookie(COOKIE, "someone-elses-id")
    client.get(f"/p/{product.code}/{sharer.code}")
    assert touches(db)[0].visitor_key != "someone-elses-id"


def test_stale_and_foreign_links_redirect_quietly(db, make, client):
    brand, other = make.brand(), make.brand()
    product = make.product(brand)
    foreign = partner(make, other)
    for path, lands_on in [
        (f"/p/{product.code}/ZZZZZZ", f"/p/{product.code}"),  # unknown code
        (f"/p/{product.code}/{foreign.code}", f"/p/{product.code}"),  # a partner of another brand
        (f"/p/{product.code}/not-a-code!", f"/p/{product.code}"),
        ("/p/ZZZZZZZ/ZZZZZZ", "/"),  # the product is gone
        ("/r/ZZZZZZ", "/"),
        ("/shop/ZZZZZZ", "/"),
        ("/s/ZZZZZZ", "/"),
    ]:
        response = client.get(path, headers=EN)
        assert response.status_code == 302, path
        assert response.headers["Location"] == lands_on, path
    assert touches(db) == []


def test_home_link_storefront_and_store_code(db, make, client):
    brand = make.brand(slug="teahouse")
    store = make.store(brand)
    make.product(brand, title="Oolong Tea")
    make.product(brand, title="Hidden Draft", published=False)
    sharer = partner(make, brand, name="Wang Fang")

    response = client.get(f"/r/{sharer.code}")
    assert response.headers["Location"] == "/b/teahouse"

    page = client.get(f"/shop/{sharer.code}", headers=EN)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "Recommended by W**" in html and "Wang Fang" not in html  # the partner is masked too
    assert "Oolong Tea" in html and "Hidden Draft" not in html

    response = client.get(f"/s/{store.code.lower()}")
    assert response.headers["Location"] == "/b/teahouse"

    home, shop, counter = touches(db)
    assert (home.channel, home.target, home.partner_id) == ("link", "home", sharer.id)
    assert (shop.channel, shop.partner_id) == ("storefront", sharer.id)
    assert (counter.channel, counter.store_id, counter.partner_id) == ("store_code", store.id, None)


def test_storefront_fragment_for_htmx_paging_is_not_a_new_visit(db, make, client):
    brand = make.brand()
    make.product(brand, title="Oolong Tea")
    sharer = partner(make, brand)
    response = client.get(f"/shop/{sharer.code}", headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert "Oolong Tea" in html and "<html" not in html
    assert touches(db) == []


def test_a_logged_in_visitor_is_recorded_as_the_user(db, make, client, login_as):
    brand = make.brand()
    product, sharer = make.product(brand), partner(make, brand)
    buyer = login_as(make.user())
    client.get(f"/p/{product.code}/{sharer.code}")
    assert touches(db)[0].user_id == buyer.id
    [binding] = bindings(db)
    assert (binding.user_id, binding.partner_id, binding.reason) == (buyer.id, sharer.id, "first_touch")


def test_binding_per_mode_through_the_links(app, db, make):
    """first touch locks within protection; last touch wins; at registration, touches alone never bind."""
    expectations = {"first_touch": ("A", 1), "last_touch": ("B", 2), "at_registration": (None, 0)}
    for mode, (bound_to, rows) in expectations.items():
        brand = make.brand()
        rules(db.session, brand, binding_mode=mode)
        product = make.product(brand)
        a, b = partner(make, brand), partner(make, brand)
        browser = app.test_client()
        browser.get(f"/p/{product.code}/{a.code}")
        browser.get(f"/p/{product.code}/{b.code}")
        history = db.session.scalars(select(Binding).where(Binding.brand_id == brand.id).order_by(Binding.id)).all()
        assert len(history) == rows, mode
        open_ = [h for h in history if h.ended_at is None]
        assert [o.partner_id for o in open_] == ([{"A": a, "B": b}[bound_to].id] if bound_to else []), mode
        if mode == "last_touch":  # the first binding is ended, not overwritten
            assert history[0].partner_id == a.id and history[0].ended_at is not None
            assert history[1].reason == "last_touch"


def test_a_guides_link_carries_guide_and_store_and_binds_both(db, make, client):
    brand = make.brand()
    store = make.store(brand)
    product = make.product(brand)
    guide_user = make.user(Role.GUIDE, store=store)
    guide = partner(make, brand, user=guide_user)
    client.get(f"/p/{product.code}/{guide.code}")
    [touch] = touches(db)
    assert (touch.partner_id, touch.store_id) == (guide.id, store.id)
    assert [b.partner_id for b in bindings(db, "sharer")] == [guide.id]
    assert [b.partner_id for b in bindings(db, "guide")] == [guide.id]


def test_a_guide_of_another_brand_is_only_a_sharer_here(db, make, client):
    brand, other = make.brand(), make.brand()
    product = make.product(brand)
    guide_user = make.user(Role.GUIDE, store=make.store(other))
    sharer = partner(make, brand, user=guide_user)
    client.get(f"/p/{product.code}/{sharer.code}")
    assert touches(db)[0].store_id is None
    assert bindings(db, "guide") == []


def test_a_disabled_partners_link_is_recorded_but_binds_nobody(db, make, client):
    brand = make.brand()
    product = make.product(brand)
    disabled = partner(make, brand, status="disabled")
    client.get(f"/p/{product.code}/{disabled.code}")
    assert len(touches(db)) == 1
    assert bindings(db) == []
