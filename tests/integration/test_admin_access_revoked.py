"""An admin whose account is disabled, or who stops being an admin, loses the console at their next request,
not when their session cookie expires: nothing about the role is kept in the cookie."""
import pytest

from mall.accounts.models import Role, User
from tests.integration.admin_support import EN
from tests.integration.commission_support import Books


@pytest.fixture()
def signed_in_admin(client, login_as, db, make):
    admin = login_as(make.user(Role.BRAND_ADMIN, brand=make.brand()))
    assert client.get("/admin/orders", headers=EN).status_code == 200
    return db.session.get(User, admin.id)


def test_a_disabled_admin_is_sent_to_log_in(client, db, signed_in_admin):
    signed_in_admin.active = False
    db.session.commit()
    response = client.get("/admin/orders", headers=EN)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_an_admin_made_a_consumer_is_refused(client, db, signed_in_admin):
    signed_in_admin.role, signed_in_admin.brand_id = Role.CONSUMER, None
    db.session.commit()
    assert client.get("/admin/orders", headers=EN).status_code == 403


def test_an_admin_moved_to_another_brand_sees_only_that_brand(client, db, make, signed_in_admin):
    first = signed_in_admin.brand_id
    books = Books(make, db.session)
    order = books.paid_order()
    signed_in_admin.brand_id = books.brand.id
    db.session.commit()
    order_page = f"/admin/orders/{order.number}"
    assert client.get(order_page, headers=EN).status_code == 200
    signed_in_admin.brand_id = first
    db.session.commit()
    assert client.get(order_page, headers=EN).status_code == 404
