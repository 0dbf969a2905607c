"""Storefronts (选品 -> 我的小店): picking across brands, ordering, title and intro, attribution with channel
"storefront", and products vanishing when their brand unpublishes them or ends the partnership."""
import html

from sqlalchemy import func, select

from mall.catalog.models import Product
from mall.referral.models import Partner, Touch
from mall.storefront.models import StorefrontPick
from tests.conftest import csrf_from
from tests.integration.referral_data import partner
from tests.integration.sharing_support import EN


def change(client, action, product, next_url="/partner/share?tab=products"):
    token = csrf_from(client.get("/partner/share", headers=EN).get_data(as_text=True))
    return client.post(f"/partner/storefront/{action}", data={"csrf_token": token, "product_id": str(product.id),
                                                              "next": next_url}, headers=EN)


def shop(client, code):
    response = client.get(f"/shop/{code}", headers=EN)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def order_on_page(page, products):
    found = sorted((page.index(p.title), p.title) for p in products if p.title in page)
    return [title for _, title in found]


def test_a_partner_picks_products_of_their_brands_and_orders_them(db, make, client, login_as):
    tea, coffee = make.brand(name="Tea Co"), make.brand(name="Coffee Co")
    oolong, jasmine = make.product(tea, title="Oolong Tin"), make.product(tea, title="Jasmine Tin")
    beans = make.product(coffee, title="Yunnan Beans")
    user = make.user(name="Zhang Wei")
    mine_tea, mine_coffee = partner(make, tea, user=user), partner(make, coffee, user=user)
    login_as(user)
    for product in (oolong, beans, jasmine):
        assert change(client, "pick", product).status_code == 303
    change(client, "pick", oolong)  # a second tap is the same pick
    assert db.session.scalar(select(func.count()).select_from(StorefrontPick)) == 3
    page = shop(client, mine_tea.code)
    assert order_on_page(page, [oolong, jasmine, beans]) == ["Oolong Tin", "Yunnan Beans", "Jasmine Tin"]
    other_code = shop(client, mine_coffee.code.lower())  # any of the owner's codes, in any case
    assert order_on_page(other_code, [oolong, jasmine, beans]) == ["Oolong Tin", "Yunnan Beans", "Jasmine Tin"]

    change(client, "up", jasmine)  # Oolong, Jasmine, Beans
    change(client, "down", oolong)  # Jasmine, Oolong, Beans
    change(client, "down", oolong)  # Jasmine, Beans, Oolong
    change(client, "down", oolong)  # already last
    page = shop(client, mine_tea.code)
    assert order_on_page(page, [oolong, jasmine, beans]) == ["Jasmine Tin", "Yunnan Beans", "Oolong Tin"]
    change(client, "unpick", beans)
    assert order_on_page(shop(client, mine_tea.code), [oolong, jasmine, beans]) == ["Jasmine Tin", "Oolong Tin"]


def test_title_and_intro_are_saved_and_shown_with_open_graph_tags(db, make, client, login_as):
    brand = make.brand()
    product = make.product(brand, title="Oolong Tin", skus=(("Tin", 12800, 5),))
    me = partner(make, brand)
    login_as(me.user)
    change(client, "pick", product)
    page = client.get("/partner/share?tab=storefront", headers=EN).get_data(as_text=True)
    response = client.post("/partner/storefront/details", headers=EN, data={
        "csrf_token": csrf_from(page), "title": "Wei's <tea> corner", "intro": "Only what I drink myself."})
    assert response.status_code == 303
    page = shop(client, me.code)
    assert "Wei&#39;s &lt;tea&gt; corner" in page and "Only what I drink myself." in page
    assert '<meta property="og:title" content="Wei&#39;s &lt;tea&gt; corner">' in page
    assert '<meta property="og:image" content="http://localhost/static/demo/product-01.png">' in page
    assert '<meta property="product:price:amount" content="128.00">' in page
    too_long = client.post("/partner/storefront/details", headers=EN, data={
        "csrf_token": csrf_from(page), "title": "x" * 41, "intro": ""})
    assert "At most 40 characters, please." in html.unescape(follow_page(client, too_long))
    assert "Wei&#39;s &lt;tea&gt; corner" in shop(client, me.code)


def follow_page(client, response):
    assert response.status_code == 303
    return client.get(response.headers["Location"], headers=EN).get_data(as_text=True)


def test_only_products_of_brands_one_partners_can_be_picked(db, make, client, login_as):
    brand, other = make.brand(), make.brand()
    foreign, hidden = make.product(other, title="Foreign"), make.product(brand, published=False)
    login_as(partner(make, brand).user)
    for product in (foreign, hidden):
        page = follow_page(client, change(client, "pick", product))
        assert "cannot be added to your storefront" in page
    assert db.session.scalar(select(func.count()).select_from(StorefrontPick)) == 0
    token = csrf_from(client.get("/partner/share", headers=EN).get_data(as_text=True))
    for bad in ("", "abc", "99999999999", "-1"):
        response = client.post("/partner/storefront/pick", data={"csrf_token": token, "product_id": bad}, headers=EN)
        assert response.status_code == 303
    evil = client.post("/partner/storefront/pick", data={"csrf_token": token, "product_id": "1",
                                                         "next": "https://evil.example/"}, headers=EN)
    assert evil.headers["Location"].startswith("/partner/share")


def test_unpublished_products_and_ended_partnerships_disappear_from_the_storefront(db, make, client, login_as):
    tea, coffee = make.brand(), make.brand()
    oolong, beans = make.product(tea, title="Oolong Tin"), make.product(coffee, title="Yunnan Beans")
    user = make.user()
    mine_tea, mine_coffee = partner(make, tea, user=user), partner(make, coffee, user=user)
    login_as(user)
    change(client, "pick", oolong)
    change(client, "pick", beans)
    assert {"Oolong Tin", "Yunnan Beans"} <= set(order_on_page(shop(client, mine_tea.code), [oolong, beans]))

    db.session.execute(Product.__table__.update().where(Product.id == oolong.id).values(published=False))
    db.session.commit()
    assert order_on_page(shop(client, mine_tea.code), [oolong, beans]) == ["Yunnan Beans"]

    db.session.execute(Partner.__table__.update().where(Partner.id == mine_coffee.id).values(status="disabled"))
    db.session.commit()
    page = shop(client, mine_tea.code)
    assert "Yunnan Beans" not in page and "Oolong Tin" not in page  # nothing left: the brand's own list instead

    db.session.execute(Product.__table__.update().where(Product.id == oolong.id).values(published=True))
    db.session.commit()
    assert order_on_page(shop(client, mine_tea.code), [oolong, beans]) == ["Oolong Tin"]


def test_a_storefront_visit_credits_the_owner_in_each_brand_on_show(db, make, client, login_as):
    tea, coffee, third = make.brand(), make.brand(), make.brand()
    oolong, beans = make.product(tea), make.product(coffee)
    user = make.user()
    mine_tea, mine_coffee = partner(make, tea, user=user), partner(make, coffee, user=user)
    partner(make, third, user=user)  # a brand with nothing picked: not on show, so no touch
    login_as(user)
    change(client, "pick", oolong)
    change(client, "pick", beans)
    client.post("/logout")
    visitor = client.application.test_client()
    visitor.get(f"/shop/{mine_tea.code}。")  # pasted with a full stop
    touches = db.session.scalars(select(Touch).order_by(Touch.brand_id)).all()
    assert [(t.brand_id, t.partner_id, t.channel) for t in touches] == [
        (tea.id, mine_tea.id, "storefront"), (coffee.id, mine_coffee.id, "storefront")]


def test_an_empty_storefront_shows_the_brand_of_the_code_as_before(db, make, client):
    brand = make.brand(description="Hand-picked teas")
    make.product(brand, title="Oolong Tin")
    me = partner(make, brand)
    page = shop(client, me.code)
    assert "Oolong Tin" in page and "Hand-picked teas" in page
    assert db.session.scalars(select(Touch.channel)).all() == ["storefront"]
