"""The partner dashboard: totals at a glance, earnings chart, brand switcher and access."""
import re
from datetime import timedelta

from mall.clock import utcnow
from tests.integration import dashboard_data as data

EN = {"Accept-Language": "en"}


def stat(html: str, name: str) -> str:
    match = re.search(rf'class="stat-{name}">([^<]+)<', html)
    assert match, f"no {name} figure on the page"
    return match.group(1)


def test_pending_commission_of_a_paid_order_is_shown(make, db, client, login_as):
    world = data.World(make, db.session)
    world.sale()  # ¥199 x 10%
    login_as(world.alice_user)
    html = client.get("/partner", headers=EN).get_data(as_text=True)
    assert stat(html, "pending") == "¥19.90"
    assert stat(html, "available") == "¥0.00"
    assert "Tea House" in html


def test_totals_follow_the_ledger_through_settlement_reversal_and_withdrawal(make, db, client, login_as):
    world = data.World(make, db.session)
    world.sale(ratio_bp=1000)  # 19.90 pending
    settled = world.sale(ratio_bp=2000, status="available")  # 39.80 available
    share = world.share_of(settled)
    data.reverse(db.session, share, 500)  # 5.00 taken back from available
    data.withdrawal(db.session, world.alice, 3000, status="paid", fee_fen=100)  # 30.00 out, 29.00 received
    login_as(world.alice_user)
    html = client.get("/partner", headers=EN).get_data(as_text=True)
    assert stat(html, "pending") == "¥19.90"
    assert stat(html, "available") == "¥4.80"
    assert stat(html, "withdrawn") == "¥29.00"
    assert stat(html, "reversed") == "¥5.00"
    assert "Owed to the brand" not in html


def test_debt_is_shown_as_owed(make, db, client, login_as):
    world = data.World(make, db.session)
    row = world.sale(status="available")  # 19.90 available
    data.withdrawal(db.session, world.alice, 1990, status="paid")
    share = world.share_of(row)
    data.reverse(db.session, share, 1990, into_debt=1990)  # refunded after the money was withdrawn
    login_as(world.alice_user)
    html = client.get("/partner", headers=EN).get_data(as_text=True)
    assert "Owed to the brand" in html
    assert re.search(r"Owed to the brand</dt><dd>¥19.90<", html)
    assert stat(html, "reversed") == "¥19.90"


def test_another_partners_money_never_counts(make, db, client, login_as):
    world = data.World(make, db.session)
    world.sale(world.bob, ratio_bp=3000)
    login_as(world.alice_user)
    html = client.get("/partner", headers=EN).get_data(as_text=True)
    assert stat(html, "pending") == "¥0.00"


def test_chart_has_a_titled_bar_per_day_and_a_table(make, db, client, login_as):
    world = data.World(make, db.session)
    world.sale()
    world.sale(quantity=2)  # same day: 19.90 + 39.80
    login_as(world.alice_user)
    html = client.get("/partner", headers=EN).get_data(as_text=True)
    svg = html[html.index("<svg"):html.index("</svg>")]
    assert svg.count("<title>") == 30
    assert svg.count('class="bar"') == 1  # only today earned anything
    assert ": ¥59.70</title>" in svg
    assert "<table>" in html and "<td>¥59.70</td>" in html
    assert 'style="' not in html  # the CSP forbids inline styles


def test_earnings_older_than_thirty_days_leave_the_chart(make, db, client, login_as):
    world = data.World(make, db.session)
    world.sale(created_at=utcnow() - timedelta(days=40))
    login_as(world.alice_user)
    html = client.get("/partner", headers=EN).get_data(as_text=True)
    assert 'class="bar"' not in html
    assert stat(html, "pending") == "¥19.90"  # still pending, just not earned this month


def test_guest_is_sent_to_log_in(client, db):
    response = client.get("/partner")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_user_who_is_no_partner_gets_404(make, db, client, login_as):
    login_as(make.user(phone="13700000000"))
    assert client.get("/partner").status_code == 404
    assert client.get("/partner/orders").status_code == 404
    assert client.get("/partner/orders.csv").status_code == 404


def test_brand_switcher_shows_each_brand_and_refuses_others(make, db, client, login_as):
    world = data.World(make, db.session)
    world.sale()
    coffee = make.brand("Coffee Lab", slug="coffee")
    make.brand("Bakery", slug="bakery")
    data.partner(db.session, coffee, world.alice_user)
    login_as(world.alice_user)
    html = client.get("/partner", headers=EN).get_data(as_text=True)
    assert 'href="/partner?brand=coffee"' in html and 'href="/partner?brand=tea"' in html
    assert stat(html, "pending") == "¥19.90"  # the first membership is the default
    html = client.get("/partner?brand=coffee", headers=EN).get_data(as_text=True)
    assert stat(html, "pending") == "¥0.00"
    assert 'href="/partner/orders?brand=coffee"' in html  # tabs keep the brand
    assert client.get("/partner?brand=bakery").status_code == 404
    assert client.get("/partner?brand=nope").status_code == 404

