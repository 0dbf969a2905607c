"""The content pool: a brand admin publishes an item, a partner copies it with their own link (escaped), and the
item's statistics follow it from the touch its link records to the paid order and its GMV, per partner."""
import html
import io
from datetime import timedelta

from sqlalchemy import func, select

from mall.accounts.models import Role
from mall.clock import utcnow
from mall.content.models import ContentEvent, ContentItem, ContentOrder
from mall.content.stats import stats_by_item, stats_by_partner
from mall.orders.models import Order, RefundStatus
from mall.orders.refunds import book_refund, request_refund
from mall.referral.models import Touch
from tests.conftest import csrf_from
from tests.integration.admin_support import follow
from tests.integration.referral_data import partner
from tests.integration.sharing_support import EN, buy, content_item, pay_latest, picture


def admin_post(client, url, data, files=()):
    token = csrf_from(client.get(url, headers=EN).get_data(as_text=True))
    payload = {"csrf_token": token, **data}
    if files:
        payload["images"] = [(io.BytesIO(f), f"p{n}.png", "image/png") for n, f in enumerate(files)]
    return client.post(url, data=payload, content_type="multipart/form-data", headers=EN)


def test_a_brand_admin_publishes_an_item_with_images_and_a_product(db, make, client, login_as):
    brand = make.brand()
    product = make.product(brand, title="Oolong")
    login_as(make.user(Role.BRAND_ADMIN, brand=brand))
    response = admin_post(client, "/admin/content/new", {
        "title": "Spring oolong", "body": "Fresh from the hills: {link}", "product_code": product.code.lower(),
        "tags": "tea  spring", "starts_at": "", "ends_at": ""}, files=[picture((1, 2, 3)), picture((4, 5, 6))])
    page = follow(client, response)
    item = db.session.scalars(select(ContentItem)).one()
    assert "Spring oolong is saved." in page
    assert (item.brand_id, item.product_id, item.tags, len(item.images)) == (brand.id, product.id, "tea spring", 2)
    assert all(image.path.startswith("uploads/") for image in item.images)


def test_bad_items_are_refused_with_a_reason_and_nothing_is_saved(db, make, client, login_as):
    brand, other = make.brand(), make.brand()
    foreign = make.product(other)
    login_as(make.user(Role.BRAND_ADMIN, brand=brand))
    cases = [
        ({"title": "No images", "body": "x {link}"}, [], "An item has one to nine images."),
        ({"title": "Too many", "body": "x {link}"}, [picture((n, 0, 0)) for n in range(10)], "one to nine images"),
        ({"title": "Foreign", "body": "x", "product_code": foreign.code}, [picture()], "No product of this brand"),
        ({"title": "Window", "body": "x", "starts_at": "2030-01-02T10:00", "ends_at": "2030-01-01T10:00"},
         [picture()], "must come after its start"),
        ({"title": "Not an image", "body": "x"}, [b"<html>hi</html>"], "Only PNG, JPEG and WebP"),
    ]
    for data, files, message in cases:
        response = admin_post(client, "/admin/content/new", data, files=files)
        assert response.status_code == 422, data
        assert message in html.unescape(response.get_data(as_text=True)), data
    assert db.session.scalar(select(func.count()).select_from(ContentItem)) == 0


def test_partners_copy_an_item_with_their_own_link_filled_in_and_escaped(db, make, client, login_as):
    brand = make.brand(slug="teahouse")
    item = content_item(make, brand, body='<b>New</b> & "fresh": {link} {{link}}')
    content_item(make, brand, title="Later", starts_at=utcnow() + timedelta(days=1))
    content_item(make, brand, title="Over", ends_at=utcnow() - timedelta(days=1))
    me = partner(make, brand)
    login_as(me.user)
    page = client.get("/partner/share?tab=content", headers=EN).get_data(as_text=True)
    link = f"http://localhost/c/{item.code}/{me.code}"
    assert f"&lt;b&gt;New&lt;/b&gt; &amp; &#34;fresh&#34;: {link} {{link}}</textarea>" in page
    assert "<b>New</b>" not in page and "Later" not in page and "Over" not in page
    assert f"/partner/posters/content/{item.id}.png" in page
    token = csrf_from(page) if 'name="csrf_token"' in page else None
    copied = client.post(f"/partner/share/content/{item.id}/copy", headers={**EN, "X-CSRFToken": token})
    assert copied.status_code == 204
    assert client.post(f"/partner/share/content/{item.id}/copy", headers=EN).status_code == 400  # no CSRF token
    events = db.session.scalars(select(ContentEvent).order_by(ContentEvent.id)).all()
    assert [(e.item_id, e.partner_id, e.kind) for e in events] == [(item.id, me.id, "view"), (item.id, me.id, "copy")]
    assert client.post("/partner/share/content/99999/copy", headers={**EN, "X-CSRFToken": token}).status_code == 404


def test_the_pool_is_searchable(db, make, client, login_as):
    brand = make.brand()
    content_item(make, brand, title="Jasmine launch", tags="flower")
    content_item(make, brand, title="Oolong week", body="Mountain tea {link}")
    login_as(partner(make, brand).user)
    page = client.get("/partner/share?tab=content&q=mountain", headers=EN).get_data(as_text=True)
    assert "Oolong week" in page and "Jasmine launch" not in page
    page = client.get("/partner/share?tab=content&q=flow", headers=EN).get_data(as_text=True)
    assert "Jasmine launch" in page and "Oolong week" not in page
    assert client.get("/partner/share?tab=content&q=%25_%5C", headers=EN).status_code == 200


def test_a_touch_through_an_item_leads_to_its_orders_and_gmv(db, make, client, login_as):
    brand = make.brand()
    product = make.product(brand, skus=(("Tin", 12800, 10),))
    item = content_item(make, brand, product=product)
    sharer, other = partner(make, brand), partner(make, brand)
    page = client.get(f"/c/{item.code}/{sharer.code}", headers=EN)
    assert page.status_code == 200 and "Spring harvest" in page.get_data(as_text=True)
    touch = db.session.scalars(select(Touch)).one()
    assert (touch.partner_id, touch.channel, touch.content_item_id) == (sharer.id, "content", item.id)

    buy(client, product)
    order = pay_latest(db.session)
    counted = db.session.get(ContentOrder, order.id)
    assert (counted.item_id, counted.partner_id, counted.gmv_fen) == (item.id, sharer.id, 12800)

    db.session.add(ContentEvent(item_id=item.id, partner_id=other.id, kind="poster", created_at=utcnow()))
    db.session.commit()
    total = stats_by_item(db.session, [item.id])[item.id]
    assert (total.visits, total.orders, total.gmv_fen, total.posters) == (1, 1, 12800, 1)
    per_partner = stats_by_partner(db.session, item.id)
    assert (per_partner[sharer.id].orders, per_partner[sharer.id].gmv_fen, per_partner[sharer.id].posters) == (1, 12800, 0)
    assert (per_partner[other.id].orders, per_partner[other.id].posters) == (0, 1)

    admin = make.user(Role.BRAND_ADMIN, brand=brand)
    client.post("/logout")
    login_as(admin)
    shown = html.unescape(client.get(f"/admin/content/{item.id}", headers=EN).get_data(as_text=True))
    assert "¥128.00" in shown and sharer.code in shown
    listing = html.unescape(client.get("/admin/content", headers=EN).get_data(as_text=True))
    assert "visits 1 · orders 1 · GMV ¥128.00" in listing


def test_an_order_not_through_an_item_counts_for_none(db, make, client):
    brand = make.brand()
    product = make.product(brand)
    content_item(make, brand, product=product)
    sharer = partner(make, brand)
    client.get(f"/p/{product.code}/{sharer.code}")  # the product link itself, not the item's
    buy(client, product)
    pay_latest(db.session)
    assert db.session.scalar(select(func.count()).select_from(ContentOrder)) == 0
    assert db.session.scalar(select(func.count()).select_from(Order)) == 1


def test_an_item_of_another_brand_is_no_touch_and_another_brands_admin_sees_nothing(db, make, client, login_as):
    brand, other = make.brand(), make.brand()
    item = content_item(make, brand)
    foreign_partner = partner(make, other)
    client.get(f"/c/{item.code}/{foreign_partner.code}")
    assert db.session.scalar(select(func.count()).select_from(Touch)) == 0
    login_as(make.user(Role.BRAND_ADMIN, brand=other))
    for url in (f"/admin/content/{item.id}", f"/admin/content/{item.id}/edit"):
        assert client.get(url, headers=EN).status_code == 404
    assert item.title not in client.get("/admin/content", headers=EN).get_data(as_text=True)


def test_an_ended_item_is_gone_from_the_pool_and_its_link_leads_home(db, make, client, login_as):
    brand = make.brand()
    item = content_item(make, brand)
    login_as(make.user(Role.BRAND_ADMIN, brand=brand))
    token = csrf_from(client.get(f"/admin/content/{item.id}", headers=EN).get_data(as_text=True))
    follow(client, client.post(f"/admin/content/{item.id}/end", data={"csrf_token": token}, headers=EN))
    assert client.get(f"/c/{item.code}").status_code == 302


def test_a_refund_takes_back_from_the_items_gmv_once(db, make, client):
    brand = make.brand()
    product = make.product(brand, skus=(("Tin", 10000, 10),))
    item = content_item(make, brand, product=product)
    sharer = partner(make, brand)
    client.get(f"/c/{item.code}/{sharer.code}")
    buy(client, product)
    order = pay_latest(db.session)
    refund = request_refund(db.session, order.id, items=[(order.lines[0].id, 3000)], reason="dented", now=utcnow())
    refund.status = RefundStatus.APPROVED  # the provider's side is the payments tests' business
    db.session.flush()
    assert book_refund(db.session, refund.id, now=utcnow())  # publishes RefundCompleted, as the provider's answer does
    assert not book_refund(db.session, refund.id, now=utcnow())  # its replay books (and subtracts) nothing
    db.session.commit()
    stats = stats_by_item(db.session, [item.id])[item.id]
    assert (stats.orders, stats.gmv_fen) == (1, 7000)


def test_an_admin_edits_an_item_dropping_and_adding_images(db, make, client, login_as):
    brand = make.brand()
    item = content_item(make, brand)
    login_as(make.user(Role.BRAND_ADMIN, brand=brand))
    url = f"/admin/content/{item.id}/edit"
    assert "Spring harvest" in client.get(url, headers=EN).get_data(as_text=True)
    old_image = item.images[0].id
    response = admin_post(client, url, {"title": "Summer harvest", "body": "Still fresh: {link}",
                                        "drop_images": str(old_image)}, files=[picture((9, 9, 9))])
    follow(client, response)
    db.session.expire_all()
    item = db.session.get(ContentItem, item.id)
    assert item.title == "Summer harvest" and [i.path.startswith("uploads/") for i in item.images] == [True]
    emptied = admin_post(client, url, {"title": "No pictures", "body": "x",
                                       "drop_images": str(item.images[0].id)})
    assert emptied.status_code == 422
    db.session.expire_all()
    assert db.session.get(ContentItem, item.id).title == "Summer harvest"


def test_an_item_invites_to_a_live_room_of_its_brand_only(db, make, client, login_as):
    from tests.integration.live_support import Room

    shop = Room(make, db.session)
    other = Room(make, db.session)
    login_as(shop.admin)
    refused = admin_post(client, "/admin/content/new", {"title": "Foreign room", "body": "x {link}",
                                                        "room_code": other.room.code}, files=[picture()])
    assert refused.status_code == 422
    assert "No live room of this brand has that code." in html.unescape(refused.get_data(as_text=True))
    assert db.session.scalar(select(func.count()).select_from(ContentItem)) == 0
    saved = admin_post(client, "/admin/content/new", {"title": "Tasting tonight", "body": "Join us: {link}",
                                                      "room_code": shop.room.code.lower()}, files=[picture()])
    follow(client, saved)
    item = db.session.scalars(select(ContentItem)).one()
    assert item.live_room_id == shop.room.id
    page = html.unescape(client.get(f"/c/{item.code}/{shop.sharer.code}", headers=EN).get_data(as_text=True))
    assert f'href="/l/{shop.room.code}"' in page and "Spring Tasting goes live" in page
    shop.start()
    page = html.unescape(client.get(f"/c/{item.code}", headers=EN).get_data(as_text=True))
    assert "Watch Spring Tasting live" in page
    edit = html.unescape(client.get(f"/admin/content/{item.id}/edit", headers=EN).get_data(as_text=True))
    assert f'value="{shop.room.code}"' in edit
