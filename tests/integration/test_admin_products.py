"""The brand admin's product pages: list and filters, create and edit with SKUs, publish, images, ratio overrides."""
import io

import pytest
from sqlalchemy import select

from mall.accounts.models import Role
from mall.audit.models import AuditLog
from mall.catalog.models import Product, ProductImage, Sku
from mall.clock import utcnow
from mall.commission.models import ProductRatio
from mall.commission.settings import save_settings
from tests.conftest import csrf_from
from tests.integration.admin_support import EN, follow, text

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


@pytest.fixture()
def brand(make):
    return make.brand(name="Tea House")


@pytest.fixture()
def admin(make, brand, login_as):
    return login_as(make.user(Role.BRAND_ADMIN, brand=brand))


def token(client, url):
    return csrf_from(client.get(url, headers=EN).get_data(as_text=True))


def product_form(title="Oolong", skus=(("250 g", "59.90", "", "", "10"),), **extra):
    data = {"title": title, "subtitle": "", "description": "", "promo_ends_at": "", **extra}
    for i, (name, price, list_price, promo, stock) in enumerate(skus):
        data.update({f"skus-{i}-name": name, f"skus-{i}-price": price, f"skus-{i}-list_price": list_price,
                     f"skus-{i}-promo_price": promo, f"skus-{i}-stock": stock})
    return data


def stored_skus(db, product_id):
    db.session.expire_all()
    return [(s.name, s.price_fen, s.stock) for s in
            db.session.scalars(select(Sku).where(Sku.product_id == product_id).order_by(Sku.id))]


def test_list_searches_and_filters(client, make, brand, admin):
    make.product(brand, title="Green Tea", skus=(("S", 1000, 50),))
    make.product(brand, title="Black Tea", skus=(("S", 1000, 2),), published=False)
    make.product(make.brand(), title="Rival Tea")
    page = client.get("/admin/products", headers=EN).get_data(as_text=True)
    assert "Green Tea" in page and "Black Tea" in page and "Rival Tea" not in page
    page = client.get("/admin/products?q=green", headers=EN).get_data(as_text=True)
    assert "Green Tea" in page and "Black Tea" not in page
    page = client.get("/admin/products?published=no", headers=EN).get_data(as_text=True)
    assert "Black Tea" in page and "Green Tea" not in page
    page = client.get("/admin/products?low_stock=y", headers=EN).get_data(as_text=True)
    assert "Black Tea" in page and "Green Tea" not in page


def test_create_with_skus_and_limited_time_end_in_china_time(client, db, brand, admin):
    data = product_form(skus=(("250 g", "59.90", "79.00", "49.90", "10"), ("500 g", "99", "", "", "0")),
                        promo_ends_at="2026-12-31T20:00", published="y")
    response = client.post("/admin/products/new", data={"csrf_token": token(client, "/admin/products/new"), **data},
                           headers=EN)
    assert "Product saved." in follow(client, response)
    product = db.session.scalars(select(Product).where(Product.brand_id == brand.id)).one()
    assert product.published and product.promo_ends_at.isoformat() == "2026-12-31T12:00:00"  # UTC+8
    assert [(s.name, s.price_fen, s.list_price_fen, s.promo_price_fen, s.stock) for s in product.skus] == [
        ("250 g", 5990, 7900, 4990, 10), ("500 g", 9900, None, None, 0)]
    page = client.get(f"/admin/products/{product.id}", headers=EN).get_data(as_text=True)
    assert 'value="2026-12-31T20:00"' in page
    assert db.session.scalar(select(AuditLog.action).where(AuditLog.subject == f"product:{product.id}")) == \
        "catalog.product.create"


@pytest.mark.parametrize("price, stock", [("-5.00", "3"), ("5.00", "-1"), ("0", "3"), ("abc", "3")])
def test_negative_price_or_stock_is_refused_and_nothing_changes(client, db, make, brand, admin, price, stock):
    product = make.product(brand, skus=(("S", 1000, 5),))
    sku = product.skus[0]
    url = f"/admin/products/{product.id}"
    data = product_form(title="Changed", skus=((sku.name, price, "", "", stock),))
    data["skus-0-id"] = str(sku.id)
    response = client.post(url, data={"csrf_token": token(client, url), **data}, headers=EN)
    assert response.status_code == 422
    page = text(response.get_data(as_text=True))
    assert "cannot be negative" in page or "not negative" in page or "above zero" in page
    assert stored_skus(db, product.id) == [("S", 1000, 5)]
    assert db.session.get(Product, product.id).title != "Changed"


def test_edit_updates_sku_and_adds_a_row(client, db, make, brand, admin):
    product = make.product(brand, skus=(("S", 1000, 5),))
    url = f"/admin/products/{product.id}"
    sku_id = product.skus[0].id
    data = product_form(title="Renamed", skus=(("S", "12.50", "", "", "7"), ("L", "20", "", "", "1")))
    data["skus-0-id"] = str(sku_id)
    added = client.post(url, data={"csrf_token": token(client, url), **data, "add_sku": "1"}, headers=EN)
    assert added.status_code == 200 and 'name="skus-2-name"' in added.get_data(as_text=True)
    assert stored_skus(db, product.id) == [("S", 1000, 5)]
    follow(client, client.post(url, data={"csrf_token": token(client, url), **data}, headers=EN))
    assert stored_skus(db, product.id) == [("S", 1250, 7), ("L", 2000, 1)]


def test_publish_and_unpublish(client, db, make, brand, admin):
    product = make.product(brand, published=False)
    url = f"/admin/products/{product.id}"
    assert "on sale" in follow(client, client.post(url + "/publish", data={"csrf_token": token(client, url)},
                                                   headers=EN))
    db.session.expire_all()
    assert db.session.get(Product, product.id).published
    follow(client, client.post(url + "/unpublish", data={"csrf_token": token(client, url)}, headers=EN))
    db.session.expire_all()
    assert not db.session.get(Product, product.id).published


def test_publish_without_csrf_is_refused(client, db, make, brand, admin):
    product = make.product(brand, published=False)
    assert client.post(f"/admin/products/{product.id}/publish", headers=EN).status_code == 400
    db.session.expire_all()
    assert not db.session.get(Product, product.id).published


def test_another_brands_product_is_not_found(client, make, admin):
    other = make.product(make.brand())
    url = f"/admin/products/{other.id}"
    form_token = token(client, "/admin/products/new")
    assert client.get(url, headers=EN).status_code == 404
    for suffix in ("", "/publish", "/unpublish", "/ratios", "/ratios/preview", "/images"):
        assert client.post(url + suffix, data={"csrf_token": form_token}, headers=EN).status_code == 404


@pytest.mark.parametrize("role", [Role.CONSUMER, Role.PARTNER])
def test_non_admins_are_refused(client, make, login_as, role):
    login_as(make.user(role))
    for url in ("/admin/products", "/admin/products/new", "/admin/products/import", "/admin/products/export.csv"):
        assert client.get(url, headers=EN).status_code == 403


def upload(client, product, data, filename="photo.png"):
    url = f"/admin/products/{product.id}"
    return client.post(url + "/images", data={"csrf_token": token(client, url),
                                              "image": (io.BytesIO(data), filename, "image/png")},
                       content_type="multipart/form-data", headers=EN)


def test_html_disguised_as_png_is_refused(client, db, make, brand, admin):
    product = make.product(brand)
    response = upload(client, product, b"<html><script>alert(1)</script></html>")
    assert response.status_code == 422
    assert "Only PNG, JPEG and WebP" in text(response.get_data(as_text=True))
    assert db.session.scalar(select(ProductImage).where(ProductImage.path.like("uploads/%"))) is None


def test_image_over_2_mb_is_refused(client, db, make, brand, admin):
    response = upload(client, make.product(brand), PNG + b"\x00" * (2 * 1024 * 1024))
    assert response.status_code == 422 and "at most 2 MB" in text(response.get_data(as_text=True))


def test_uploaded_image_is_served_as_an_image_with_nosniff(client, db, make, brand, admin):
    product = make.product(brand)
    follow(client, upload(client, product, PNG, filename="evil.html"))
    path = db.session.scalar(select(ProductImage.path).where(ProductImage.path.like("uploads/%")))
    assert path.endswith(".png")
    served = client.get("/media/" + path.removeprefix("uploads/"))
    assert served.status_code == 200 and served.data == PNG
    assert served.headers["Content-Type"] == "image/png"
    assert served.headers["X-Content-Type-Options"] == "nosniff"
    assert served.headers["Content-Disposition"] == "inline"
    assert client.get("/media/..%2Finstance.html").status_code == 404
    assert client.get("/media/nothing.html").status_code == 404


def test_ratio_preview_shows_the_money_and_refuses_above_maximum(client, db, make, brand, admin):
    product = make.product(brand, skus=(("Box", 19900, 10),))
    save_settings(db.session, brand.id, {"levels": 2, "level1_bp": 1000, "level2_bp": 500, "guide_bp": 300,
                                         "store_bp": 200}, actor_id=None, now=utcnow())
    url = f"/admin/products/{product.id}"
    fields = {"csrf_token": token(client, url), "level1": "12.5", "level2": "", "guide": "", "store": ""}
    ok = client.post(url + "/ratios/preview", data=fields, headers={**EN, "HX-Request": "true"})
    page = text(ok.get_data(as_text=True))
    assert "An order of ¥199.00 pays:" in page and "¥24.87" in page and "¥9.95" in page
    too_much = client.post(url + "/ratios/preview", data={**fields, "level1": "25"}, headers=EN)
    assert "Total commission may not exceed 25%" in text(too_much.get_data(as_text=True))
    refused = client.post(url + "/ratios", data={**fields, "level1": "25"}, headers=EN)
    assert refused.status_code == 422 and "may not exceed 25%" in text(refused.get_data(as_text=True))
    assert db.session.get(ProductRatio, product.id) is None
    bad = client.post(url + "/ratios", data={**fields, "level1": "150"}, headers=EN)
    assert bad.status_code == 422 and "between 0 and 100" in text(bad.get_data(as_text=True))
    follow(client, client.post(url + "/ratios", data=fields, headers=EN))
    db.session.expire_all()
    saved = db.session.get(ProductRatio, product.id)
    assert (saved.level1_bp, saved.level2_bp) == (1250, None)


def test_ratio_preview_explains_a_value_that_is_not_a_percentage(client, make, brand, admin):
    product = make.product(brand)
    url = f"/admin/products/{product.id}"
    response = client.post(url + "/ratios/preview", data={"csrf_token": token(client, url), "level1": "ten"},
                           headers={**EN, "HX-Request": "true"})
    assert response.status_code == 200 and "<html" not in response.get_data(as_text=True)
    assert "between 0 and 100" in text(response.get_data(as_text=True))


def test_ratio_preview_prices_this_products_own_unit(client, db, make, brand, admin):
    """Issue 16: not a fixed ¥199.00 example, but one unit of this product at its lowest price."""
    product = make.product(brand, skus=(("250g", 12800, 5), ("500g", 22800, 5)))
    save_settings(db.session, brand.id, {"levels": 1, "level1_bp": 1000, "guide_bp": 0, "store_bp": 0},
                  actor_id=None, now=utcnow())
    url = f"/admin/products/{product.id}"
    fields = {"csrf_token": token(client, url), "level1": "15", "level2": "", "guide": "", "store": ""}
    page = text(client.post(url + "/ratios/preview", data=fields, headers={**EN, "HX-Request": "true"})
                .get_data(as_text=True))
    assert "An order of ¥128.00 pays:" in page and "¥19.20" in page and "¥199.00" not in page
