"""The share centre: a partner's links with copy fields and QR codes; QR images only for this mall."""
import re

import pytest

from mall.accounts.models import Role
from tests.integration.referral_data import partner

EN = {"Accept-Language": "en"}


def page(client, path="/partner/share"):
    response = client.get(path, headers=EN)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def test_share_centre_lists_links_with_qr_codes(db, make, client, login_as):
    brand = make.brand(slug="teahouse")
    product = make.product(brand, title="Oolong Tea")
    make.product(brand, title="Hidden Draft", published=False)
    me = partner(make, brand)
    login_as(me.user)
    html = page(client)
    assert me.code in html
    for path in (f"/r/{me.code}", f"/shop/{me.code}", f"/join/{me.code}", f"/p/{product.code}/{me.code}"):
        assert len(path) < 32
        assert f'value="http://localhost{path}"' in html, path  # a select-all field to copy from
    for path in (f"/r/{me.code}", f"/shop/{me.code}", f"/join/{me.code}"):
        assert f"/qr.png?u={path}" in html, path
    assert f"/partner/posters/product/{product.code}.png" in html  # a product is shared as a poster, not a bare QR
    assert "Oolong Tea" in html and "Hidden Draft" not in html
    assert html.count('<svg viewBox=') == 3 and 'class="qr"' in html
    assert html.count("data-copy=") == 3 + 2  # each link; the product's link and its ready text
    assert " style=" not in html and "<script>" not in html  # CSP: no inline styles or scripts
    assert "/s/" not in html  # not a guide: no store code


def test_a_guide_also_gets_the_store_code_and_a_partner_row_on_first_visit(db, make, client, login_as):
    brand = make.brand()
    store = make.store(brand, name="West Lake Store")
    guide = login_as(make.user(Role.GUIDE, store=store))
    html = page(client)
    assert f"/s/{store.code}" in html and "West Lake Store" in html
    assert re.search(r'class="code-big">([A-Z0-9]{6})<', html)
    assert guide.role == Role.GUIDE


def test_share_centre_pages_products_and_serves_the_fragment_to_htmx(db, make, client, login_as):
    brand = make.brand()
    for n in range(12):
        make.product(brand, title=f"Tea {n:02d}")
    me = partner(make, brand)
    login_as(me.user)
    first = page(client)
    assert first.count('class="share-card"') == 10 and 'rel="next"' in first
    fragment = client.get(f"/partner/share?brand={brand.slug}&page=2", headers={**EN, "HX-Request": "true"})
    html = fragment.get_data(as_text=True)
    assert "<html" not in html and html.count('class="share-card"') == 2 and 'id="share-products"' in html


def test_share_centre_switches_between_brands_and_404s_for_others(db, make, client, login_as):
    tea, coffee, other = make.brand(name="Tea Co"), make.brand(name="Coffee Co"), make.brand()
    user = make.user()
    mine_tea = partner(make, tea, user=user)
    mine_coffee = partner(make, coffee, user=user)
    login_as(user)
    assert mine_tea.code in page(client) and "Coffee Co" in page(client)
    assert mine_coffee.code in page(client, f"/partner/share?brand={coffee.slug}")
    assert client.get(f"/partner/share?brand={other.slug}").status_code == 404


@pytest.mark.parametrize("status, shown", [("pending", "waiting for the brand"), ("disabled", "disabled")])
def test_an_inactive_partner_sees_why_and_no_links(db, make, client, login_as, status, shown):
    brand = make.brand()
    make.product(brand)
    me = partner(make, brand, status=status)
    login_as(me.user)
    html = page(client)
    assert shown in html and "/qr.png" not in html


def test_share_centre_needs_a_login_and_explains_to_non_partners(db, make, client, login_as):
    response = client.get("/partner/share")
    assert response.status_code == 302 and "/login" in response.headers["Location"]
    login_as(make.user())
    assert "not a partner yet" in page(client)


@pytest.mark.parametrize("target", ["/p/ABCDEFG/XYZ234", "/shop/XYZ234", "/r/XYZ234", "/join/XYZ234", "/s/XYZ234",
                                    "/p/ABCDEFG", "/"])
def test_qr_png_for_share_paths_of_this_mall(db, client, target):
    response = client.get("/qr.png", query_string={"u": target})
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    assert response.data.startswith(b"\x89PNG\r\n\x1a\n")


@pytest.mark.parametrize("target", ["https://evil.example/p/X", "//evil.example/p/X", "evil.example", "",
                                    "/login", "/partner/share", "/qr.png", "/p/X/Y/Z", "/p/../../etc",
                                    "/shop/X?next=https://evil.example", "javascript:alert(1)", "/shop/" + "A" * 80])
def test_qr_png_refuses_anything_else(db, client, target):
    response = client.get("/qr.png", query_string={"u": target}, headers=EN)
    assert response.status_code == 400
    assert response.mimetype == "text/html"


def test_store_qr_codes(db, make, client):
    store = make.store(make.brand())
    png = client.get(f"/s/{store.code}/qr.png")
    assert png.status_code == 200 and png.mimetype == "image/png"
    svg = client.get(f"/s/{store.code.lower()}/qr.svg")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml" and b"<svg" in svg.data
    assert client.get("/s/ZZZZZZ/qr.png").status_code == 404
