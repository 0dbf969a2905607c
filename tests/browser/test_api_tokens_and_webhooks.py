"""On a phone: a partner makes an API token (shown once) on the account page; a brand admin registers a
webhook endpoint. Both pages fit 390 px and work without JavaScript (plain forms)."""
import pytest
from playwright.sync_api import expect

from mall.accounts.models import Role
from tests.browser.conftest import open_phone
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.real_commits]  # a live server: another app, other threads


def log_in(page, base: str, login: str, target: str) -> None:
    page.goto(f"{base}/login?next={target}")
    page.fill("#login", login)
    page.fill("#password", PASSWORD)
    page.press("#password", "Enter")
    page.wait_for_url(f"**{target}")


def fits_the_phone(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth") <= 390


def wider_than_the_phone(page) -> list[str]:
    return page.evaluate("[...document.querySelectorAll('*')].filter(e => e.getBoundingClientRect().right > 391)"
                         ".map(e => e.tagName + '.' + e.className).slice(0, 8)")


def test_token_and_webhook_pages_on_a_phone(live_server, browser, make, db, screenshot_path):
    brand = make.brand()
    partner_login = make.user(Role.PARTNER).login
    admin_login = make.user(Role.BRAND_ADMIN, brand=brand).login
    db.session.commit()
    context = open_phone(browser, "en-US")
    context.set_extra_http_headers({"Accept-Language": "en"})
    page = context.new_page()
    try:
        log_in(page, live_server, partner_login, "/account")
        page.fill("#name", "Mini-program")
        page.click("#api-tokens input[type=submit]")
        expect(page.locator("code.secret")).to_contain_text("mall_pat_")
        page.screenshot(path=screenshot_path("account-api-token"), full_page=True)
        assert fits_the_phone(page), wider_than_the_phone(page)
        page.goto(f"{live_server}/account")
        expect(page.locator("code.secret")).to_have_count(0)  # shown once
        expect(page.locator("#api-tokens")).to_contain_text("Mini-program")
        context.clear_cookies()

        log_in(page, live_server, admin_login, "/admin/webhooks")
        page.fill("#url", "https://crm.example.com/mall-events")
        page.check("input[value='order.paid']")
        page.click("text=Register endpoint")
        expect(page.locator("code.secret")).to_contain_text("whsec_")
        page.screenshot(path=screenshot_path("admin-webhooks"), full_page=True)
        assert fits_the_phone(page), wider_than_the_phone(page)
    finally:
        context.close()
