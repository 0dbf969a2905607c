"""Content items in journeys: a step sharing an item carries the step on the guide's /c/ link; opening it is
credited to the step and puts the brand's "came through a content item" tag on the customer."""
from sqlalchemy import select

from mall.clock import utcnow
from mall.content.models import ContentItem
from mall.journeys.customers import customer_of
from mall.journeys.models import JourneyCustomerTag
from mall.journeys.sequences import save_step
from mall.journeys.sop_models import JourneyStepTouch
from mall.journeys.tags import create_tag
from tests.integration.journey_support import days, sequence, shop, visit


def test_a_content_step_links_the_item_with_the_guides_code_and_the_visit_is_credited(client, login_as, make, db):
    s = shop(make, db.session)
    item = ContentItem(brand_id=s.brand.id, title="春茶上新", body="今年的春茶到了。")
    db.session.add(item)
    db.session.flush()
    tag = create_tag(db.session, s.brand.id, name="内容来的", rule="content_touch", value="", now=utcnow())
    seq = sequence(db.session, s, "new", offsets=())
    step = save_step(db.session, s.brand.id, seq.id, None, day_offset=0, channel="chat",
                     template="{first_name}，看看{content}：{link}", item_code=item.code.lower(), now=utcnow())
    alice = make.user(name="王小明")
    visit(db.session, s, alice, at=utcnow() - days(1))
    item_code, guide_code, step_id = item.code, s.guide.code, step.id
    db.session.commit()
    login_as(s.guide_user)
    page = client.get("/partner/today").get_data(as_text=True)
    marker = f"/c/{item_code}/{guide_code}?j={step_id}."
    assert "小明，看看春茶上新：http://" in page and marker in page
    link = page[page.index(marker):].split("<")[0].split("\n")[0]
    client.post("/logout", data={"csrf_token": page.split('name="csrf_token" value="')[1].split('"')[0]})
    login_as(alice)
    assert client.get(link).status_code == 200
    assert db.session.scalar(select(JourneyStepTouch.step_id)) == step_id
    customer = customer_of(db.session, s.brand.id, alice.id)
    assert tag.id in set(db.session.scalars(select(JourneyCustomerTag.tag_id)
                                            .where(JourneyCustomerTag.customer_id == customer.id)))
