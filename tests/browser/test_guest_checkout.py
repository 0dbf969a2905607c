"""The short path on a phone: a shared product link to a paid order in two form submits."""
import pytest

pytestmark = [pytest.mark.browser, pytest.mark.real_commits]  # a live server: another app, other threads


def test_guest_buys_from_a_product_link(live_server, phone, make, screenshot_path):
    product = make.product(title="Jasmine Tea Gift Box", skus=(("250g", 12800, 3), ("500g", 22800, 5)))
    code = product.code
    make.session.commit()  # end the test's read transaction: SQLite lets one transaction at a time write

    page = phone.new_page()
    page.goto(f"{live_server}/p/{code}")
    assert page.locator("meta[property='og:title']").get_attribute("content") == "Jasmine Tea Gift Box"
    page.click("#buy-now")
    page.check("input[name=sku_id] >> nth=1", force=True)  # the 500g variant
    page.fill("#quantity", "2")
    page.fill("#contact_name", "王小明")
    page.fill("#contact_phone", "13800138000")
    page.fill("#address", "上海市静安区南京西路 1 号")
    page.click("#submit-order")  # submit 1: confirm details

    page.wait_for_url("**/mockpay/**")
    assert "¥456.00" in page.content()
    page.fill("#card_number", "4242 4242 4242 4242")
    page.fill("#expiry", "12/39")
    page.fill("#cvc", "123")
    page.click("#pay-button")  # submit 2: pay

    page.wait_for_url("**/o/**")
    page.wait_for_selector(".badge-paid")  # the provider's callback arrived and the page followed it
    assert "¥456.00" in page.content()
    page.screenshot(path=screenshot_path("guest-checkout-paid"), full_page=True)
