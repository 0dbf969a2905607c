"""Issue 16 in a phone's browser: a guest buys, loses the page, finds the order again by phone on another
browser (the code read from the mock SMS inbox) and asks for a refund; and the screens partners and
admins tripped over, captured at 390x844."""
import re
from datetime import datetime

import pytest
from playwright.sync_api import expect

from mall.accounts.models import Role
from mall.audit.service import record
from mall.jobs.settle import settle_due
from tests.browser.conftest import open_phone
from tests.factories import PASSWORD
from tests.integration.commission_support import T0, Books, days

pytestmark = [pytest.mark.browser, pytest.mark.real_commits]  # a live server: another app, other threads
PHONE = "13912345678"


def log_in(page, base, login, next_url):
    page.goto(f"{base}/login?next={next_url}")
    page.fill("#login", login)
    page.fill("#password", PASSWORD)
    page.click("#submit")


def test_a_guest_buys_closes_the_browser_finds_the_order_by_phone_and_asks_for_a_refund(
        live_server, browser, make, screenshot_path):
    product = make.product(title="Jasmine Tea Gift Box", skus=(("250g", 12800, 5), ("500g", 22800, 5)))
    code = product.code
    make.session.commit()

    first = open_phone(browser)
    page = first.new_page()
    page.goto(f"{live_server}/p/{code}")
    page.click("#buy-now")
    submit = page.locator("#submit-order")
    expect(submit).to_be_in_viewport()  # no scrolling inside the sheet to find it
    expect(page.locator("#amount-to-pay")).to_have_text("¥128.00")
    page.check("input[name=sku_id] >> nth=1", force=True)
    expect(page.locator("#amount-to-pay")).to_have_text("¥228.00")  # the server's figure, swapped by htmx
    page.click("button.qty-step[value='1']")
    expect(page.locator("#amount-to-pay")).to_have_text("¥456.00")
    expect(page.locator("#submit-amount")).to_have_text("¥456.00")
    expect(page.locator("#quantity")).to_have_value("2")
    page.screenshot(path=screenshot_path("issue16-buy-sheet"))
    page.fill("#contact_name", "王小明")
    page.fill("#contact_phone", PHONE)
    page.fill("#address", "上海市静安区南京西路 1 号")
    expect(submit).to_be_in_viewport()
    submit.click()
    page.wait_for_url("**/mockpay/**")
    page.fill("#card_number", "4242 4242 4242 4242")
    page.fill("#expiry", "12/39")
    page.fill("#cvc", "123")
    page.click("#pay-button")
    page.wait_for_url("**/o/**")
    page.wait_for_selector(".badge-paid")
    expect(page.locator("#find-again")).to_be_visible()  # how to come back without the link
    number = re.search(r"\d{6}-[0-9A-Z]{6}", page.locator("#order-status").inner_text()).group()
    first.close()  # WeChat's browser closed: the token link is gone

    second = open_phone(browser)
    page = second.new_page()
    page.goto(f"{live_server}/orders")  # "我的订单" as a guest: the look-up, not a login wall
    page.wait_for_url("**/orders/find")
    page.fill("#phone", PHONE)
    page.click("#send-code")
    page.wait_for_url("**/orders/find/code**")
    inbox = second.new_page()
    inbox.goto(f"{live_server}/dev/sms")
    text_message = inbox.locator(".sms-inbox li").first.inner_text()
    assert PHONE in text_message
    one_time_code = re.search(r"(?<!\d)\d{6}(?!\d)", text_message.split("\n", 1)[1]).group()
    inbox.close()
    page.fill("#code", one_time_code)
    page.click("#check-code")
    page.wait_for_url("**/orders/found")
    page.click("ul.my-orders a >> nth=0")
    page.wait_for_url("**/o/**")
    assert number in page.content()
    page.fill("#reason", "包装破损")
    page.click("#refund button[type=submit]")
    page.wait_for_selector(".refunds .badge-requested")
    page.screenshot(path=screenshot_path("issue16-refund-requested"), full_page=True)
    second.close()


def test_the_withdrawal_page_the_admin_home_and_the_audit_log_at_phone_size(
        live_server, browser, make, db, screenshot_path):
    books = Books(make, db.session, withdraw_min_fen=1000, withdraw_fee_bp=60, withdraw_daily_limit_fen=500000)
    order = books.paid_order([(19900, 1)])
    books.complete(order, at=T0)
    settle_due(db.session, now=T0 + days(8))
    partner_user = books.sharer.user
    partner_user.set_password(PASSWORD)
    admin = make.user(Role.BRAND_ADMIN, brand=books.brand, name="李茶茶")
    record(db.session, action="commission.settings", brand_id=books.brand.id, actor_id=admin.id,
           now=datetime(2026, 3, 1, 2, 0), subject=f"brand:{books.brand.id}",
           before={"level1_bp": 1000, "freeze_days": 7}, after={"level1_bp": 1250, "freeze_days": 7})
    record(db.session, action="catalog.product.update", brand_id=books.brand.id, actor_id=admin.id,
           now=datetime(2026, 3, 2, 2, 0), subject=f"product:{books.product.id}",
           before={"title": "Oolong", "skus": [{"name": "Default", "price_fen": 10000, "stock": 5}]},
           after={"title": "Oolong", "skus": [{"name": "Default", "price_fen": 9900, "stock": 5}]})
    partner_login, admin_login = partner_user.login, admin.login
    db.session.commit()

    partner_phone = open_phone(browser)
    page = partner_phone.new_page()
    log_in(page, live_server, partner_login, "/")
    page.wait_for_url("**/partner")  # a partner lands on their earnings
    page.goto(f"{live_server}/partner/withdrawals")
    expect(page.locator("#withdrawable")).to_have_text("¥19.90")
    expect(page.locator("#withdraw-all")).to_be_visible()
    page.screenshot(path=screenshot_path("issue16-withdrawals"), full_page=True)
    partner_phone.close()

    admin_phone = open_phone(browser)
    page = admin_phone.new_page()
    log_in(page, live_server, admin_login, "/")
    page.wait_for_url("**/admin/")  # an admin lands on the console
    expect(page.locator("#today-orders")).to_be_visible()
    page.screenshot(path=screenshot_path("issue16-admin-home"), full_page=True)
    page.goto(f"{live_server}/admin/audit")
    expect(page.locator(".audit-entries")).to_contain_text("12.5%")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the audit log is {width}px wide"
    page.screenshot(path=screenshot_path("issue16-audit-log"), full_page=True)
    admin_phone.close()
