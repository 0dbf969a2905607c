"""The sharing kit on a phone (390x844): the share centre, a storefront and a poster, saved to test-results/.

The partner copies a product's ready text with one tap, adds it to their storefront, and opens the poster; a
friend's phone shows the storefront. The poster is saved as the PNG the server sends (750 px wide).
"""
import io

import pytest
from PIL import Image
from playwright.sync_api import expect

from mall.clock import utcnow
from mall.referral.service import become_partner
from tests.browser.conftest import OUTPUT, open_phone
from tests.factories import PASSWORD
from tests.integration.sharing_support import content_item, qr_texts

pytestmark = [pytest.mark.browser, pytest.mark.real_commits]


def test_share_centre_storefront_and_poster_on_a_phone(live_server, phone, browser, make, screenshot_path):
    brand = make.brand(name="茶语 Tea House")
    product = make.product(brand, title="武夷岩茶 大红袍 礼盒", skus=(("200g", 12800, 5),))
    make.product(brand, title="西湖龙井 明前特级", skus=(("100g", 26800, 3),))
    content_item(make, brand, title="春茶上新", body="今年的新茶到了，口感清甜：{link}", product=product)
    user = make.user(name="李娜", phone="13900000202")
    partner = become_partner(make.session, user_id=user.id, brand_id=brand.id, now=utcnow())
    make.session.flush()
    product_code, partner_code, login = product.code, partner.code, user.login
    make.session.commit()
    phone.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)

    page = phone.new_page()
    page.goto(f"{live_server}/login?next=/partner/share")
    page.fill("#login", login)
    page.fill("#password", PASSWORD)
    page.click("#submit")
    page.wait_for_url("**/partner/share")
    copy_text = page.locator(f"[data-copy='text-p-{product_code}']")
    copy_text.click()
    expect(copy_text).to_have_text(copy_text.get_attribute("data-copied"))
    text = page.evaluate("navigator.clipboard.readText()")
    assert text.endswith(f"{live_server}/p/{product_code}/{partner_code}") and "¥128.00" in text
    assert "¥12.80" in page.locator(f"#card-{product_code} .earn").text_content()  # 10% at level 1
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=screenshot_path("share-centre"), full_page=False)

    page.locator(f"#card-{product_code} form button").click()  # add to my storefront
    page.wait_for_load_state()
    page.goto(f"{live_server}/partner/share?tab=content")
    page.screenshot(path=screenshot_path("share-centre-content"), full_page=False)

    poster = page.request.get(f"{live_server}/partner/posters/product/{product_code}.png")
    assert poster.status == 200
    OUTPUT.mkdir(exist_ok=True)
    (OUTPUT / "poster-product.png").write_bytes(poster.body())
    with Image.open(io.BytesIO(poster.body())) as image:
        assert image.width == 750
    assert qr_texts(poster.body()) == [f"{live_server}/p/{product_code}/{partner_code}"]

    friend = open_phone(browser)
    try:
        shop = friend.new_page()
        shop.goto(f"{live_server}/shop/{partner_code}")
        expect(shop.locator(".tile")).to_have_count(1)
        assert "武夷岩茶" in shop.locator(".tile").text_content()
        shop.screenshot(path=screenshot_path("storefront"), full_page=False)
    finally:
        friend.close()
