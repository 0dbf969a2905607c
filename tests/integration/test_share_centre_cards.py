"""The redesigned share centre: each product's picture, price, "earn ¥X" from the ratios in force, stock, its
link and ready text; "hot this week" by the brand's paid orders; pasted links that still open."""
import html
import re
from datetime import timedelta

from sqlalchemy import select

from mall.accounts.models import Role
from mall.clock import utcnow
from mall.commission.models import CommissionShare, ProductRatio
from mall.orders.models import Order, OrderLine, OrderStatus
from mall.referral.models import Touch
from tests.integration.live_support import Room
from tests.integration.referral_data import partner, rules
from tests.integration.sharing_support import EN, buy, content_item

CARD = re.compile(r'<li class="share-card" id="card-([A-Z0-9]+)">(.*?)</li>', re.S)


def cards(client, query="") -> dict[str, str]:
    page = client.get("/partner/share" + query, headers=EN).get_data(as_text=True)
    return {code: " ".join(html.unescape(re.sub(r"<[^>]+>", " ", body)).split()) for code, body in CARD.findall(page)}


def test_a_card_shows_price_stock_and_what_the_partner_earns_at_the_ratios_in_force(db, make, client, login_as):
    brand = make.brand()
    rules(db.session, brand, level1_bp=1000, level2_bp=500, guide_bp=300)
    tin = make.product(brand, title="Oolong Tin", skus=(("Tin", 12800, 7), ("Box", 30000, 2)))
    special = make.product(brand, title="Special", skus=(("One", 9999, 0),))
    db.session.add(ProductRatio(product_id=special.id, level1_bp=1250))
    db.session.commit()
    me = partner(make, brand)
    login_as(me.user)
    shown = cards(client)
    assert "Oolong Tin ¥128.00 Earn ¥12.80 9 in stock" in shown[tin.code]
    assert "Special ¥99.99 Earn ¥12.49 Sold out" in shown[special.code]  # 12.5% of 99.99, rounded down
    assert f"Oolong Tin, only ¥128.00. Order here: http://localhost/p/{tin.code}/{me.code}" in shown[tin.code]


def test_earn_is_what_the_commission_plan_gives_the_partner_on_a_sale_through_their_link(db, make, client, login_as):
    brand = make.brand()
    rules(db.session, brand, level1_bp=1100, guide_bp=400)
    store = make.store(brand)
    product = make.product(brand, title="Oolong Tin", skus=(("Tin", 12345, 5),))
    guide = make.user(Role.GUIDE, store=store, name="Li Guide")
    guide_partner = partner(make, brand, user=guide)
    login_as(guide)
    earn = cards(client)[product.code]
    client.post("/logout")
    buyer = client.application.test_client()
    buyer.get(f"/p/{product.code}/{guide_partner.code}")
    buy(buyer, product)
    order = db.session.scalars(select(Order)).one()
    planned = sum(db.session.scalars(select(CommissionShare.amount_fen).where(
        CommissionShare.order_id == order.id, CommissionShare.partner_id == guide_partner.id)))
    assert planned == 1357 + 493  # level 1 (11%) and the guide's 4%, each rounded down
    assert f"Earn ¥{planned / 100:.2f}" in earn


def test_hot_this_week_orders_by_the_brands_paid_units_of_the_last_seven_days(db, make, client, login_as):
    brand = make.brand()
    quiet, hot, old_hit = (make.product(brand, title=t) for t in ("Quiet", "Hot", "Old hit"))
    buyer = make.user()

    def sold(product, units, days_ago, status=OrderStatus.PAID):
        n = len(db.session.scalars(select(Order.id)).all())
        order = Order(number=f"H{n:06d}{product.id}", token=f"t{n}-{product.id}", idempotency_key=f"k{n}-{product.id}",
                      brand_id=brand.id, user_id=buyer.id, status=status, contact_name="Li", contact_phone="13800001234",
                      total_fen=100 * units, paid_at=utcnow() - timedelta(days=days_ago))
        db.session.add(order)
        db.session.flush()
        db.session.add(OrderLine(order_id=order.id, product_id=product.id, sku_id=product.skus[0].id, title="x",
                                 sku_name="x", unit_price_fen=100, quantity=units, total_fen=100 * units))
        db.session.commit()

    sold(hot, 3, 1)
    sold(quiet, 1, 2)
    sold(old_hit, 50, 9)  # last month's hit is not this week's
    sold(quiet, 20, 1, status=OrderStatus.REFUNDED)  # refunded orders are no sales
    login_as(partner(make, brand).user)
    assert list(cards(client, "?sort=hot")) == [hot.code, quiet.code, old_hit.code]
    assert list(cards(client)) == [old_hit.code, hot.code, quiet.code]  # newest first
    assert list(cards(client, "?q=hot")) == [hot.code]  # search


def test_pasted_links_with_punctuation_full_width_forms_or_upper_case_still_credit(db, make, client):
    brand = make.brand()
    product = make.product(brand)
    me = partner(make, brand)
    item = content_item(make, brand)
    for path in (f"/p/{product.code}/{me.code}。", f"/p/{product.code}/{me.code}),", f"/p/{product.code}/{me.code}，谢谢",
                 f"/p/{product.code.lower()}/{me.code.lower()}", f"/c/{item.code}/{me.code}！"):
        assert client.get(path).status_code in (200, 302), path
    for path, target in ((f"/P/{product.code}/{me.code}", f"/p/{product.code}/{me.code}"),
                         (f"/SHOP/{me.code}", f"/shop/{me.code}"), (f"/shop/{me.code}/", f"/shop/{me.code}"),
                         (f"/R/{me.code}", f"/r/{me.code}"), (f"/Ｐ/{product.code}", f"/p/{product.code}")):
        response = client.get(path)
        assert response.status_code == 301 and response.headers["Location"] == target, path
    assert client.get("/ADMIN/orders").status_code == 404  # only share pages are tidied
    for hostile in (f"//P/{product.code}/{me.code}", f"//evil.example/p/{product.code}。", f"/\\evil.example/SHOP/{me.code}"):
        response = client.get(hostile)
        assert response.status_code in (301, 308, 400, 404), hostile
        assert "evil" not in response.headers.get("Location", "") and not response.headers.get(
            "Location", "").startswith("//"), hostile
    touches = db.session.scalars(select(Touch.partner_id)).all()
    assert touches == [me.id] * 5


def test_the_content_item_page_carries_open_graph_tags_with_absolute_urls_and_price(db, make, client):
    brand = make.brand()
    product = make.product(brand, skus=(("Tin", 12800, 3),))
    item = content_item(make, brand, title="Spring <harvest>", body="Fresh & green: {link}", product=product)
    page = client.get(f"/c/{item.code}", headers=EN).get_data(as_text=True)
    assert '<meta property="og:title" content="Spring &lt;harvest&gt;">' in page
    assert '<meta property="og:description" content="Fresh &amp; green:">' in page
    assert '<meta property="og:image" content="http://localhost/static/demo/product-02.png">' in page
    assert '<meta property="product:price:amount" content="128.00">' in page
    assert f'<meta property="og:url" content="http://localhost/c/{item.code}">' in page


def test_the_share_centre_fits_a_phone_and_has_its_tabs(db, make, client, login_as):
    brand = make.brand()
    make.product(brand)
    login_as(partner(make, brand).user)
    page = client.get("/partner/share", headers=EN).get_data(as_text=True)
    for tab in ("products", "content", "storefront"):
        assert f"tab={tab}" in page
    assert " style=" not in page and "<script>" not in page
    for tab in ("content", "storefront"):
        assert client.get(f"/partner/share?tab={tab}", headers=EN).status_code == 200
    fragment = client.get("/partner/share?tab=content", headers={**EN, "HX-Request": "true"})
    assert 'id="share-content"' in fragment.get_data(as_text=True) and "<html" not in fragment.get_data(as_text=True)


def test_tidying_never_redirects_to_another_host(app, db, make):
    me = partner(make, make.brand())
    for path in (f"//evil.example/shop/{me.code}).", f"//SHOP/{me.code}", f"///r/{me.code}/"):
        response = app.test_client().get("/", environ_overrides={"PATH_INFO": path})
        location = response.headers.get("Location", "")
        assert not location.startswith("//") and "evil" not in location, (path, response.status_code, location)


def test_the_live_rooms_tab_has_each_rooms_invite_link_and_poster(db, make, client, login_as):
    room = Room(make, db.session)
    login_as(room.sharer.user)
    page = client.get("/partner/share?tab=live", headers=EN).get_data(as_text=True)
    assert "Spring Tasting" in page
    assert f'value="http://localhost/l/{room.room.code}/{room.sharer.code}"' in page
    assert f"/partner/posters/live/{room.room.code}.png" in page
    room.start()
    room.end()
    assert "Spring Tasting" not in client.get("/partner/share?tab=live", headers=EN).get_data(as_text=True)


def test_the_live_room_page_carries_open_graph_description_image_and_live_price(db, make, client):
    room = Room(make, db.session)
    page = client.get(f"/l/{room.room.code}", headers=EN).get_data(as_text=True)
    assert '<meta property="og:title" content="Spring Tasting">' in page
    assert '<meta property="og:description" content="Tea House · ' in page
    assert '<meta property="og:image" content="http://localhost/static/demo/product-01.png">' in page
    assert '<meta property="product:price:amount" content="79.00">' in page  # the room's own price
