"""The short product page a shared link opens: price, promo clock, stock, social proof, unfurl tags."""
import re
from datetime import timedelta
from itertools import count

import pytest

from mall.catalog.models import Sku
from mall.clock import utcnow
from mall.orders.models import Order, OrderLine

EN = {"Accept-Language": "en"}
_n = count(1)


def page(client, code):
    response = client.get(f"/p/{code}", headers=EN)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def meta(html, prop):
    match = re.search(rf'<meta (?:property|name)="{re.escape(prop)}" content="([^"]*)"', html)
    return match.group(1) if match else None


def order(db, product, *, name, status="paid", minutes_ago=3, quantity=1):
    """An order row as checkout would leave it; social proof must read real orders only."""
    sku = product.skus[0]
    n = next(_n)
    o = Order(number=f"T{n:06d}", token=f"token-{n}", idempotency_key=f"key-{n}", brand_id=product.brand_id,
              status=status, contact_name=name, contact_phone="13800138000", address="上海",
              total_fen=sku.price_fen * quantity, created_at=utcnow() - timedelta(minutes=minutes_ago))
    db.session.add(o)
    db.session.flush()
    db.session.add(OrderLine(order_id=o.id, product_id=product.id, sku_id=sku.id, title=product.title,
                             sku_name=sku.name, unit_price_fen=sku.price_fen, quantity=quantity,
                             total_fen=sku.price_fen * quantity))
    db.session.commit()
    return o


def test_shows_title_price_skus_and_stock(client, make):
    product = make.product(title="Jasmine Tea", subtitle="Spring harvest",
                           skus=(("250g", 12800, 30), ("500g", 22800, 20)))
    html = page(client, product.code)
    assert "Jasmine Tea" in html and "Spring harvest" in html
    assert "from <span class=\"price\">¥128.00</span>" in html
    assert "250g" in html and "¥228.00" in html
    assert "50 in stock" in html
    assert 'id="buy-now"' in html and 'href="#buy"' in html and 'class="buybar"' in html


def test_list_price_is_crossed_out(client, make, db):
    product = make.product(skus=(("Default", 9900, 30),))
    product.skus[0].list_price_fen = 12900
    db.session.commit()
    html = page(client, product.code)
    assert '<span class="price">¥99.00</span> <s class="was">¥129.00</s>' in html


def test_running_promo_shows_limited_price_and_countdown(client, make):
    product = make.product(skus=(("Default", 9900, 30),), promo=(6900, timedelta(days=2, hours=3)))
    html = page(client, product.code)
    assert "Limited-time price" in html
    assert '<span class="price">¥69.00</span> <s class="was">¥99.00</s>' in html
    countdown = re.search(r'data-countdown="(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)"[^>]*>\s*([^<]+?)\s*<', html)
    assert countdown, "no countdown element"
    assert countdown.group(1) == product.promo_ends_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert re.fullmatch(r"2d 0[23]:\d\d:\d\d", countdown.group(2))  # the server renders the time left


def test_ended_promo_shows_regular_price_without_countdown(client, make, db):
    product = make.product(skus=(("Default", 9900, 30),), promo=(6900, timedelta(days=1)))
    product.promo_ends_at = utcnow() - timedelta(minutes=1)
    db.session.commit()
    html = page(client, product.code)
    assert "data-countdown" not in html and "Limited-time price" not in html
    assert "¥69.00" not in html and "¥99.00" in html


def test_low_stock_is_a_warning_and_sold_out_sku_is_marked(client, make):
    product = make.product(skus=(("Red", 5000, 3), ("Blue", 5000, 0)))
    html = page(client, product.code)
    assert 'class="stock-low">Only 3 left' in html
    assert "Sold out" in html  # the Blue row


def test_everything_sold_out_disables_buying(client, make):
    product = make.product(skus=(("Default", 5000, 0),))
    html = page(client, product.code)
    assert 'href="#buy"' not in html
    assert 'aria-disabled="true"' in html


def test_open_graph_tags_unfurl_the_link(client, make):
    product = make.product(title="Oolong <Tin>", subtitle="Roasted", skus=(("A", 12800, 5), ("B", 9900, 5)))
    html = page(client, product.code)
    assert meta(html, "og:type") == "product"
    assert meta(html, "og:title") == "Oolong &lt;Tin&gt;"
    assert meta(html, "og:description") == "Roasted"
    assert meta(html, "og:url") == f"http://localhost/p/{product.code}"
    assert meta(html, "og:image") == "http://localhost/static/demo/product-01.png"
    assert meta(html, "product:price:amount") == "99.00"
    assert meta(html, "product:price:currency") == "CNY"
    assert meta(html, "twitter:card") == "summary_large_image"
    assert meta(html, "twitter:image").startswith("http://localhost/static/")


def test_html_in_a_title_is_escaped(client, make):
    product = make.product(title='<script>alert("x")</script>Tea', description="<b>bold</b>\nsecond line")
    html = page(client, product.code)
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;Tea" in html
    assert "<b>bold</b>" not in html and "&lt;b&gt;bold&lt;/b&gt;" in html


def test_social_proof_lists_masked_recent_buyers(client, make, db):
    product = make.product(skus=(("Default", 5000, 50),))
    order(db, product, name="张三丰", minutes_ago=3, quantity=2)
    order(db, product, name="Li Lei", status="completed", minutes_ago=60)
    html = page(client, product.code)
    assert "Recent orders" in html
    assert "张** ordered 3 minutes ago" in html
    assert "L** ordered 1 hour ago" in html
    assert "张三丰" not in html and "Li Lei" not in html
    assert html.index("张**") < html.index("L**")  # newest first
    assert "3 sold" in html


def test_social_proof_ignores_unpaid_and_cancelled_orders_and_other_products(client, make, db):
    product = make.product(skus=(("Default", 5000, 50),))
    other = make.product(brand=product.brand, skus=(("Default", 5000, 50),))
    order(db, product, name="王五", status="pending_payment")
    order(db, product, name="赵六", status="cancelled")
    order(db, other, name="钱七")
    html = page(client, product.code)
    assert "Recent orders" not in html and "sold" not in html
    assert "王**" not in html and "赵**" not in html and "钱**" not in html


def test_social_proof_shows_at_most_five_orders(client, make, db):
    product = make.product(skus=(("Default", 5000, 50),))
    for minutes in range(1, 8):
        order(db, product, name=f"{'甲乙丙丁戊己庚'[minutes - 1]}某", minutes_ago=minutes)
    html = page(client, product.code)
    assert html.count(" ordered ") == 5
    assert "甲**" in html and "庚**" not in html  # the oldest two are left out
    assert "7 sold" in html


def test_pickup_stores_and_brand_link(client, make):
    brand = make.brand("Cloud Tea", slug="cloud-tea")
    make.store(brand, name="Jing'an Store", address="1266 West Nanjing Road")
    make.store(brand, name="Closed Store", active=False)
    product = make.product(brand)
    html = page(client, product.code)
    assert "Jing&#39;an Store" in html and "1266 West Nanjing Road" in html
    assert "Closed Store" not in html
    assert 'href="/b/cloud-tea"' in html


@pytest.mark.parametrize("typed", ["lower", "mixed", "padded"])
def test_codes_are_case_insensitive(client, make, typed):
    product = make.product(title="Case Tea")
    code = {"lower": product.code.lower(), "mixed": product.code[:3].lower() + product.code[3:],
            "padded": f" {product.code.lower()}"}[typed]
    html = page(client, code)
    assert "Case Tea" in html
    assert meta(html, "og:url") == f"http://localhost/p/{product.code}"  # one canonical link


@pytest.mark.parametrize("code", ["NOPE234", "x" * 300, "%3Cscript%3E", "0"])
def test_unknown_codes_are_a_friendly_404(client, make, code):
    make.product()
    response = client.get(f"/p/{code}", headers=EN)
    assert response.status_code == 404
    assert "could not find" in response.get_data(as_text=True)


def test_unpublished_product_is_a_404(client, make):
    product = make.product(published=False, title="Secret Tea")
    response = client.get(f"/p/{product.code}", headers=EN)
    assert response.status_code == 404
    assert "Secret Tea" not in response.get_data(as_text=True)


def test_stock_shown_is_the_current_stock(client, make, db):
    product = make.product(skus=(("Default", 5000, 50),))
    db.session.get(Sku, product.skus[0].id).stock = 12
    db.session.commit()
    assert "12 in stock" in page(client, product.code)
