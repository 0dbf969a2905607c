"""The orders tab: every attributed order with this partner's shares and why; filters, pages, htmx, CSV."""
import csv
import io
import re
from datetime import timedelta

import pytest
from sqlalchemy import event

from mall.clock import utcnow
from tests.integration import dashboard_data as data

EN = {"Accept-Language": "en"}
HX = {**EN, "HX-Request": "true"}


@pytest.fixture()
def world(make, db, client, login_as):
    world = data.World(make, db.session)
    login_as(world.alice_user)
    return world


def get(client, url, headers=EN) -> str:
    response = client.get(url, headers=headers)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


def test_an_order_shows_lines_shares_masked_customer_and_why(world, db, client):
    row = world.sale(quantity=3, contact_name="Wang Xiaoming", contact_phone="13812345678")
    html = get(client, "/partner/orders")
    assert row.number in html
    assert "Longjing Tea" in html and "× 3" in html
    assert "Level 1 (sharer) · 10%" in html
    assert "¥59.70" in html  # 10% of 3 x ¥199, once
    assert "Pending" in html
    assert "Last shared link opened" in html and "Shared link" in html and "First touch locks" in html
    assert "W**" in html and "138****5678" in html
    assert "13812345678" not in html and "Xiaoming" not in html


def test_every_role_of_the_partner_is_listed_with_its_ratio(world, db, client):
    # Bob's sale pays Alice, his inviter, as level 2 at 2.5%.
    row = data.order(db.session, world.product)
    data.attribution(db.session, row, sharer=world.bob, reason="bound_sharer", channel="binding",
                     binding_mode="last_touch")
    data.share(db.session, row.lines[0], "level1", partner=world.bob, ratio_bp=1000)
    data.share(db.session, row.lines[0], "level2", partner=world.alice, ratio_bp=250)
    html = get(client, "/partner/orders")
    assert "Level 2 (inviter) · 2.5%" in html
    assert "¥4.97" in html  # floor(19900 x 2.5%) = 497 fen
    assert "Customer bound to the sharer" in html and "Last touch wins" in html
    assert "Level 1 (sharer)" not in html  # Bob's share is Bob's business
    assert "¥19.90" not in html


def test_another_partners_orders_never_appear(world, db, client):
    mine = world.sale()
    theirs = world.sale(world.bob)
    html = get(client, "/partner/orders")
    assert mine.number in html and theirs.number not in html
    text = client.get("/partner/orders.csv").get_data(as_text=True)
    assert mine.number in text and theirs.number not in text


def test_reversed_and_void_shares_are_shown_as_such(world, db, client):
    refunded = world.sale(status="pending")
    data.reverse(db.session, world.share_of(refunded), 995)
    cancelled = data.order(db.session, world.product, status="cancelled")
    data.attribution(db.session, cancelled, sharer=world.alice)
    data.share(db.session, cancelled.lines[0], "level1", partner=world.alice, status="void")
    html = get(client, "/partner/orders")
    assert "reversed ¥9.95" in html
    assert "Void" in html
    html = get(client, "/partner/orders?status=reversed")
    assert refunded.number in html and cancelled.number not in html


def test_status_filter(world, db, client):
    pending = world.sale(status="pending")
    available = world.sale(status="available")
    html = get(client, "/partner/orders?status=available")
    assert available.number in html and pending.number not in html
    html = get(client, "/partner/orders?status=pending")
    assert pending.number in html and available.number not in html
    html = get(client, "/partner/orders")
    assert pending.number in html and available.number in html


def test_date_filter_uses_local_days(world, db, client):
    now = utcnow()
    old = world.sale(created_at=now - timedelta(days=10))
    new = world.sale(created_at=now)
    day = (now - timedelta(days=10) + timedelta(hours=8)).date()  # Shanghai is UTC+8
    html = get(client, f"/partner/orders?date_from={day}&date_to={day}")
    assert old.number in html and new.number not in html
    html = get(client, f"/partner/orders?date_from={day + timedelta(days=1)}")
    assert new.number in html and old.number not in html


def test_bad_filters_show_an_inline_message_and_list_everything(world, db, client):
    row = world.sale()
    html = get(client, "/partner/orders?date_from=yesterday&status=bogus")
    assert row.number in html
    # WTForms' own messages (its catalogue, not ours): one inline error under each bad field.
    assert html.count('class="field has-error"') == 2
    html = get(client, "/partner/orders?date_from=2024-05-10&date_to=2024-05-01")
    assert "The end date is before the start date." in html


def _next_link(html: str) -> str:
    return re.search(r'rel="next" href="([^"]+)"', html).group(1).replace("&amp;", "&")


def _prev_link(html: str) -> str:
    return re.search(r'rel="prev" href="([^"]+)"', html).group(1).replace("&amp;", "&")


def test_pagination_keeps_the_filters(world, db, client):
    now = utcnow()
    orders = [world.sale(status="available", created_at=now - timedelta(minutes=n)) for n in range(12)]
    world.sale(status="pending")
    html = get(client, "/partner/orders?status=available")
    assert all(o.number in html for o in orders[:10]) and orders[10].number not in html
    assert 'rel="prev"' not in html
    link = _next_link(html)
    assert link.startswith("/partner/orders?after=") and "status=available" in link and "page=" not in link
    html = get(client, link)
    assert orders[10].number in html and orders[11].number in html and orders[0].number not in html
    assert 'rel="next"' not in html
    assert "status=available" in _prev_link(html)


def test_keyset_pages_walk_the_same_rows_in_the_same_order_both_ways(world, db, client):
    now = utcnow()
    # Ties on created_at straddle the page boundary: the id breaks them, so no order is skipped or repeated.
    orders = [world.sale(created_at=now - timedelta(minutes=n // 3)) for n in range(25)]
    expected = [o.number for o in sorted(orders, key=lambda o: (o.created_at, o.id), reverse=True)]
    seen, pages, html = [], [], get(client, "/partner/orders")
    while True:
        numbers = re.findall(r"<strong>([^<]+)</strong>", html)
        pages.append(numbers)
        seen += numbers
        if 'rel="next"' not in html:
            break
        html = get(client, _next_link(html))
    assert seen == expected and [len(p) for p in pages] == [10, 10, 5]
    back = []
    while 'rel="prev"' in html:
        html = get(client, _prev_link(html))
        back.append(re.findall(r"<strong>([^<]+)</strong>", html))
    assert back == [pages[1], pages[0]]


def test_a_malformed_cursor_shows_the_first_page(world, db, client):
    row = world.sale()
    for bad in ("nonsense", "2026-13-01T00:00:00_1", "_", "x" * 500, "2026-01-01T00:00:00_abc"):
        assert row.number in get(client, f"/partner/orders?after={bad}")
        assert row.number in get(client, f"/partner/orders?before={bad}")


def test_htmx_gets_the_list_fragment_only(world, db, client):
    row = world.sale()
    response = client.get("/partner/orders?status=pending", headers=HX)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert row.number in html
    assert "<html" not in html and 'class="tabs"' not in html and "<form" not in html
    assert "HX-Request" in response.headers["Vary"]
    page = get(client, "/partner/orders?status=pending")
    assert "<html" in page and 'hx-get="/partner/orders"' in page and 'hx-target="#order-list"' in page
    assert 'hx-push-url="true"' in page and 'method="get"' in page
    # Back/forward to a pushed URL that htmx no longer caches: it swaps the whole body, so send the page.
    restored = client.get("/partner/orders?status=pending", headers={**HX, "HX-History-Restore-Request": "true"})
    assert "<html" in restored.get_data(as_text=True)


def test_csv_export_of_the_filtered_list(world, db, client):
    pending = world.sale(quantity=2, contact_name="Wang Xiaoming", contact_phone="13812345678")
    available = world.sale(status="available")
    response = client.get("/partner/orders.csv?status=pending", headers=EN)
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith('attachment; filename="commission-tea-') and disposition.endswith('.csv"')
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert rows[0][:4] == ["Order", "Date", "Customer", "Phone"]
    assert len(rows) == 2
    record = dict(zip(rows[0], rows[1], strict=False))
    assert record["Order"] == pending.number
    assert record["Customer"] == "W**" and record["Phone"] == "138****5678"
    assert record["Quantity"] == "2" and record["Line total (yuan)"] == "398.00"
    assert record["Commission (yuan)"] == "39.80" and record["Reversed (yuan)"] == "0.00"
    assert record["Ratio"] == "10%" and record["Role"] == "Level 1 (sharer)" and record["Status"] == "Pending"
    assert "13812345678" not in text and available.number not in text


def test_csv_link_carries_the_filters(world, db, client):
    world.sale()
    html = get(client, "/partner/orders?status=pending&date_from=2024-01-01")
    assert 'href="/partner/orders.csv?status=pending&amp;date_from=2024-01-01"' in html


def test_csv_cells_cannot_become_formulas(world, db, client, make):
    product = make.product(world.brand, skus=(("=1+1", 1000, 5),), title="=HYPERLINK(\"x\")")
    row = data.order(db.session, product)
    data.attribution(db.session, row, sharer=world.alice)
    data.share(db.session, row.lines[0], "level1", partner=world.alice)
    text = client.get("/partner/orders.csv").get_data(as_text=True)
    assert "'=HYPERLINK" in text and "'=1+1" in text


def test_csv_lists_every_share_of_a_picked_order_in_file_order_from_one_query(world, db, client):
    now = utcnow()
    older = world.sale(created_at=now - timedelta(days=2))
    newer = data.order(db.session, world.product, extra=((world.product, 2),), created_at=now - timedelta(days=1))
    data.attribution(db.session, newer, sharer=world.alice)
    data.share(db.session, newer.lines[1], "level1", partner=world.alice, status="available")
    data.share(db.session, newer.lines[0], "level1", partner=world.alice, reversed_fen=500)
    data.share(db.session, newer.lines[0], "guide", partner=world.alice, ratio_bp=300)
    data.share(db.session, newer.lines[0], "level2", partner=world.bob, ratio_bp=500)
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        text = client.get("/partner/orders.csv?status=available", headers=EN).get_data(as_text=True)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    rows = list(csv.DictReader(io.StringIO(text.lstrip("\ufeff"))))
    # The available share picks the order; every share of Alice's in it is listed, line by line, none of Bob's.
    assert [(r["Order"], r["Quantity"], r["Role"], r["Status"], r["Reversed (yuan)"]) for r in rows] == [
        (newer.number, "1", "Level 1 (sharer)", "Pending", "5.00"),
        (newer.number, "1", "Shop guide", "Pending", "0.00"),
        (newer.number, "2", "Level 1 (sharer)", "Available", "0.00")]
    assert rows[1]["Ratio"] == "3%" and rows[1]["Commission (yuan)"] == "5.97" and rows[2]["Line total (yuan)"] == "398.00"
    assert older.number not in text
    assert len([s for s in statements if "FROM commission_shares" in s]) == 1


def test_csv_of_an_order_without_attribution_leaves_why_empty(world, db, client):
    row = data.order(db.session, world.product)
    data.share(db.session, row.lines[0], "level1", partner=world.alice)
    rows = list(csv.DictReader(io.StringIO(client.get("/partner/orders.csv", headers=EN).get_data(as_text=True)
                                           .lstrip("\ufeff"))))
    assert [(r["Order"], r["Why"], r["Channel"], r["Binding mode"]) for r in rows] == [(row.number, "", "", "")]
