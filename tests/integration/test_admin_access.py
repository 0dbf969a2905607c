"""Who may use the brand admin's commission pages: the brand's admins (another brand's get 404), platform
admins; partners, consumers and store staff are refused, guests sent to log in, and every POST needs CSRF."""
import pytest
from sqlalchemy import func, select

from mall.accounts.models import Role
from mall.audit.models import AuditLog
from mall.commission.models import OrderAttribution, Withdrawal
from mall.commission.withdrawals import request_withdrawal
from mall.jobs.settle import settle_due
from mall.referral.models import Partner
from tests.conftest import csrf_from
from tests.integration.admin_support import EN, post
from tests.integration.commission_support import T0, Books, days

LISTS = ["/admin/withdrawals", "/admin/partners", "/admin/customers", "/admin/customers?phone=13800138000"]


@pytest.fixture()
def shop(make, db):
    """A brand with an attributed order, a settled sharer who asked for a withdrawal, and a pending partner."""
    books = Books(make, db.session)
    settled = books.paid_order([(100000, 1)])
    books.complete(settled, at=T0)
    settle_due(db.session, now=T0 + days(8))
    order = books.paid_order([(10000, 1)])
    withdrawal = request_withdrawal(db.session, partner_id=books.sharer.id, amount_fen=5000, request_key="w1",
                                    now=T0 + days(9))
    pending = books.partner(status="pending")
    books.admin = make.user(Role.BRAND_ADMIN, brand=books.brand)
    return books, order, withdrawal, pending


def pages(shop) -> list[str]:
    books, order, _withdrawal, pending = shop
    return [f"/admin/orders/{order.number}", f"/admin/partners/{pending.id}", f"/admin/partners/{books.sharer.id}"]


def actions(shop) -> list[tuple[str, dict]]:
    books, order, withdrawal, pending = shop
    w = f"/admin/withdrawals/{withdrawal.id}"
    return [
        (f"/admin/orders/{order.number}/reattribute",
         {"reattribute-sharer_code": books.upline.code, "reattribute-reason": "because"}),
        (f"{w}/approve", {}), (f"{w}/pay", {}), (f"{w}/retry", {}),
        (f"{w}/reject", {f"reject-{withdrawal.id}-reason": "no"}), (f"{w}/fail", {f"fail-{withdrawal.id}-reason": "no"}),
        (f"/admin/partners/{pending.id}/approve", {}), (f"/admin/partners/{pending.id}/disable", {}),
        (f"/admin/partners/{books.sharer.id}/disable", {}), (f"/admin/partners/{books.sharer.id}/enable", {}),
    ]


def nothing_changed(db, shop):
    books, order, withdrawal, pending = shop
    db.session.expire_all()
    assert db.session.get(Withdrawal, withdrawal.id).status == "requested"
    assert db.session.get(Partner, pending.id).status == "pending"
    assert db.session.get(Partner, books.sharer.id).status == "active"
    assert db.session.get(OrderAttribution, order.id).sharer_id == books.sharer.id
    assert db.session.scalar(select(func.count()).select_from(AuditLog)) == 0


def test_another_brands_admin_gets_404_on_every_page_and_action(client, login_as, db, make, shop):
    login_as(make.user(Role.BRAND_ADMIN, brand=make.brand()))
    for url in pages(shop):
        assert client.get(url).status_code == 404, url
    for url, data in actions(shop):
        assert post(client, url, data).status_code == 404, url
    for url in LISTS:  # their own, empty lists
        response = client.get(url, headers=EN)
        assert response.status_code == 200 and shop[0].sharer.code not in response.get_data(as_text=True), url
    nothing_changed(db, shop)


def test_the_brands_own_admin_may_open_every_page(client, login_as, shop):
    login_as(shop[0].admin)
    for url in pages(shop) + LISTS:
        assert client.get(url, headers=EN).status_code == 200, url


@pytest.mark.parametrize("role", [Role.CONSUMER, Role.PARTNER, Role.GUIDE, Role.STORE_MANAGER])
def test_everyone_else_is_refused(client, login_as, db, make, shop, role):
    books = shop[0]
    staff = {"store": books.store} if role in (Role.GUIDE, Role.STORE_MANAGER) else {}
    login_as(make.user(role, **staff))
    for url in pages(shop) + LISTS:
        assert client.get(url).status_code == 403, url
    token = csrf_from(client.get("/", headers=EN).get_data(as_text=True))
    for url, data in actions(shop):
        assert client.post(url, data={"csrf_token": token, **data}).status_code == 403, url
    nothing_changed(db, shop)


def test_guests_are_sent_to_log_in(client, db, shop):
    for url in pages(shop) + LISTS:
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"], url
    token = csrf_from(client.get("/login").get_data(as_text=True))
    for url, data in actions(shop):
        assert client.post(url, data={"csrf_token": token, **data}).status_code == 302, url
    nothing_changed(db, shop)


def test_every_action_needs_a_csrf_token(client, login_as, db, shop):
    login_as(shop[0].admin)
    for url, data in actions(shop):
        response = client.post(url, data=data, headers=EN)
        assert response.status_code == 400, url
        assert "Your form expired" in response.get_data(as_text=True)
    nothing_changed(db, shop)


def test_the_admin_pages_link_to_each_other(client, login_as, shop):
    login_as(shop[0].admin)
    for url in ["/admin/orders"] + pages(shop) + LISTS:
        page = client.get(url, headers=EN).get_data(as_text=True)
        for link in ('href="/admin/orders"', 'href="/admin/withdrawals"', 'href="/admin/partners"',
                     'href="/admin/customers"'):
            assert link in page, (url, link)
