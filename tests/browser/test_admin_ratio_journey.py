"""The brand admin raises a product's level-1 ratio on their phone: the preview shows what an order now
pays, the change is saved, the next order pays the new ratio and the order placed before keeps the old one.

Two browser contexts: the buyer (who arrived through a sharer's link) and the admin.
"""
import pytest
from playwright.sync_api import expect
from sqlalchemy import select

from mall.accounts.models import Role
from mall.clock import utcnow
from mall.codes import short_code
from mall.orders.models import Order
from mall.referral.models import Partner
from tests.browser.conftest import open_phone
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.real_commits]  # a live server: another app, other threads


@pytest.fixture()
def admin_phone(browser):
    """The admin's own phone: a second context, no cookies shared with the buyer's."""
    context = open_phone(browser, "en-US")
    yield context
    context.close()


def buy(page, live_server, link: str, product_code: str) -> None:
    """A guest buys one ¥199.00 gift box through the sharer's link and pays with the mock card."""
    page.goto(link)
    page.wait_for_url(f"**/p/{product_code}")
    page.click("#buy-now")
    page.fill("#contact_name", "王小明")
    page.fill("#contact_phone", "13800138000")
    page.fill("#address", "上海市静安区南京西路 1 号")
    page.click("#submit-order")
    page.wait_for_url("**/mockpay/**")
    page.fill("#card_number", "4242 4242 4242 4242")
    page.fill("#expiry", "12/39")
    page.fill("#cvc", "123")
    page.click("#pay-button")
    page.wait_for_url("**/o/**")
    page.wait_for_selector(".badge-paid")  # the provider's callback arrived: the commission is accrued


def newest_order_number(session) -> str:
    number = session.scalar(select(Order.number).order_by(Order.id.desc()).limit(1))
    session.commit()  # end the read at once: SQLite lets one writer at a time, and the live server writes
    return number


def level1_row(page) -> tuple[str, str]:
    """(ratio, amount) of the level-1 share on the admin's order page."""
    row = page.locator("table.admin-shares tr", has_text="Level 1")
    return row.locator("td").nth(2).inner_text().strip(), row.locator("td").nth(3).inner_text().strip()


def test_a_new_ratio_pays_new_orders_and_leaves_older_orders_alone(live_server, phone, admin_phone, make,
                                                                   screenshot_path):
    brand = make.brand(name="Tea House")
    product = make.product(brand, title="Oolong Gift Box", skus=(("200g", 19900, 20),))
    upline_user, sharer_user = make.user(name="Wang Fang"), make.user(name="Li Na")
    upline = Partner(brand_id=brand.id, user_id=upline_user.id, code=short_code(6), status="active", joined_at=utcnow())
    make.session.add(upline)
    make.session.flush()
    sharer = Partner(brand_id=brand.id, user_id=sharer_user.id, code=short_code(6), inviter_id=upline.id,
                     status="active", joined_at=utcnow())
    make.session.add(sharer)
    admin = make.user(Role.BRAND_ADMIN, brand=brand, name="Zhao Min")
    product_id, product_code, sharer_code, admin_login = product.id, product.code, sharer.code, admin.login
    make.session.commit()
    link = f"{live_server}/p/{product_code}/{sharer_code}"

    # Before the change: an order at the brand's ratios, 10% to the sharer, 5% to their inviter.
    buyer = phone.new_page()
    buy(buyer, live_server, link, product_code)
    old_number = newest_order_number(make.session)

    # The admin logs in on their phone and opens the product, where its split ratios are edited.
    page = admin_phone.new_page()
    page.goto(f"{live_server}/login?next=/admin/products/{product_id}")
    page.fill("#login", admin_login)
    page.fill("#password", PASSWORD)
    page.click("#submit")
    page.wait_for_url(f"**/admin/products/{product_id}")
    preview = page.locator("#ratio-preview")
    expect(preview).to_contain_text("¥19.90")  # what a ¥199.00 order pays the sharer today

    # Too much is refused as they type: 40% with the other roles' 5% + 3% + 2% is over the brand's 25% cap ...
    page.fill("#level1", "40")
    expect(preview.locator(".error")).to_be_visible()
    # ... and 15% shows, before anything is saved, what a ¥199.00 order would now pay.
    page.fill("#level1", "15")
    expect(preview).to_contain_text("¥199.00")
    expect(preview).to_contain_text("¥29.85")
    expect(preview).to_contain_text("¥9.95")  # level 2 keeps the brand's 5%
    expect(preview.locator(".error")).to_have_count(0)
    page.locator(".product-ratios").screenshot(path=screenshot_path("admin-ratio-preview"))
    page.locator(".product-ratios button[type=submit]").click()
    expect(page.locator(".flash-success")).to_be_visible()
    expect(page.locator("#level1")).to_have_value("15")

    # After the change: the same buyer orders again through the same sharer.
    buy(buyer, live_server, link, product_code)
    new_number = newest_order_number(make.session)
    assert new_number != old_number

    page.goto(f"{live_server}/admin/orders/{new_number}")
    assert level1_row(page) == ("15%", "¥29.85")
    page.screenshot(path=screenshot_path("admin-ratio-new-order"), full_page=True)
    page.goto(f"{live_server}/admin/orders/{old_number}")
    assert level1_row(page) == ("10%", "¥19.90")
