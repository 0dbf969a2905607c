"""Issue 16, the buy sheet: quantity − / +, the line total and the amount to pay computed by the server (htmx
swaps them; without JavaScript the − / + buttons submit and the page comes back with the sheet open); a
thumbnail of the option; how many are left; the price reads "¥99.00起 ¥158.00"; a guide's link preselects
the guide's store; the mock payment page names the brand."""
import re
import secrets

from mall.accounts.models import Role
from mall.clock import utcnow
from mall.orders.checkout import CheckoutRequest, place_order
from tests.integration.referral_data import partner
from tests.integration.test_checkout import open_sheet

EN = {"Accept-Language": "en"}


def figure(html: str, element_id: str) -> str:
    return re.search(rf'id="{element_id}"[^>]*>([^<]*)<', html).group(1).strip()


def sheet(client, product, htmx=False, **changes):
    data = {**open_sheet(client, product), **changes}
    headers = {**EN, "HX-Request": "true"} if htmx else EN
    return client.post(f"/p/{product.code}/sheet", data=data, headers=headers)


def test_the_sheet_shows_the_line_total_and_the_amount_to_pay(client, db, make):
    product = make.product(skus=(("250g", 12800, 5), ("500g", 22800, 5)))
    html = client.get(f"/p/{product.code}", headers=EN).get_data(as_text=True)
    assert figure(html, "amount-to-pay") == "¥128.00"
    assert "¥128.00 × 1 = ¥128.00" in html
    assert 'class="sku-thumb"' in html and 'name="step" value="1"' in html and 'name="step" value="-1"' in html


def test_plus_without_javascript_brings_the_page_back_with_the_sheet_open_and_new_figures(client, db, make):
    product = make.product(skus=(("250g", 12800, 5), ("500g", 22800, 5)))
    response = sheet(client, product, sku_id=str(product.skus[1].id), quantity="2", step="1")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert 'class="sheet open"' in html
    assert re.search(r'id="quantity" name="quantity" value="3"', html)
    assert "¥228.00 × 3 = ¥684.00" in html and figure(html, "amount-to-pay") == "¥684.00"
    assert "王小明" in html  # what the buyer typed stays
    assert re.search(r'<input checked id="sku_id-1"', html)


def test_htmx_gets_only_the_figures_and_the_submit_buttons_amount(client, db, make):
    product = make.product(skus=(("250g", 12800, 5), ("500g", 22800, 5)))
    response = sheet(client, product, htmx=True, sku_id=str(product.skus[1].id), quantity="2")
    html = response.get_data(as_text=True)
    assert "<html" not in html and html.lstrip().startswith("<div id=\"sheet-quote\"")
    assert figure(html, "amount-to-pay") == "¥456.00"
    assert '<span id="submit-amount" hx-swap-oob="true">¥456.00</span>' in html
    assert "HX-Request" in response.headers["Vary"]


def test_minus_stops_at_one_and_plus_at_what_is_left(client, db, make):
    product = make.product(skus=(("Box", 10000, 3),))
    low = sheet(client, product, htmx=True, quantity="1", step="-1").get_data(as_text=True)
    assert figure(low, "amount-to-pay") == "¥100.00"
    high = sheet(client, product, htmx=True, quantity="3", step="1").get_data(as_text=True)
    assert figure(high, "amount-to-pay") == "¥300.00" and "Only 3 left of this option." in high
    assert re.search(r'<input type="number" id="quantity" name="quantity" value="3"[^>]*hx-swap-oob="true"', high)
    assert "hx-swap-oob=\"true\">" not in sheet(client, product, htmx=True, quantity="2").get_data(as_text=True) \
        .replace('<span id="submit-amount" hx-swap-oob="true">', "")  # within stock: the typed number stays
    typed = sheet(client, product, htmx=True, quantity="9").get_data(as_text=True)
    assert figure(typed, "amount-to-pay") == "¥300.00" and "Only 3 left" in typed
    nonsense = sheet(client, product, htmx=True, quantity="abc")
    assert nonsense.status_code == 200 and figure(nonsense.get_data(as_text=True), "amount-to-pay") == "¥100.00"


def test_the_sheet_never_promises_a_confirmation_page(client, db, make):
    html = client.get(f"/p/{make.product().code}", headers=EN).get_data(as_text=True)
    assert "confirmed on the next page" not in html
    assert "You pay on the next page" in html


def test_the_from_price_reads_with_the_price_then_the_struck_one(client, db, make):
    product = make.product(skus=(("S", 9900, 5), ("L", 15800, 5)))
    for sku in product.skus:
        sku.list_price_fen = 15800
    db.session.commit()
    html = client.get(f"/p/{product.code}", headers={"Accept-Language": "zh-CN"}).get_data(as_text=True)
    assert re.search(r'<span class="price">¥99\.00</span>起 <s class="was">¥158\.00</s>', html)


def test_a_guides_link_preselects_the_guides_store_for_pickup(client, db, make):
    brand = make.brand()
    first, theirs = make.store(brand, name="Jing'an"), make.store(brand, name="Xuhui")
    guide = partner(make, brand, user=make.user(Role.GUIDE, store=theirs, name="Guide Gao"))
    product = make.product(brand)
    plain = client.get(f"/p/{product.code}", headers=EN).get_data(as_text=True)
    assert f'<option value="{theirs.id}" selected>' not in plain
    client.get(f"/p/{product.code}/{guide.code}")
    html = client.get(f"/p/{product.code}", headers=EN).get_data(as_text=True)
    assert f'<option value="{theirs.id}" selected>' in html and f'<option value="{first.id}" selected>' not in html


def test_the_order_page_shows_the_options_thumbnail(client, db, make):
    product = make.product(title="Jasmine Tea")
    order = place_order(db.session, CheckoutRequest(
        sku_id=product.skus[0].id, quantity=1, contact_name="王小明", contact_phone="13800138000", delivery="ship",
        address="上海市静安区南京西路 1 号", idempotency_key=secrets.token_urlsafe(16)), now=utcnow())
    db.session.commit()
    html = client.get(f"/o/{order.token}", headers=EN).get_data(as_text=True)
    assert re.search(r'<img class="sku-thumb" src="[^"]*product-01\.png"', html)


def test_the_mock_payment_page_names_the_brand(client, db, make):
    product = make.product(make.brand(name="Tea House Li"))
    data = open_sheet(client, product)
    response = client.post(f"/p/{product.code}/buy", data=data, headers=EN)
    page = client.get(response.headers["Location"], headers=EN).get_data(as_text=True)
    assert figure(page, "payee") == "Tea House Li"


def test_the_sheet_needs_its_csrf_token_and_changes_nothing(client, db, make):
    product = make.product(skus=(("Box", 10000, 3),))
    data = open_sheet(client, product)
    del data["csrf_token"]
    assert client.post(f"/p/{product.code}/sheet", data=data).status_code == 400
    assert sheet(client, product, quantity="2").status_code == 200
    db.session.expire_all()
    assert product.skus[0].stock == 3


def test_hostile_sheet_input_never_breaks_the_page(client, db, make):
    product = make.product(skus=(("Box", 10000, 3),))
    for changes in ({"sku_id": "abc"}, {"sku_id": "99999999999999"}, {"sku_id": ""}, {"quantity": "-5"},
                    {"quantity": "1e9"}, {"quantity": "99999999999999999999"}, {"step": "999"}, {"step": "x"}):
        for htmx in (False, True):
            response = sheet(client, product, htmx=htmx, **changes)
            assert response.status_code == 200, changes
            assert "¥" in figure(response.get_data(as_text=True), "amount-to-pay")
