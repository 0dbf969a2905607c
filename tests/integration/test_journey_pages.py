"""The journey pages: the brand admin's sequences and steps (bad input refused, nothing changed, other brands
not found), and the guide's daily list (masked contact, message ready, done / skip / later, only their own)."""
from sqlalchemy import func, select

from mall.accounts.models import Role
from mall.clock import utcnow
from mall.journeys.sop_models import JourneySequence, JourneyStep, JourneyStepOutcome
from mall.journeys.tags import create_tag
from mall.referral.partners import ensure_guide_partner
from tests.conftest import csrf_from
from tests.integration.admin_support import EN, follow, post, text
from tests.integration.journey_support import days, sequence, shop, visit


def _count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_an_admin_builds_a_sequence_step_by_step(client, login_as, make, db):
    s = shop(make, db.session)
    login_as(make.user(Role.BRAND_ADMIN, brand=s.brand))
    page = follow(client, post(client, "/admin/journeys/sequences", {
        "name": "新客欢迎", "state": "new", "tag_id": "0", "reentry": "every_entry", "active": "y"},
        token_from="/admin/journeys"))
    assert "新客欢迎" in page
    seq = db.session.scalar(select(JourneySequence))
    page = follow(client, post(client, f"/admin/journeys/sequences/{seq.id}/steps", {
        "day_offset": "3", "channel": "chat", "template": "{first_name}您好，{product}：{link}",
        "product_code": s.product.code.lower()}, token_from="/admin/journeys"))
    step = db.session.scalar(select(JourneyStep))
    assert (step.day_offset, step.product_id) == (3, s.product.id)
    assert "Step added." in page and 'id="result-' in page


def test_bad_steps_are_refused_with_a_reason_and_change_nothing(client, login_as, make, db):
    s = shop(make, db.session)
    seq = sequence(db.session, s, "new", offsets=())
    other = shop(make, db.session)
    login_as(make.user(Role.BRAND_ADMIN, brand=s.brand))
    url = f"/admin/journeys/sequences/{seq.id}/steps"
    good = {"day_offset": "0", "channel": "chat", "template": "{first_name}您好"}
    for change, reason in [({"template": "{frist_name}您好"}, "Unknown placeholder: {frist_name}"),
                           ({"day_offset": "-1"}, "Please enter a day between 0 and 365."),
                           ({"day_offset": "366"}, "Please enter a day between 0 and 365."),
                           ({"day_offset": "三"}, "Please enter a day between 0 and 365."),
                           ({"channel": "sms"}, "Not a valid choice"),
                           ({"product_code": other.product.code}, "No product of your brand has this code.")]:
        response = post(client, url, {**good, **change}, token_from="/admin/journeys")
        assert response.status_code == 422, change
        assert reason in text(response.get_data(as_text=True)), change
    assert _count(db, JourneyStep) == 0


def test_another_brands_sequence_step_and_tag_cannot_be_used(client, login_as, make, db):
    s = shop(make, db.session)
    other = shop(make, db.session)
    theirs = sequence(db.session, other, "new", offsets=(0,))
    their_tag = create_tag(db.session, other.brand.id, name="别家", rule="manual", value="", now=utcnow())
    db.session.commit()
    login_as(make.user(Role.BRAND_ADMIN, brand=s.brand))
    assert client.get(f"/admin/journeys/sequences/{theirs.id}", headers=EN).status_code == 404
    step_data = {"day_offset": "1", "channel": "chat", "template": "x"}
    assert post(client, f"/admin/journeys/sequences/{theirs.id}/steps", step_data,
                token_from="/admin/journeys").status_code == 404
    assert post(client, f"/admin/journeys/steps/{theirs.steps[0].id}", step_data,
                token_from="/admin/journeys").status_code == 404
    response = post(client, "/admin/journeys/sequences", {"name": "x", "state": "new", "tag_id": str(their_tag.id),
                                                          "reentry": "every_entry"}, token_from="/admin/journeys")
    assert response.status_code == 422
    assert "Please choose one of your brand's tags." in text(response.get_data(as_text=True))
    assert _count(db, JourneySequence) == 1 and _count(db, JourneyStep) == 1


def test_tags_and_silent_days_are_saved_and_checked(client, login_as, make, db):
    s = shop(make, db.session)
    login_as(make.user(Role.BRAND_ADMIN, brand=s.brand))
    assert post(client, "/admin/journeys/tags", {"name": "大客户", "rule": "spent_over", "value": "abc"},
                token_from="/admin/journeys").status_code == 422
    follow(client, post(client, "/admin/journeys/tags", {"name": "大客户", "rule": "spent_over", "value": "50000"},
                        token_from="/admin/journeys"))
    assert post(client, "/admin/journeys/tags", {"name": "大客户", "rule": "manual"},
                token_from="/admin/journeys").status_code == 422  # the same name twice
    assert post(client, "/admin/journeys/settings", {"silent_days": "0"}, token_from="/admin/journeys"
                ).status_code == 422
    page = follow(client, post(client, "/admin/journeys/settings", {"silent_days": "45"},
                               token_from="/admin/journeys"))
    assert 'value="45"' in page


def _guide_login(client, login_as, s):
    login_as(s.guide_user)
    return client.get("/partner/today", headers=EN)


def test_the_guide_sees_todays_customers_masked_with_the_message_ready_and_marks_one_done(client, login_as, make, db):
    s = shop(make, db.session)
    sequence(db.session, s, "new", offsets=(0, 3), template="{first_name}您好，我是{guide_name}：{link}")
    alice = make.user(name="王小明", phone="13812345678")
    visit(db.session, s, alice, at=utcnow() - days(1))
    db.session.commit()
    page = _guide_login(client, login_as, s).get_data(as_text=True)
    assert "王**" in page and "138****5678" in page and "13812345678" not in page
    assert "小明您好，我是张小雨：http://" in page and "?j=" in page
    assert "overdue by 1 day" in page
    action = [line for line in page.split('"') if line.startswith("/partner/today/")][0]
    response = client.post(action, data={"outcome": "done", "csrf_token": csrf_from(page)}, headers=EN)
    assert "Marked done." in follow(client, response)
    again = client.post(action, data={"outcome": "done", "csrf_token": csrf_from(page)},
                        headers={**EN, "HX-Request": "true"})
    assert "Already recorded." in again.get_data(as_text=True)
    assert _count(db, JourneyStepOutcome) == 1
    assert "Nothing to follow up today." in client.get("/partner/today", headers=EN).get_data(as_text=True)


def test_a_guide_cannot_mark_another_guides_customer(client, login_as, make, db):
    s = shop(make, db.session)
    sequence(db.session, s, "new", offsets=(0,))
    alice = make.user(name="王小明")
    visit(db.session, s, alice, at=utcnow())
    other_user = make.user(Role.GUIDE, store=s.store, name="刘一鸣")
    ensure_guide_partner(db.session, user_id=other_user.id, now=utcnow())
    db.session.commit()
    page = _guide_login(client, login_as, s).get_data(as_text=True)
    action = [line for line in page.split('"') if line.startswith("/partner/today/")][0]
    client.post("/logout", data={"csrf_token": csrf_from(page)})
    login_as(other_user)
    mine = client.get("/partner/today", headers=EN).get_data(as_text=True)
    assert "王**" not in mine
    response = client.post(action, data={"outcome": "done", "csrf_token": csrf_from(mine)}, headers=EN)
    assert "This customer is not on your list." in follow(client, response)
    assert _count(db, JourneyStepOutcome) == 0


def test_only_guides_have_a_daily_list(client, login_as, make, db):
    s = shop(make, db.session)
    assert client.get("/partner/today").status_code in (302, 303)
    login_as(make.user(Role.BRAND_ADMIN, brand=s.brand))
    assert client.get("/partner/today").status_code == 404


def test_the_store_manager_sees_each_guides_follow_up_completion(client, login_as, make, db):
    s = shop(make, db.session)
    sequence(db.session, s, "new", offsets=(0,))
    for name in ("甲", "乙", "丙"):
        visit(db.session, s, make.user(name=name), at=utcnow() - days(1))
    db.session.commit()
    page = _guide_login(client, login_as, s).get_data(as_text=True)
    action = [line for line in page.split('"') if line.startswith("/partner/today/")][0]
    client.post(action, data={"outcome": "done", "csrf_token": csrf_from(page)}, headers=EN)
    client.post("/logout", data={"csrf_token": csrf_from(page)})
    login_as(make.user(Role.STORE_MANAGER, store=s.store))
    store_page = text(client.get("/partner/store", headers=EN).get_data(as_text=True))
    assert "Follow-ups Guide Open Done Skipped 张小雨 2 1 0" in store_page


def test_a_returning_customer_sees_what_they_opened_first_and_what_they_bought_last(client, login_as, make, db):
    s = shop(make, db.session)  # Jasmine Tea, the oldest product
    cups = make.product(s.brand, title="Celadon Cups")
    make.product(s.brand, title="Clay Teapot")  # the newest: first for anybody else
    alice = make.user(name="王小明")
    visit(db.session, s, alice, at=utcnow() - days(2), target=f"product:{cups.code}")
    from tests.integration.journey_support import buy
    buy(db.session, s, alice, at=utcnow() - days(1))  # Jasmine Tea
    db.session.commit()

    def titles(html):
        return sorted(("Jasmine Tea", "Celadon Cups", "Clay Teapot"), key=html.index)

    assert titles(client.get(f"/b/{s.brand.slug}").get_data(as_text=True)) == \
        ["Clay Teapot", "Celadon Cups", "Jasmine Tea"]
    login_as(alice)
    assert titles(client.get(f"/b/{s.brand.slug}").get_data(as_text=True)) == \
        ["Celadon Cups", "Clay Teapot", "Jasmine Tea"]
    assert titles(client.get(f"/shop/{s.guide.code}").get_data(as_text=True)) == \
        ["Celadon Cups", "Clay Teapot", "Jasmine Tea"]


def test_a_guide_tags_their_own_customer_but_not_another_guides(client, login_as, make, db):
    s = shop(make, db.session)
    vip = create_tag(db.session, s.brand.id, name="爱喝红茶", rule="manual", value="", now=utcnow())
    rule_tag = create_tag(db.session, s.brand.id, name="VIP", rule="spent_over", value="100", now=utcnow())
    sequence(db.session, s, "new", offsets=(0,))
    alice = make.user(name="王小明")
    visit(db.session, s, alice, at=utcnow())
    other = shop(make, db.session)
    bob = make.user(name="李四")
    visit(db.session, other, bob, at=utcnow())
    db.session.commit()
    from mall.journeys.customers import customer_of
    from mall.journeys.models import JourneyCustomerTag, JourneyTagChange
    mine, theirs = customer_of(db.session, s.brand.id, alice.id).id, customer_of(db.session, other.brand.id, bob.id).id
    page = _guide_login(client, login_as, s).get_data(as_text=True)
    token = csrf_from(page)
    assert "Tags saved." in follow(client, client.post(f"/partner/today/customers/{mine}/tags",
                                                        data={"tag_id": vip.id, "remove": "0", "csrf_token": token},
                                                        headers=EN))
    assert "爱喝红茶" in client.get("/partner/today", headers=EN).get_data(as_text=True)
    refused = client.post(f"/partner/today/customers/{theirs}/tags",
                          data={"tag_id": vip.id, "remove": "0", "csrf_token": token}, headers=EN)
    assert "This customer is not on your list." in follow(client, refused)
    refused = client.post(f"/partner/today/customers/{mine}/tags",
                          data={"tag_id": rule_tag.id, "remove": "0", "csrf_token": token}, headers=EN)
    assert "Please choose one of your brand's manual tags." in text(follow(client, refused))
    assert _count(db, JourneyCustomerTag) == 1
    change = db.session.scalar(select(JourneyTagChange))
    assert (change.customer_id, change.change, change.actor_user_id) == (mine, "added", s.guide_user.id)


def test_an_admin_tags_a_customer_of_their_brand_by_phone_and_not_another_brands(client, login_as, make, db):
    s = shop(make, db.session)
    tag = create_tag(db.session, s.brand.id, name="老朋友", rule="manual", value="", now=utcnow())
    alice = make.user(name="王小明", phone="13812345678")
    visit(db.session, s, alice, at=utcnow())
    other = shop(make, db.session)
    bob = make.user(name="李四", phone="13987654321")
    visit(db.session, other, bob, at=utcnow())
    db.session.commit()
    from mall.journeys.models import JourneyCustomerTag
    login_as(make.user(Role.BRAND_ADMIN, brand=s.brand))
    page = follow(client, post(client, "/admin/journeys/customers/tags", {"phone": "138 1234 5678", "tag_id": tag.id},
                               token_from="/admin/journeys"))
    assert "Tags saved." in page
    for phone in ("13987654321", "13700000000"):
        response = post(client, "/admin/journeys/customers/tags", {"phone": phone, "tag_id": tag.id},
                        token_from="/admin/journeys")
        assert response.status_code == 422
        assert "No customer of your brand has this number." in response.get_data(as_text=True)
    assert _count(db, JourneyCustomerTag) == 1
    follow(client, post(client, "/admin/journeys/customers/tags", {"phone": "13812345678", "tag_id": tag.id,
                                                                   "remove": "y"}, token_from="/admin/journeys"))
    assert _count(db, JourneyCustomerTag) == 0
