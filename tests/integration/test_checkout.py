"""Buy now through the product page's form: prices from the server, one order per submit, bad input refused."""
import pytest
from sqlalchemy import func, select

from mall.catalog.models import Sku
from mall.orders.models import Order
from tests.conftest import csrf_from
from tests.factories import hours

EN = {"Accept-Language": "en"}
ADDRESS = "上海市静安区南京西路 1 号"


def open_sheet(client, product) -> dict:
    """GET the product page and return the buy form's defaults, as the browser would send them."""
    html = client.get(f"/p/{product.code}", headers=EN).get_data(as_text=True)
    key = html.split('name="idempotency_key" type="hidden" value="')[1].split('"')[0]
    return {"csrf_token": csrf_from(html), "idempotency_key": key, "sku_id": str(product.skus[0].id),
            "quantity": "1", "contact_name": "王小明", "contact_phone": "13800138000", "delivery": "ship",
            "address": ADDRESS, "note": ""}


def submit(client, product, **changes):
    data = {**open_sheet(client, product), **changes}
    data = {k: v for k, v in data.items() if v is not None}
    return client.post(f"/p/{product.code}/buy", data=data, headers=EN)


def orders(db) -> list[Order]:
    return db.session.scalars(select(Order)).all()


def stock(db, sku_id) -> int:
    return db.session.scalar(select(Sku.stock).where(Sku.id == sku_id))


def test_a_guest_order_is_created_and_the_buyer_sent_to_pay(client, make, db):
    product = make.product(title="Jasmine Tea", skus=(("250g", 12800, 3), ("500g", 22800, 5)))
    response = submit(client, product, sku_id=str(product.skus[1].id), quantity="2")

    assert response.status_code == 303
    assert "/mockpay/" in response.headers["Location"]
    [order] = orders(db)
    assert (order.status, order.total_fen, order.user_id) == ("pending_payment", 45600, None)
    [line] = order.lines
    assert (line.title, line.sku_name, line.unit_price_fen, line.quantity) == ("Jasmine Tea", "500g", 22800, 2)
    assert stock(db, product.skus[1].id) == 3
    assert stock(db, product.skus[0].id) == 3
    page = client.get(response.headers["Location"], headers=EN).get_data(as_text=True)
    assert "¥456.00" in page


def test_the_buy_sheet_offers_the_skus_and_marks_sold_out_ones(client, make):
    brand = make.brand()
    make.store(brand, name="Jing'an store")
    product = make.product(brand, skus=(("250g", 12800, 3), ("500g", 22800, 0)))
    html = client.get(f"/p/{product.code}", headers=EN).get_data(as_text=True)
    assert 'id="buy" class="sheet"' in html
    assert 'class="buy-form" data-once' in html
    for element_id in ("quantity", "contact_name", "contact_phone", "address", "pickup_store_id",
                       "delivery-0", "delivery-1", "submit-order"):
        assert f'id="{element_id}"' in html
    assert '<input checked id="sku_id-0"' in html
    assert '<input disabled id="sku_id-1"' in html
    assert "500g · ¥228.00 · Sold out" in html


def test_the_limited_time_price_is_charged_while_it_runs(client, make, db):
    product = make.product(skus=(("Box", 10000, 5),), promo=(7900, hours(2)))
    submit(client, product, quantity="3")
    assert orders(db)[0].total_fen == 3 * 7900


def test_price_fields_in_a_tampered_form_are_ignored(client, make, db):
    product = make.product(skus=(("Box", 10000, 5),))
    response = submit(client, product, price_fen="1", unit_price_fen="1", total_fen="1", total="0.01",
                      price="0.01", brand_id="999")
    assert response.status_code == 303
    [order] = orders(db)
    assert order.total_fen == 10000
    assert order.lines[0].unit_price_fen == 10000
    assert order.brand_id == product.brand_id


def test_a_double_clicked_submit_creates_one_order(client, make, db):
    product = make.product(skus=(("Box", 10000, 5),))
    data = open_sheet(client, product)
    first = client.post(f"/p/{product.code}/buy", data=data, headers=EN)
    second = client.post(f"/p/{product.code}/buy", data=data, headers=EN)
    assert first.status_code == second.status_code == 303
    assert len(orders(db)) == 1
    assert stock(db, product.skus[0].id) == 4


def test_a_replayed_submit_of_a_paid_order_opens_the_order(client, make, db):
    from mall.clock import utcnow
    from mall.orders.states import mark_paid

    product = make.product(skus=(("Box", 10000, 5),))
    data = open_sheet(client, product)
    client.post(f"/p/{product.code}/buy", data=data, headers=EN)
    order = orders(db)[0]
    mark_paid(db.session, order.id, amount_fen=10000, now=utcnow())
    again = client.post(f"/p/{product.code}/buy", data=data, headers=EN)
    assert again.status_code == 303
    assert again.headers["Location"].endswith(f"/o/{order.token}")
    assert len(orders(db)) == 1


def test_pickup_in_a_store_of_the_brand(client, make, db):
    brand = make.brand()
    store = make.store(brand, name="Jing'an store", address="南京西路 1 号")
    product = make.product(brand)
    response = submit(client, product, delivery="pickup", address="", pickup_store_id=str(store.id))
    assert response.status_code == 303
    [order] = orders(db)
    assert (order.delivery, order.pickup_store_id, order.address) == ("pickup", store.id, "")


@pytest.mark.parametrize("which", ["other brand", "closed", "none", "junk"])
def test_pickup_needs_an_open_store_of_the_brand(client, make, db, which):
    brand = make.brand()
    make.store(brand)
    other = make.store(make.brand())
    closed = make.store(brand, active=False)
    product = make.product(brand)
    store_id = {"other brand": str(other.id), "closed": str(closed.id), "none": "", "junk": "abc"}[which]
    response = submit(client, product, delivery="pickup", pickup_store_id=store_id)
    assert response.status_code == 422
    assert "store" in response.get_data(as_text=True).split('id="pickup_store_id"')[1][:600]
    assert orders(db) == []


def test_shipping_needs_an_address(client, make, db):
    product = make.product()
    response = submit(client, product, address="  ")
    assert response.status_code == 422
    assert "Please enter the full delivery address." in response.get_data(as_text=True)
    assert orders(db) == []


@pytest.mark.parametrize("quantity,message", [
    ("0", "between 1 and 99"), ("-1", "between 1 and 99"), ("100000", "between 1 and 99"),
    ("99999999999999999999999", "between 1 and 99"), ("abc", "Please enter a whole number."),
    ("1.5", "Please enter a whole number."), ("", "Please enter a quantity."), (None, "Please enter a quantity."),
])
def test_bad_quantities_are_refused_inline(client, make, db, quantity, message):
    product = make.product(skus=(("Box", 10000, 5),))
    response = submit(client, product, quantity=quantity)
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert message in html
    assert 'class="sheet has-errors"' in html  # the sheet is open again, with the buyer's input
    assert html.count('class="error"') == 1
    assert orders(db) == []
    assert stock(db, product.skus[0].id) == 5


@pytest.mark.parametrize("sku_id", ["999999", "abc", "", "-1", "1e3"])
def test_unknown_skus_are_refused(client, make, db, sku_id):
    product = make.product()
    response = submit(client, product, sku_id=sku_id)
    assert response.status_code == 422
    assert "option" in response.get_data(as_text=True).split("<legend>Option</legend>")[1][:1500].lower()
    assert orders(db) == []


def test_a_sku_of_another_product_is_refused(client, make, db):
    product = make.product(skus=(("Box", 10000, 5),))
    other = make.product(skus=(("Cheap", 100, 5),))
    response = submit(client, product, sku_id=str(other.skus[0].id))
    assert response.status_code == 422
    assert "This option is no longer available." in response.get_data(as_text=True)
    assert orders(db) == []
    assert stock(db, other.skus[0].id) == 5


def test_buying_more_than_the_stock_is_refused(client, make, db):
    product = make.product(skus=(("Box", 10000, 2),))
    response = submit(client, product, quantity="3")
    assert response.status_code == 422
    assert "Only 2 left of this option." in response.get_data(as_text=True)  # issue 16: how many are left
    assert orders(db) == []
    assert stock(db, product.skus[0].id) == 2


@pytest.mark.parametrize("field,value,message", [
    ("contact_name", "王" * 41, "At most 40 characters"),
    ("contact_name", "   ", "Please enter your name."),
    ("contact_phone", "12345", "Please enter a mobile number such as 13800138000."),
    ("contact_phone", "1" * 500, "Please enter a mobile number such as 13800138000."),
    ("address", "路" * 201, "At most 200 characters"),
    ("note", "x" * 201, "At most 200 characters"),
    ("delivery", "drone", "Please choose delivery or store pickup."),
])
def test_bad_contact_details_are_refused_inline(client, make, db, field, value, message):
    product = make.product()
    response = submit(client, product, **{field: value})
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert orders(db) == []


def test_control_characters_are_dropped_and_nul_bytes_refused(client, make, db):
    product = make.product()
    # NUL is refused for the whole request before anything is looked up or stored
    assert submit(client, product, contact_name="王\x00小明").status_code == 400
    assert orders(db) == []
    response = submit(client, product, contact_name="王\x01小明", address="上海市静安区南京西路 1 号\x07", note="\x1b")
    assert response.status_code == 303
    order = orders(db)[0]
    assert (order.contact_name, order.address, order.note) == ("王小明", ADDRESS, "")


def test_html_in_the_name_is_shown_as_text(client, make, db):
    product = make.product()
    response = submit(client, product, contact_name="<script>alert(1)</script>")
    assert response.status_code == 303
    order = orders(db)[0]
    html = client.get(f"/o/{order.token}", headers=EN).get_data(as_text=True)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "<script>alert(1)" not in html


@pytest.mark.parametrize("token", [None, "forged"])
def test_a_submit_without_a_valid_csrf_token_is_refused(client, make, db, token):
    product = make.product()
    data = open_sheet(client, product)
    data.pop("csrf_token")
    if token:
        data["csrf_token"] = token
    response = client.post(f"/p/{product.code}/buy", data=data, headers=EN)
    assert response.status_code == 400
    assert "reload the page" in response.get_data(as_text=True)
    assert orders(db) == []


def test_a_forged_idempotency_key_gets_a_fresh_form(client, make, db):
    product = make.product()
    response = submit(client, product, idempotency_key="x")
    assert response.status_code == 422
    assert "Your form expired" in response.get_data(as_text=True)
    assert orders(db) == []


def test_unknown_and_unpublished_products_cannot_be_bought(client, make, db):
    hidden = make.product(published=False)
    data = open_sheet(client, make.product())
    assert client.post(f"/p/{hidden.code}/buy", data=data, headers=EN).status_code == 404
    assert client.post("/p/NOPE999/buy", data=data, headers=EN).status_code == 404
    assert client.post("/p/" + "X" * 500 + "/buy", data=data, headers=EN).status_code == 404
    assert db.session.scalar(select(func.count()).select_from(Order)) == 0


def test_a_signed_in_buyer_owns_the_order(client, make, db, login_as):
    user = login_as(make.user())
    product = make.product()
    submit(client, product)
    assert orders(db)[0].user_id == user.id


def test_the_stock_row_is_the_last_thing_checkout_writes(client, make, db):
    """The SKU's row stays locked from its UPDATE to the commit: nothing else of the order may come after it."""
    from sqlalchemy import event

    product = make.product(skus=(("Default", 9900, 5),))
    data = open_sheet(client, product)
    writes = []

    def seen(_conn, _cursor, statement, *_args):
        if statement.lstrip().upper().startswith(("INSERT", "UPDATE", "DELETE")):
            writes.append(statement.split()[0:3])

    event.listen(db.engine, "before_cursor_execute", seen)
    try:
        response = client.post(f"/p/{product.code}/buy", data=data, headers=EN)
    finally:
        event.remove(db.engine, "before_cursor_execute", seen)
    assert response.status_code == 303
    position = next(i for i, w in enumerate(writes) if w[0].upper() == "UPDATE" and w[1] == "skus")
    assert not [w for w in writes[position + 1:] if w[0].upper() == "INSERT" and w[2].startswith(("order", "commission"))]
    assert stock(db, product.skus[0].id) == 4
