"""The brand admin's partner pages: the list (pending first) with approve / disable / enable, one partner's
upline and downline, and the customer lookup that explains a binding."""
from datetime import timedelta

import pytest
from sqlalchemy import select

from mall.accounts.models import Role
from mall.audit.models import AuditLog
from mall.clock import utcnow
from mall.referral.models import Partner
from mall.referral.service import record_visit
from tests.integration.admin_support import EN, follow, post, text
from tests.integration.referral_data import order, partner, rules


@pytest.fixture()
def brand(make):
    return make.brand(name="Tea House")


@pytest.fixture()
def admin(make, brand, login_as):
    return login_as(make.user(Role.BRAND_ADMIN, brand=brand))


def status_of(db, row) -> str:
    db.session.expire_all()
    return db.session.scalar(select(Partner.status).where(Partner.id == row.id))


def listing(client, query="") -> str:
    response = client.get(f"/admin/partners{query}", headers=EN)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_list_puts_pending_first_with_inviter_and_invitees(client, make, brand, admin):
    founder = partner(make, brand, name="Founder Fu")
    first = partner(make, brand, name="First Fan", inviter=founder)
    partner(make, brand, name="Second Fan", inviter=founder)
    waiting = partner(make, brand, name="Waiting Wu", status="pending", inviter=first)
    foreign = partner(make, make.brand(), name="Foreign Fox")
    page = listing(client)
    assert "Foreign Fox" not in page and foreign.code not in page
    assert page.index(f'id="partner-{waiting.id}"') < page.index(f'id="partner-{founder.id}"')
    founder_row = text(page[page.index(f'id="partner-{founder.id}"'):].split("</li>")[0])
    assert "Invited by: —" in founder_row and "2 invitees" in founder_row
    waiting_row = text(page[page.index(f'id="partner-{waiting.id}"'):].split("</li>")[0])
    assert f"Invited by: First Fan {first.code}" in waiting_row and "0 invitees" in waiting_row
    assert "Awaiting approval" in waiting_row and "Approve" in waiting_row
    only_pending = listing(client, "?status=pending")
    assert "Waiting Wu" in only_pending and "Founder Fu" not in only_pending
    assert "Founder Fu" in listing(client, "?status=nonsense&page=-1")


def test_approve_disable_enable(client, db, make, brand, admin):
    waiting = partner(make, brand, status="pending", name="Waiting Wu")
    url = f"/admin/partners/{waiting.id}"
    assert "Partner approved." in follow(client, post(client, f"{url}/approve"))
    assert status_of(db, waiting) == "active"
    assert db.session.get(Partner, waiting.id).user.role == Role.PARTNER  # now sees the partner pages
    page = follow(client, post(client, f"{url}/disable?back=partner"))
    assert "Partner disabled" in page and "<h1>Waiting Wu" in page  # back on the partner's own page
    assert status_of(db, waiting) == "disabled"
    assert "cannot be changed that way" in follow(client, post(client, f"{url}/approve"))
    assert status_of(db, waiting) == "disabled"
    follow(client, post(client, f"{url}/enable?status=active"))
    assert status_of(db, waiting) == "active"
    follow(client, post(client, f"{url}/enable"))  # a double click changes and logs nothing more
    actions = [(e.action, e.actor_id) for e in db.session.scalars(select(AuditLog).order_by(AuditLog.id))]
    assert actions == [("partner.approved", admin.id), ("partner.disabled", admin.id), ("partner.enabled", admin.id)]


def test_the_partner_page_shows_upline_and_downline(client, make, brand, admin):
    top = partner(make, brand, name="Top Tang")
    middle = partner(make, brand, name="Middle Ma", inviter=top)
    me = partner(make, brand, name="Me Meng", inviter=middle)
    child = partner(make, brand, name="Child Chu", inviter=me, status="disabled")
    partner(make, brand, name="Grandchild Gu", inviter=child)
    partner(make, brand, name="Stranger Shi")
    page = client.get(f"/admin/partners/{me.id}", headers=EN).get_data(as_text=True)
    upline = text(page[page.index('id="upline"'):page.index('id="downline"')])
    assert f"Level 2 Middle Ma {middle.code}" in upline and f"Level 3 Top Tang {top.code}" in upline
    downline = text(page[page.index('id="downline"'):])
    assert "Invited by this partner (1)" in downline and "Child Chu" in downline and "Disabled" in downline
    assert "Invited by their invitees (1)" in downline and "Grandchild Gu" in downline and "via Child Chu" in downline
    assert "Stranger Shi" not in page and "Top Tang" not in downline


def lookup(client, phone) -> str:
    response = client.get("/admin/customers", query_string={"phone": phone}, headers=EN)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_why_a_customer_is_bound_to_whom(client, db, make, brand, admin):
    rules(db.session, brand, binding_mode="last_touch")
    first, second = partner(make, brand, name="First Fan"), partner(make, brand, name="Second Sun")
    customer = make.user(phone="13912345678", name="Chen Jie")
    start = utcnow() - timedelta(hours=3)
    for hour, sharer in ((0, first), (1, second)):
        record_visit(db.session, brand_id=brand.id, partner_code=sharer.code, channel="link", target="product:TEA123",
                     visitor_key="browser-1", user_id=customer.id, now=start + timedelta(hours=hour))
    db.session.commit()
    page = lookup(client, "139-1234-5678")
    bindings = text(page[page.index('id="bindings"'):page.index('id="touches"')])
    assert bindings.index(f"Sharer: Second Sun {second.code} In force") < bindings.index(
        f"Sharer: First Fan {first.code} Ended")
    assert "Why: A later shared link took over — Shared link product:TEA123" in bindings
    assert "Why: First shared link opened" in bindings
    touches = text(page[page.index('id="touches"'):])
    assert touches.index(second.code) < touches.index(first.code)
    assert "Chen Jie" in page and "13912345678" in page


@pytest.mark.parametrize("phone, message", [
    ("13900000000", "No customer of this brand has that mobile number."),  # nobody
    ("13912345678", "No customer of this brand has that mobile number."),  # only another brand's customer
    ("12345", "Please enter a valid mobile number."),
    ("", "Please enter a mobile number."),
])
def test_a_lookup_tells_nothing_about_other_brands(client, db, make, brand, admin, phone, message):
    other_brand = make.brand()
    sharer = partner(make, other_brand)
    customer = make.user(phone="13912345678", name="Chen Jie")
    record_visit(db.session, brand_id=other_brand.id, partner_code=sharer.code, channel="link", target="home",
                 visitor_key="browser-1", user_id=customer.id, now=utcnow())
    order(db.session, user=customer, brand=other_brand, total_fen=1000)
    page = lookup(client, phone)
    assert message in page
    assert "Chen Jie" not in page and sharer.code not in page


def test_a_customer_who_only_ordered_is_found(client, db, make, brand, admin):
    customer = make.user(phone="13912345678", name="Chen Jie")
    order(db.session, user=customer, brand=brand, total_fen=1000)
    page = lookup(client, "+8613912345678")
    assert "Chen Jie" in page and "1 order" in page and "Not bound to anyone." in page


def test_a_platform_admin_sees_every_brands_partners(client, login_as, make, brand):
    mine, theirs = partner(make, brand, name="Mine Ma"), partner(make, make.brand(name="Other"), name="Their Tu")
    login_as(make.user(Role.PLATFORM_ADMIN))
    page = listing(client)
    assert "Mine Ma" in page and "Their Tu" in page and "Other" in page
    assert client.get(f"/admin/partners/{theirs.id}").status_code == 200
    assert client.get(f"/admin/partners/{mine.id}").status_code == 200
