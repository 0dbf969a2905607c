"""A partner copies a product link on their phone; a friend buys through it on theirs; the partner sees
the pending commission. Two browser contexts: two people, two sets of cookies."""
import pytest
from playwright.sync_api import expect

from mall.clock import utcnow
from mall.referral.service import become_partner
from tests.browser.conftest import open_phone
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.real_commits]  # a live server: another app, other threads


@pytest.fixture()
def friend_phone(browser):
    """The consumer's own phone: a second context with the same size and locale as `phone`, no shared cookies."""
    context = open_phone(browser)
    yield context
    context.close()


def test_a_friend_buys_through_a_copied_link_and_the_partner_sees_the_commission(
        live_server, phone, friend_phone, make, screenshot_path):
    brand = make.brand(name="Tea House")
    product = make.product(brand, title="Oolong Gift Box", skus=(("200g", 12800, 5),))
    user = make.user(name="Li Na", phone="13900000101")
    partner = become_partner(make.session, user_id=user.id, brand_id=brand.id, now=utcnow())
    make.session.flush()
    product_code, partner_code, login = product.code, partner.code, user.login
    make.session.commit()  # end the test's transaction (and read nothing after): SQLite lets one writer at a time
    phone.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)

    # The partner logs in on their phone and copies the product's link in the share centre.
    sharer = phone.new_page()
    sharer.goto(f"{live_server}/login?next=/partner/share")
    sharer.fill("#login", login)
    sharer.fill("#password", PASSWORD)
    sharer.click("#submit")
    sharer.wait_for_url("**/partner/share")
    field = sharer.locator(f"#link-p-{product_code}")
    link = field.input_value()
    assert link == f"{live_server}/p/{product_code}/{partner_code}"
    copy = sharer.locator(f"[data-copy='link-p-{product_code}']")
    copy.click()  # revealed by mall.js; says "copied" once the link is on the clipboard
    expect(copy).to_have_text(copy.get_attribute("data-copied"))
    assert sharer.evaluate("navigator.clipboard.readText()") == link

    # A friend opens the link on their own phone and buys two boxes as a guest.
    buyer = friend_phone.new_page()
    buyer.goto(link)
    buyer.wait_for_url(f"**/p/{product_code}")
    buyer.click("#buy-now")
    buyer.fill("#quantity", "2")
    buyer.fill("#contact_name", "王小明")
    buyer.fill("#contact_phone", "13800138000")
    buyer.fill("#address", "上海市静安区南京西路 1 号")
    buyer.click("#submit-order")
    buyer.wait_for_url("**/mockpay/**")
    assert "¥256.00" in buyer.content()
    buyer.fill("#card_number", "4242 4242 4242 4242")
    buyer.fill("#expiry", "12/39")
    buyer.fill("#cvc", "123")
    buyer.click("#pay-button")
    buyer.wait_for_url("**/o/**")
    buyer.wait_for_selector(".badge-paid")  # the provider's callback arrived

    # The partner's dashboard: 10% of ¥256.00 is pending, nothing available yet.
    sharer.goto(f"{live_server}/partner")
    assert sharer.locator(".stat-pending").text_content() == "¥25.60"
    assert sharer.locator(".stat-available").text_content() == "¥0.00"
    sharer.screenshot(path=screenshot_path("partner-dashboard-pending"), full_page=True)
