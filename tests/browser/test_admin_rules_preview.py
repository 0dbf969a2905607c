"""The brand admin edits the commission rules on their phone: the example order's preview follows every change
(htmx), a typo is explained before saving, and saving lands back on the page with the new rules in force."""
import pytest
from playwright.sync_api import expect

from mall.accounts.models import Role
from tests.browser.conftest import open_phone
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.real_commits]  # a live server: another app, other threads


def test_rules_preview_follows_the_form_and_saves(live_server, browser, make, db, screenshot_path):
    brand = make.brand()
    admin_login = make.user(Role.BRAND_ADMIN, brand=brand).login
    db.session.commit()
    context = open_phone(browser, "en-US")
    page = context.new_page()
    try:
        page.goto(f"{live_server}/login?next=/admin/rules")
        page.fill("#login", admin_login)
        page.fill("#password", PASSWORD)
        page.press("#password", "Enter")
        page.wait_for_url("**/admin/rules")
        expect(page.locator(".rules-current")).to_contain_text("L1 ¥19.90")
        page.fill("#level1", "15")
        page.locator("#level1").dispatch_event("change")
        expect(page.locator("#rules-preview")).to_contain_text("L1 ¥29.85")
        page.fill("#guide", "3.333")
        page.locator("#guide").dispatch_event("change")
        expect(page.locator("#rules-preview")).to_contain_text("at most two decimals")
        page.fill("#guide", "3")
        page.locator("#guide").dispatch_event("change")
        expect(page.locator("#rules-preview")).to_contain_text("guide ¥5.97")
        page.screenshot(path=screenshot_path("admin-rules-preview"), full_page=True)
        page.click("button[name=save]")
        expect(page.locator(".rules-current")).to_contain_text("L1 ¥29.85")
    finally:
        context.close()
