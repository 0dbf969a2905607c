"""Share posters over HTTP: the partner's own, 750 px wide, their short link in the QR code, cached per
(item, partner, price, language) and drawn again when the price or the picture changes."""
import io

from PIL import Image

from mall.catalog.models import ProductImage, Sku
from tests.integration.live_support import Room
from tests.integration.referral_data import partner
from tests.integration.sharing_support import EN, ZH, content_item, qr_texts


def poster(client, path, headers=EN):
    response = client.get(path, headers=headers)
    assert response.status_code == 200, response.status_code
    assert response.mimetype == "image/png"
    return response


def test_a_product_poster_is_750_px_wide_and_its_qr_code_is_the_partners_link(db, make, client, login_as):
    brand = make.brand()
    product = make.product(brand, title="云南普洱 熟茶饼", skus=(("Cake", 12800, 5),))
    me = partner(make, brand, name="张小花")
    code = me.code
    login_as(me.user)
    response = poster(client, f"/partner/posters/product/{product.code}.png")
    with Image.open(io.BytesIO(response.data)) as image:
        assert image.width == 750
    assert qr_texts(response.data) == [f"http://localhost/p/{product.code}/{code}"]


def test_posters_are_cached_and_drawn_again_when_the_price_or_the_picture_changes(db, make, client, login_as):
    brand = make.brand()
    product = make.product(brand, skus=(("Tin", 9900, 5),))
    login_as(partner(make, brand).user)
    url = f"/partner/posters/product/{product.code}.png"
    first = poster(client, url)
    again = poster(client, url)
    assert (first.headers["X-Poster-Cache"], again.headers["X-Poster-Cache"]) == ("miss", "hit")
    assert again.data == first.data

    db.session.execute(Sku.__table__.update().where(Sku.product_id == product.id).values(price_fen=8800))
    db.session.commit()
    cheaper = poster(client, url)
    assert cheaper.headers["X-Poster-Cache"] == "miss" and cheaper.data != first.data
    assert poster(client, url).headers["X-Poster-Cache"] == "hit"

    db.session.execute(ProductImage.__table__.update().where(ProductImage.product_id == product.id)
                       .values(path="demo/product-05.png"))
    db.session.commit()
    assert poster(client, url).headers["X-Poster-Cache"] == "miss"
    # Another language is another poster (its texts differ); the English one stays cached.
    assert poster(client, url, headers=ZH).headers["X-Poster-Cache"] == "miss"
    assert poster(client, url).headers["X-Poster-Cache"] == "hit"


def test_each_partner_gets_their_own_poster(db, make, client, login_as):
    brand = make.brand()
    product = make.product(brand)
    mine, theirs = partner(make, brand), partner(make, brand)
    login_as(mine.user)
    assert qr_texts(poster(client, f"/partner/posters/product/{product.code}.png").data) == [
        f"http://localhost/p/{product.code}/{mine.code}"]
    assert theirs.code not in qr_texts(poster(client, f"/partner/posters/product/{product.code}.png").data)[0]


def test_content_and_storefront_posters_carry_their_links(db, make, client, login_as):
    brand = make.brand(slug="teahouse")
    item = content_item(make, brand, product=make.product(brand))
    me = partner(make, brand)
    login_as(me.user)
    content = poster(client, f"/partner/posters/content/{item.id}.png")
    assert qr_texts(content.data) == [f"http://localhost/c/{item.code}/{me.code}"]
    shop = poster(client, "/partner/posters/storefront/teahouse.png")
    assert qr_texts(shop.data) == [f"http://localhost/shop/{me.code}"]


def test_posters_only_for_the_partners_own_active_brands(db, make, client, login_as):
    brand, other = make.brand(), make.brand()
    product, foreign = make.product(brand), make.product(other)
    item = content_item(make, other)
    hidden = make.product(brand, published=False)
    assert client.get(f"/partner/posters/product/{product.code}.png").status_code == 302  # guests log in first
    login_as(partner(make, brand).user)
    for path in (f"/partner/posters/product/{foreign.code}.png", f"/partner/posters/product/{hidden.code}.png",
                 f"/partner/posters/content/{item.id}.png", f"/partner/posters/storefront/{other.slug}.png",
                 "/partner/posters/product/NOPE.png", "/partner/posters/content/99999999999.png"):
        assert client.get(path).status_code == 404, path


def test_a_disabled_partner_gets_no_poster(db, make, client, login_as):
    brand = make.brand()
    product = make.product(brand)
    login_as(partner(make, brand, status="disabled").user)
    assert client.get(f"/partner/posters/product/{product.code}.png").status_code == 404


def test_a_live_room_poster_invites_with_the_partners_link_and_follows_the_live_price(db, make, client, login_as):
    room = Room(make, db.session)
    login_as(room.sharer.user)
    url = f"/partner/posters/live/{room.room.code}.png"
    first = poster(client, url)
    with Image.open(io.BytesIO(first.data)) as image:
        assert image.width == 750
    assert qr_texts(first.data) == [f"http://localhost/l/{room.room.code}/{room.sharer.code}"]
    assert poster(client, url).headers["X-Poster-Cache"] == "hit"
    room.live_item.live_price_fen = 6900
    db.session.commit()
    assert poster(client, url).headers["X-Poster-Cache"] == "miss"
    room.start()
    room.end()
    assert client.get(url).status_code == 404  # an ended room is no invitation
    another_brands = Room(make, db.session)  # its own brand, which this partner does not partner
    assert client.get(f"/partner/posters/live/{another_brands.room.code}.png").status_code == 404
