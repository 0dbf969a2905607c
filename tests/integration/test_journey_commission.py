"""The whole commission story through HTTP, as the people in it see it (flows 1-8 of the brief).

A shop guide recruits P0, P0 invites P1 (/join/<code>); a guest scans the guide's store code, then opens
P1's product link, buys two units and pays at the mock provider. P1 sees level-1 and P0 level-2 pending
commission; the store earns its share; the guide, three levels up, earns nothing under the default two
levels. The admin ships, a partial refund takes back the same fraction of every share, the order
completes and, after the freeze, `flask mall settle` makes the money available. P1 withdraws it all; then
the rest of the order is refunded, which leaves P1 owing the brand and unable to withdraw.
`flask mall audit` passes after every step. Only the setup rows and the move back in time before
settling are written to the database directly.
"""
import re
from datetime import timedelta

from sqlalchemy import select, update

from mall.accounts.models import Role
from mall.commission.balances import balances
from mall.commission.models import Withdrawal
from mall.orders.models import Order
from tests.conftest import csrf_from
from tests.factories import PASSWORD
from tests.integration.payment_support import pay

EN = {"Accept-Language": "en"}
PRICE_FEN = 12800  # ¥128.00 a box; the guest buys two: a ¥256.00 line
# Brand defaults: level 1 10%, level 2 5%, guide 3%, store 2%; 2 levels; freeze 7 days; minimum withdrawal ¥10.


def stat(html: str, name: str) -> str:
    match = re.search(rf'class="stat-{name}">([^<]+)<', html)
    assert match, f"no {name} figure on the page"
    return match.group(1)


def owed(html: str) -> str | None:
    match = re.search(r"Owed to the brand</dt><dd>([^<]+)<", html)
    return match.group(1) if match else None


def hidden(html: str, name: str) -> str:
    return re.search(rf'name="{name}"[^>]*value="([^"]+)"', html).group(1)


def new_client(app):
    return app.test_client()  # an IsolatedClient (set by the `client` fixture): its own cookies, its own person


def log_in(client, user) -> None:
    token = csrf_from(client.get("/login", headers=EN).get_data(as_text=True))
    response = client.post("/login", data={"login": user.login, "password": PASSWORD, "csrf_token": token})
    assert response.status_code in (302, 303)


def register(client, name: str, phone: str) -> None:
    token = csrf_from(client.get("/register", headers=EN).get_data(as_text=True))
    response = client.post("/register", data={"name": name, "login": phone, "password": PASSWORD,
                                              "confirm": PASSWORD, "csrf_token": token}, headers=EN)
    assert response.status_code in (302, 303), response.get_data(as_text=True)[:300]


def join(client, inviter_code: str) -> None:
    page = client.get(f"/join/{inviter_code}", headers=EN).get_data(as_text=True)
    response = client.post(f"/join/{inviter_code}", data={"csrf_token": csrf_from(page)}, headers=EN)
    assert response.status_code == 302 and response.headers["Location"].startswith("/partner/share")


def share_centre(client) -> str:
    response = client.get("/partner/share", headers=EN)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def my_code(share_html: str) -> str:
    return re.search(r'class="code-big">([^<]+)<', share_html).group(1)


def link(share_html: str, key: str) -> str:
    """The URL in a share item's copy field, as a partner would copy it, made relative for the test client."""
    url = re.search(rf'value="([^"]+)" id="link-{key}"', share_html).group(1)
    return re.sub(r"^https?://[^/]+", "", url)


def dashboard(client) -> str:
    response = client.get("/partner", headers=EN)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def admin_post(client, url: str, page: str = "/admin/orders"):
    page = client.get(page, headers=EN).get_data(as_text=True)
    response = client.post(url, data={"csrf_token": csrf_from(page)}, headers=EN)
    assert response.status_code == 303
    return client.get(response.headers["Location"], headers=EN).get_data(as_text=True)


def ask_refund(guest, token: str, *, line_id: str, amount: str) -> None:
    page = guest.get(f"/o/{token}", headers=EN).get_data(as_text=True)
    response = guest.post(f"/o/{token}/refunds", headers=EN, data={
        "csrf_token": csrf_from(page), "line_id": line_id, "amount": amount, "reason": "Box arrived dented"})
    assert response.status_code == 303, response.get_data(as_text=True)[-800:]


def approve_open_refund(admin, number: str) -> str:
    page = admin.get(f"/admin/orders/{number}", headers=EN).get_data(as_text=True)
    refund_id = re.search(r'id="approve-(\d+)"', page).group(1)
    return admin_post(admin, f"/admin/orders/{number}/refunds/{refund_id}/approve")


def audit_passes(runner) -> None:
    result = runner.invoke(args=["mall", "audit"])
    assert result.exit_code == 0, result.output
    assert "books are consistent" in result.output


def test_a_shared_link_to_withdrawn_commission_and_a_debt(app, db, make, client, runner):
    # Setup: the brand (default rules), a store with its guide, a product and the brand's admin.
    brand = make.brand(name="Tea House")
    store = make.store(brand, name="Jing'an Store")
    guide_user = make.user(Role.GUIDE, store=store, name="Guide Gu")
    admin_user = make.user(Role.BRAND_ADMIN, brand=brand, name="Admin")
    product = make.product(brand, title="Oolong Gift Box", skus=(("200g", PRICE_FEN, 10),))
    product_code = product.code

    guide, p0, p1, guest, admin = (new_client(app) for _ in range(5))
    log_in(guide, guide_user)
    log_in(admin, admin_user)

    # 1. The guide's share centre gives an invitation link and the store code; P0 joins, then invites P1.
    guide_share = share_centre(guide)
    guide_code, store_link = my_code(guide_share), link(guide_share, "store")
    assert store_link == f"/s/{store.code}"
    register(p0, "Zhou Ping", "13900000100")
    join(p0, guide_code)
    p0_code = my_code(share_centre(p0))
    register(p1, "Li Na", "13900000101")
    join(p1, p0_code)
    p1_share = share_centre(p1)
    product_link = link(p1_share, f"p-{product_code}")
    assert product_link == f"/p/{product_code}/{my_code(p1_share)}" and len(product_link) < 32
    audit_passes(runner)

    # 2. A guest scans the store code at the counter, later opens P1's link, buys two boxes and pays by card.
    assert guest.get(store_link).status_code == 302
    landing = guest.get(product_link)
    assert landing.status_code == 302 and landing.headers["Location"] == f"/p/{product_code}"
    page = guest.get(landing.headers["Location"], headers=EN).get_data(as_text=True)
    sku_id = product.skus[0].id
    to_provider = guest.post(f"/p/{product_code}/buy", headers=EN, data={
        "csrf_token": csrf_from(page), "idempotency_key": hidden(page, "idempotency_key"), "sku_id": sku_id,
        "quantity": 2, "contact_name": "王小明", "contact_phone": "13800138000", "delivery": "ship",
        "address": "上海市静安区南京西路 1 号"})
    assert to_provider.status_code == 303 and "/mockpay/" in to_provider.headers["Location"]
    back = pay(guest, to_provider.headers["Location"].rsplit("/", 1)[1], card="4242 4242 4242 4242")
    assert back.status_code == 303
    order_page = guest.get(back.headers["Location"], headers=EN).get_data(as_text=True)
    assert "badge-paid" in order_page and "¥256.00" in order_page
    order = db.session.scalars(select(Order)).one()
    number, token, line_id = order.number, order.token, order.lines[0].id
    audit_passes(runner)

    # 3. Pending commission, each on their own dashboard: quantity counted once, levels as the brand set them.
    p1_html = dashboard(p1)
    assert (stat(p1_html, "pending"), stat(p1_html, "available")) == ("¥25.60", "¥0.00")  # 10% of ¥256.00
    assert stat(dashboard(p0), "pending") == "¥12.80"  # level 2: 5%
    assert stat(dashboard(guide), "pending") == "¥0.00"  # level 3 is not paid: the brand has two levels
    orders_html = p1.get("/partner/orders", headers=EN).get_data(as_text=True)
    assert number in orders_html and "Level 1" in orders_html and "¥25.60" in orders_html
    assert "王*" in orders_html and "138****8000" in orders_html and "13800138000" not in orders_html
    store_books = balances(db.session, brand_id=brand.id, owner_kind="store", owner_id=store.id)
    assert store_books["pending"] == 512  # the store code's store: 2%

    # 4. The admin ships; the guest asks for ¥50.00 back on the line; the admin approves.
    assert "badge-shipped" in admin_post(admin, f"/admin/orders/{number}/ship")
    ask_refund(guest, token, line_id=str(line_id), amount="50.00")
    assert "Refund of ¥50.00 approved" in approve_open_refund(admin, number)
    # 50/256 of every share is taken back: ¥5.00 of ¥25.60, ¥2.50 of ¥12.80, ¥1.00 of ¥5.12.
    p1_html = dashboard(p1)
    assert (stat(p1_html, "pending"), stat(p1_html, "reversed")) == ("¥20.60", "¥5.00")
    p0_html = dashboard(p0)
    assert (stat(p0_html, "pending"), stat(p0_html, "reversed")) == ("¥10.30", "¥2.50")
    audit_passes(runner)

    # 5. Completed; nothing settles before the freeze period, everything after it.
    assert "badge-completed" in admin_post(admin, f"/admin/orders/{number}/complete")
    assert "settled 0 commission shares" in runner.invoke(args=["mall", "settle"]).output
    completed_at = db.session.scalar(select(Order.completed_at).where(Order.id == order.id))
    db.session.execute(update(Order).where(Order.id == order.id).values(completed_at=completed_at - timedelta(days=8)))
    db.session.commit()  # as if the freeze period (7 days) had passed
    assert "settled 3 commission shares" in runner.invoke(args=["mall", "settle"]).output
    p1_html = dashboard(p1)
    assert (stat(p1_html, "pending"), stat(p1_html, "available")) == ("¥0.00", "¥20.60")
    assert stat(dashboard(p0), "available") == "¥10.30"
    audit_passes(runner)

    # 6. P1 withdraws everything; the admin approves it and marks it paid in the withdrawal queue.
    page = p1.get("/partner/withdrawals", headers=EN).get_data(as_text=True)
    response = p1.post("/partner/withdrawals", headers=EN, data={
        "csrf_token": csrf_from(page), "request_key": hidden(page, "request_key"), "amount": "20.60"})
    assert response.status_code == 303
    withdrawal = db.session.scalars(select(Withdrawal)).one()
    queue = admin_post(admin, f"/admin/withdrawals/{withdrawal.id}/approve", page="/admin/withdrawals")
    assert "Withdrawal of ¥20.60 approved" in queue
    queue = admin_post(admin, f"/admin/withdrawals/{withdrawal.id}/pay", page="/admin/withdrawals")
    assert "Paid out ¥20.60" in queue
    p1_html = dashboard(p1)
    assert (stat(p1_html, "available"), stat(p1_html, "withdrawn")) == ("¥0.00", "¥20.60")
    assert 'aria-current="step">Paid' in p1.get("/partner/withdrawals", headers=EN).get_data(as_text=True)
    audit_passes(runner)

    # 7. The guest returns the rest: P1's withdrawn ¥20.60 becomes a debt, never silently lost.
    ask_refund(guest, token, line_id="", amount="")
    assert "Refund of ¥206.00 approved" in approve_open_refund(admin, number)
    p1_html = dashboard(p1)
    assert owed(p1_html) == "¥20.60"
    assert (stat(p1_html, "reversed"), stat(p1_html, "withdrawn")) == ("¥25.60", "¥20.60")
    p0_html = dashboard(p0)  # P0 had not withdrawn: it comes out of available, no debt
    assert (stat(p0_html, "available"), stat(p0_html, "reversed"), owed(p0_html)) == ("¥0.00", "¥12.80", None)
    audit_passes(runner)

    # 8. While P1 owes the brand, withdrawals are refused with the reason, and nothing moves.
    page = p1.get("/partner/withdrawals", headers=EN).get_data(as_text=True)
    assert "You owe ¥20.60 from refunds" in page
    refused = p1.post("/partner/withdrawals", headers=EN, data={
        "csrf_token": csrf_from(page), "request_key": hidden(page, "request_key"), "amount": "10.00"})
    assert refused.status_code == 422
    assert "Refunds have left a debt on your account" in refused.get_data(as_text=True)
    assert db.session.scalars(select(Withdrawal)).all() == [withdrawal]
    audit_passes(runner)
