"""A guide works through today's follow-ups on their phone: copies a message with their link, marks it done,
and the next customer is still there; the screenshot shows the list at 390x844."""
import pytest
from playwright.sync_api import expect

from mall.clock import utcnow
from tests.factories import PASSWORD
from tests.integration.journey_support import days, sequence, shop, visit

pytestmark = [pytest.mark.browser, pytest.mark.real_commits]  # a live server: another app, other threads


def test_a_guide_copies_a_message_and_marks_the_follow_up_done(live_server, phone, make, db, screenshot_path):
    s = shop(make, db.session)
    sequence(db.session, s, "new", offsets=(0, 3), template="{first_name}您好，我是{guide_name}，新茶到了：{link}")
    first, second = make.user(name="王小明", phone="13812345678"), make.user(name="李娜", phone="13987654321")
    visit(db.session, s, first, at=utcnow() - days(2))
    visit(db.session, s, second, at=utcnow() - days(0.1))
    login, guide_code = s.guide_user.login, s.guide.code
    db.session.commit()
    phone.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)

    page = phone.new_page()
    page.goto(f"{live_server}/login?next=/partner/today")
    page.fill("#login", login)
    page.fill("#password", PASSWORD)
    page.click("#submit")
    page.wait_for_url("**/partner/today")
    cards = page.locator("li.followup")
    expect(cards).to_have_count(2)
    overdue = cards.filter(has_text="王**")
    expect(overdue).to_contain_text("138****5678")
    expect(overdue.locator(".overdue")).to_be_visible()  # missed two days ago: still on the list
    page.screenshot(path=screenshot_path("journey-daily-list"), full_page=True)

    message = overdue.locator("textarea.followup-message").input_value()
    assert message.startswith("小明您好，我是张小雨，新茶到了：") and f"/{guide_code}?j=" in message
    copy = overdue.locator("[data-copy]")
    copy.click()
    expect(copy).to_have_text(copy.get_attribute("data-copied"))
    assert page.evaluate("navigator.clipboard.readText()") == message

    overdue.locator("button[value=done]").click()  # htmx swaps the card for a note
    expect(page.locator("li.followup-closed .flash-success")).to_be_visible()
    page.screenshot(path=screenshot_path("journey-daily-list-done"), full_page=True)
    page.reload()
    expect(page.locator("li.followup")).to_have_count(1)  # the step is never shown twice
    expect(page.locator("li.followup")).to_contain_text("李**")
