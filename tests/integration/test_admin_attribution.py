"""The admin's order page shows who an order is attributed to and every commission share, and lets the
brand re-attribute an unsettled order with a reason (audited), with errors shown inline."""
import secrets

import pytest
from sqlalchemy import func, select

from mall.accounts.models import Role
from mall.audit.models import AuditLog
from mall.clock import utcnow
from mall.commission.models import OrderAttribution
from mall.jobs.settle import settle_due
from mall.orders.checkout import CheckoutRequest, place_order
from mall.orders.refunds import request_refund
from mall.referral.models import Partner
from mall.referral.service import record_visit
from tests.integration.admin_support import EN, follow, post, share_rows, text
from tests.integration.commission_support import T0, Books, days
from tests.integration.payment_support import pay, start_payment
from tests.integration.referral_data import partner


@pytest.fixture()
def books(make, db):
    return Books(make, db.session)


@pytest.fixture()
def admin(make, books):
    return make.user(Role.BRAND_ADMIN, brand=books.brand, name="Admin Ann")


def page_of(client, order) -> str:
    response = client.get(f"/admin/orders/{order.number}", headers=EN)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def attribution_text(page: str) -> str:
    start = page.index('id="attribution"')
    return text(page[start:page.index("</section>", start)])


def test_the_snapshot_and_every_share_are_shown(client, login_as, books, admin):
    order = books.paid_order([(10000, 1)])
    login_as(admin)
    page = page_of(client, order)
    snapshot = attribution_text(page)
    assert books.sharer.code in snapshot and books.store.name in snapshot
    assert "Last shared link opened" in snapshot and "Shared link" in snapshot and "First touch locks" in snapshot
    assert share_rows(page) == [
        ("Level 1 (sharer)", f"Test User {books.sharer.code}", "10%", "¥10.00", "—", "Pending"),
        ("Level 2 (inviter)", f"Test User {books.upline.code}", "5%", "¥5.00", "—", "Pending"),
        ("Store", books.store.name, "2%", "¥2.00", "—", "Pending"),
    ]


def test_a_partial_refund_approved_here_shows_its_reversal(client, login_as, db, make):
    """The whole way: a shared link, checkout, payment, a refund of half the line approved by the admin."""
    brand = make.brand()
    admin = make.user(Role.BRAND_ADMIN, brand=brand)
    product = make.product(brand, skus=(("Box", 10000, 5),))
    sharer = partner(make, brand, name="Sun Li")
    record_visit(db.session, brand_id=brand.id, partner_code=sharer.code.lower(), channel="link",
                 target=f"product:{product.code}", visitor_key="visitor-1", now=utcnow())
    db.session.commit()
    order = place_order(db.session, CheckoutRequest(
        sku_id=product.skus[0].id, quantity=1, contact_name="王小明", contact_phone="13800138000", delivery="ship",
        address="上海市静安区南京西路 1 号", idempotency_key=secrets.token_urlsafe(16), visitor_key="visitor-1"),
        now=utcnow())
    pay(client, start_payment(db.session, order))
    refund = request_refund(db.session, order.id, items=[(order.lines[0].id, 5000)], reason="One box broken",
                            now=utcnow())
    login_as(admin)
    assert share_rows(page_of(client, order)) == [
        ("Level 1 (sharer)", f"Sun Li {sharer.code}", "10%", "¥10.00", "—", "Pending")]
    follow(client, post(client, f"/admin/orders/{order.number}/refunds/{refund.id}/approve"))
    assert share_rows(page_of(client, order)) == [
        ("Level 1 (sharer)", f"Sun Li {sharer.code}", "10%", "¥10.00", "¥5.00", "Pending")]


def test_re_attributing_to_another_sharer(client, login_as, db, books, admin):
    other = books.partner()
    order = books.paid_order([(10000, 1)])
    login_as(admin)
    assert "Re-attribute this order" in page_of(client, order)
    response = post(client, f"/admin/orders/{order.number}/reattribute",
                    {"reattribute-sharer_code": f" {other.code.lower()[:3]}-{other.code.lower()[3:]} ",
                     "reattribute-reason": "Customer named another sharer"})
    assert "The order was re-attributed" in follow(client, response)
    page = page_of(client, order)
    assert other.code in attribution_text(page) and "Re-attributed by the brand" in attribution_text(page)
    rows = share_rows(page)
    assert ("Level 1 (sharer)", f"Test User {books.sharer.code}", "10%", "¥10.00", "¥10.00", "Re-attributed") in rows
    assert ("Level 1 (sharer)", f"Test User {other.code}", "10%", "¥10.00", "—", "Pending") in rows
    assert books.balances(other)["pending"] == 1000 and books.balances()["pending"] == 0
    entry = db.session.scalars(select(AuditLog)).one()
    assert (entry.action, entry.actor_id, entry.reason) == ("commission.reattribute", admin.id,
                                                           "Customer named another sharer")


def test_a_guide_code_brings_the_guides_store(client, login_as, db, make, books, admin):
    guide_user = make.user(Role.GUIDE, store=books.store, name="Guide Gao")
    guide = partner(make, books.brand, user=guide_user)
    order = books.order([(10000, 1)])  # unpaid: the planned shares are simply re-planned
    login_as(admin)
    response = post(client, f"/admin/orders/{order.number}/reattribute",
                    {"reattribute-guide_code": guide.code, "reattribute-reason": "Sold at the counter"})
    follow(client, response)
    rows = share_rows(page_of(client, order))
    assert ("Shop guide", f"Guide Gao {guide.code}", "3%", "¥3.00", "—", "Awaiting payment") in rows
    assert ("Store", books.store.name, "2%", "¥2.00", "—", "Awaiting payment") in rows
    assert db.session.get(OrderAttribution, order.id).guide_id == guide.id


def _foreign_partner(make, db):
    return Books(make, db.session).sharer


@pytest.mark.parametrize("fields, message", [
    ({"reattribute-sharer_code": "{other}", "reattribute-reason": ""},
     "Please give a reason for the re-attribution."),
    ({"reattribute-sharer_code": "{other}", "reattribute-reason": "x" * 301}, "At most 300 characters, please."),
    ({"reattribute-sharer_code": "ZZZZZZ", "reattribute-reason": "typo"},
     "No partner of this brand has the code ZZZZZZ."),
    ({"reattribute-sharer_code": "{foreign}", "reattribute-reason": "other brand"},
     "No partner of this brand has the code {foreign}."),
    ({"reattribute-guide_code": "{other}", "reattribute-reason": "not a guide"},
     "That partner is not a shop guide of this brand."),
    ({"reattribute-store": "{foreign_store}", "reattribute-reason": "other brand's store"}, "Not a valid choice"),
    ({"reattribute-sharer_code": "x" * 21, "reattribute-reason": "too long"}, "That is not a referral code."),
])
def test_bad_input_is_shown_inline_and_changes_nothing(client, login_as, db, make, books, admin, fields, message):
    other = books.partner()
    foreign = Books(make, db.session)
    order = books.paid_order([(10000, 1)])
    values = {"other": other.code, "foreign": foreign.sharer.code, "foreign_store": str(foreign.store.id)}
    login_as(admin)
    response = post(client, f"/admin/orders/{order.number}/reattribute",
                    {key: value.format(**values) for key, value in fields.items()})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert message.format(**values) in text(page)
    assert "<details class=\"reattribute\" open" in page  # the form stays open with what was typed
    db.session.expire_all()
    assert db.session.get(OrderAttribution, order.id).sharer_id == books.sharer.id
    assert books.balances()["pending"] == 1000
    assert db.session.scalar(select(func.count()).select_from(AuditLog)) == 0


def test_a_settled_order_cannot_be_re_attributed(client, login_as, db, books, admin):
    order = books.paid_order([(10000, 1)])
    books.complete(order, at=T0)
    settle_due(db.session, now=T0 + days(8))
    login_as(admin)
    page = page_of(client, order)
    assert "Re-attribute this order" not in page
    assert "it can no longer be re-attributed" in page
    response = post(client, f"/admin/orders/{order.number}/reattribute",
                    {"reattribute-sharer_code": books.upline.code, "reattribute-reason": "too late"})
    assert response.status_code == 422
    assert "Commission on this order has been settled" in response.get_data(as_text=True)
    assert books.balances()["available"] == 1000


def test_a_cancelled_order_offers_no_re_attribution(client, login_as, books, admin):
    order = books.order([(10000, 1)])
    books.cancel(order)
    login_as(admin)
    page = page_of(client, order)
    assert "Re-attribute this order" not in page
    assert [row[-1] for row in share_rows(page)] == ["Void", "Void", "Void"]


def test_another_brands_order_cannot_be_re_attributed(client, login_as, db, make, books):
    order = books.paid_order([(10000, 1)])
    login_as(make.user(Role.BRAND_ADMIN, brand=make.brand()))
    response = post(client, f"/admin/orders/{order.number}/reattribute",
                    {"reattribute-sharer_code": books.upline.code, "reattribute-reason": "mine now"})
    assert response.status_code == 404
    db.session.expire_all()
    assert db.session.get(OrderAttribution, order.id).sharer_id == books.sharer.id


def test_a_platform_admin_may_re_attribute_any_brands_order(client, login_as, db, make, books):
    other = books.partner()
    order = books.paid_order([(10000, 1)])
    login_as(make.user(Role.PLATFORM_ADMIN))
    follow(client, post(client, f"/admin/orders/{order.number}/reattribute",
                        {"reattribute-sharer_code": other.code, "reattribute-reason": "support ticket 12"}))
    db.session.expire_all()
    assert db.session.get(OrderAttribution, order.id).sharer_id == other.id
    assert db.session.scalar(select(Partner.status).where(Partner.id == other.id)) == "active"
