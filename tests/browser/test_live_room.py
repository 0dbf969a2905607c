"""The host pins a product on one phone; a viewer on another sees it without reloading and buys it at the live price."""
import time

import pytest
from playwright.sync_api import expect

from mall.accounts.models import Role
from tests.browser.conftest import open_phone
from tests.factories import PASSWORD
from tests.integration.live_support import Room

pytestmark = [pytest.mark.browser, pytest.mark.real_commits]  # a live server: another app, other threads


def test_the_viewer_follows_the_pin_and_buys_at_the_live_price(live_server, browser, make, screenshot_path):
    room = Room(make, make.session)
    host = make.user(Role.GUIDE, store=room.store, name="Host Zhang")
    room.room.host_user_id = host.id
    room.start()
    code, item_id, login, invite = room.room.code, room.live_item.id, host.login, room.sharer.code
    make.session.commit()  # end the test's transaction: SQLite lets one writer at a time

    host_phone, viewer_phone = open_phone(browser), open_phone(browser)
    try:
        viewer = viewer_phone.new_page()
        viewer.goto(f"{live_server}/l/{code}/{invite}", wait_until="domcontentloaded")
        expect(viewer.locator(".live-pinned-none")).to_be_visible()
        viewer.evaluate("window.notReloaded = true")

        console = host_phone.new_page()
        console.goto(f"{live_server}/login?next=/l/{code}/host")
        console.fill("#login", login)
        console.fill("#password", PASSWORD)
        console.click("#submit")
        console.wait_for_url(f"**/l/{code}/host")
        console.click(f".pin-button[data-item='{item_id}']")
        pinned_at = time.monotonic()
        expect(console.locator(".live-item.is-pinned")).to_have_count(1)

        # Within 5 seconds, without a reload: the poll swapped the pinned product in.
        expect(viewer.locator(".live-pinned-title")).to_have_text("Oolong Gift Box", timeout=5000)
        assert time.monotonic() - pinned_at < 5
        assert viewer.evaluate("window.notReloaded") is True
        expect(viewer.locator(".live-pinned .price")).to_have_text("¥79.00")
        viewer.screenshot(path=screenshot_path("live-room"), full_page=False)

        viewer.click("#buy-pinned")
        viewer.fill("#contact_name", "王小明")
        viewer.fill("#contact_phone", "13800138000")
        viewer.fill("#address", "上海市静安区南京西路 1 号")
        viewer.click("#submit-order")  # submit 1, in the room
        viewer.wait_for_url("**/mockpay/**")
        assert "¥79.00" in viewer.content()
        viewer.fill("#card_number", "4242 4242 4242 4242")
        viewer.fill("#expiry", "12/39")
        viewer.fill("#cvc", "123")
        viewer.click("#pay-button")  # submit 2
        viewer.wait_for_url("**/o/**")
        viewer.wait_for_selector(".badge-paid")
        assert "¥79.00" in viewer.content()

        # The host's figures follow the order.
        expect(console.locator("#console-orders")).to_have_text("1", timeout=8000)
        expect(console.locator("#console-gmv")).to_have_text("¥79.00")
        console.screenshot(path=screenshot_path("live-host-console"), full_page=False)
    finally:
        host_phone.close()
        viewer_phone.close()
