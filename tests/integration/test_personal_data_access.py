"""Whenever an admin is shown customers' unmasked phone or address, it is logged: who, which customers, which
page, when; one row per view. Exports mark their personal-data columns. Partners and guides see masked data and
leave no log."""
import csv
import io
import json
from datetime import datetime, timedelta

import pytest
from sqlalchemy import func, select

from mall.accounts.models import Role
from mall.audit.models import PersonalDataAccess
from mall.audit.personal_data import log_access
from mall.clock import utcnow
from tests.conftest import csrf_from
from tests.integration import dashboard_data as data
from tests.integration.admin_support import EN, text


@pytest.fixture()
def world(make, db):
    return data.World(make, db.session)


@pytest.fixture()
def admin(make, world):
    return make.user(Role.BRAND_ADMIN, brand=world.brand, name="Admin Wu")


@pytest.fixture()
def buyer(make):
    return make.user(name="Zhao Lei", phone="13511112222")


def log_out(client):
    client.post("/logout", data={"csrf_token": csrf_from(client.get("/").get_data(as_text=True))})


def entries(db) -> list[PersonalDataAccess]:
    db.session.expire_all()
    return db.session.scalars(select(PersonalDataAccess).order_by(PersonalDataAccess.id)).all()


def customers(entry) -> dict:
    return json.loads(entry.customers)


def test_an_admin_order_page_with_a_phone_logs_who_which_customer_and_page(client, db, login_as, world, admin,
                                                                           buyer):
    order = data.order(db.session, world.product, user=buyer, contact_name="Zhao Lei", contact_phone="13511112222")
    login_as(admin)
    before = utcnow()
    page = client.get(f"/admin/orders/{order.number}", headers=EN).get_data(as_text=True)
    assert "13511112222" in page and "1 Test Road" in page  # the admin does see the unmasked details
    [entry] = entries(db)
    assert (entry.viewer_id, entry.brand_id, entry.page, entry.subject) == (admin.id, world.brand.id, "order",
                                                                           order.number)
    assert entry.fields == "name,phone,address" and customers(entry) == {"users": [buyer.id], "orders": []}
    assert entry.customer_count == 1 and before - timedelta(seconds=1) <= entry.created_at <= utcnow()
    client.get(f"/admin/orders/{order.number}", headers=EN)
    assert len(entries(db)) == 2  # every view is a row of its own


def test_a_guest_orders_customer_is_logged_by_the_order_number(client, db, login_as, world, admin):
    order = data.order(db.session, world.product)  # no account behind it
    login_as(admin)
    client.get(f"/admin/orders/{order.number}", headers=EN)
    [entry] = entries(db)
    assert customers(entry) == {"users": [], "orders": [order.number]}


def test_the_orders_export_logs_every_customer_once_and_names_its_personal_data_columns(client, db, login_as, world,
                                                                                         admin, buyer):
    first = data.order(db.session, world.product, user=buyer, contact_phone="13511112222")
    second = data.order(db.session, world.product, user=buyer, contact_phone="13511112222")
    guest = data.order(db.session, world.product, contact_name="=HYPERLINK()", contact_phone="13699998888")
    login_as(admin)
    listing = client.get("/admin/orders", headers=EN).get_data(as_text=True)
    assert 'href="/admin/orders/export.csv"' in listing
    response = client.get("/admin/orders/export.csv?status=paid", headers=EN)
    assert response.status_code == 200 and response.mimetype == "text/csv"
    body = response.get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.DictReader(io.StringIO(body)))  # the first row is the header, as any spreadsheet expects
    assert list(rows[0])[5:8] == ["Name (personal data)", "Mobile number (personal data)",
                                  "Address (personal data)"]
    assert {r["Order"] for r in rows} >= {first.number, second.number, guest.number}
    by_number = {r["Order"]: r for r in rows}
    assert by_number[guest.number]["Mobile number (personal data)"] == "13699998888"
    assert by_number[guest.number]["Name (personal data)"] == "'=HYPERLINK()"  # never a formula
    [entry] = entries(db)
    assert (entry.page, entry.viewer_id, entry.fields) == ("orders_export", admin.id, "name,phone,address")
    assert entry.subject == "status=paid"
    listed = customers(entry)
    assert listed["users"] == [buyer.id] and guest.number in listed["orders"]
    assert entry.customer_count == len(rows) - 1  # the buyer's two orders are one customer
    # An export that shows nobody leaves nothing to log.
    client.get("/admin/orders/export.csv?status=cancelled", headers=EN)
    assert len(entries(db)) == 1


def test_the_audit_log_shows_the_access_entries_to_the_brand_only(client, db, make, login_as, world, admin, buyer):
    order = data.order(db.session, world.product, user=buyer, contact_phone="13511112222")
    login_as(admin)
    client.get(f"/admin/orders/{order.number}", headers=EN)
    client.get("/admin/customers?phone=13511112222", headers=EN)
    audit = client.get("/admin/audit", headers=EN).get_data(as_text=True)
    assert 'href="/admin/audit/access"' in audit
    page = client.get("/admin/audit/access", headers=EN).get_data(as_text=True)
    shown = text(page)
    assert "Order page" in shown and order.number in shown and "Customer lookup" in shown
    assert "Seen by: Admin Wu" in shown and "name, mobile number, address" in shown
    assert f"1 customer: #{buyer.id} Z** 135****2222" in shown
    assert "13511112222" not in page  # reading the log shows nothing new
    lookup = entries(db)[1]
    assert lookup.page == "customer" and "13511112222" not in lookup.subject + lookup.customers
    other = make.user(Role.BRAND_ADMIN, brand=make.brand(), name="Other Admin")
    log_out(client)
    login_as(other)
    assert order.number not in client.get("/admin/audit/access", headers=EN).get_data(as_text=True)


def test_admin_partner_pages_log_the_phones_they_show(client, db, login_as, world, admin):
    login_as(admin)
    assert "13900000001" in client.get(f"/admin/partners/{world.alice.id}", headers=EN).get_data(as_text=True)
    client.get("/admin/partners", headers=EN)
    detail, listing = entries(db)
    assert (detail.page, detail.subject, customers(detail)["users"]) == ("partner", world.alice.code,
                                                                         [world.alice_user.id])
    assert listing.page == "partners" and customers(listing)["users"] == sorted([world.alice_user.id,
                                                                                 world.bob_user.id])


def test_partner_and_guide_pages_stay_masked_and_log_nothing(client, db, make, login_as, world, buyer):
    world.sale(contact_name="Zhao Lei", contact_phone="13511112222")
    login_as(world.alice_user)
    html = client.get("/partner/orders", headers=EN).get_data(as_text=True)
    exported = client.get("/partner/orders.csv", headers=EN).get_data(as_text=True)
    for shown in (html, exported):
        assert "135****2222" in shown and "13511112222" not in shown
    guide_user = make.user(Role.GUIDE, store=world.store, name="Guide One")
    guide = data.partner(db.session, world.brand, guide_user)
    data.binding(db.session, guide, user=buyer)
    log_out(client)
    login_as(guide_user)
    html = client.get("/partner/customers", headers=EN).get_data(as_text=True)
    assert "135****2222" in html and "13511112222" not in html
    assert db.session.scalar(select(func.count()).select_from(PersonalDataAccess)) == 0


def test_the_service_writes_one_bounded_row_per_view_and_takes_now(db, world, admin):
    now = datetime(2026, 1, 2, 3, 4)
    entry = log_access(db.session, viewer_id=admin.id, brand_id=world.brand.id, page="partners",
                       fields=["phone", "name", "shoe size"], users=[3, 1, 2, 1] * 10, now=now)
    db.session.commit()
    assert (entry.fields, entry.customer_count, entry.created_at) == ("name,phone", 3, now)
    assert customers(entry) == {"users": [1, 2, 3], "orders": []}
    assert log_access(db.session, viewer_id=admin.id, brand_id=None, page="partners", fields=["phone"], now=now) is None
    assert len(entries(db)) == 1
