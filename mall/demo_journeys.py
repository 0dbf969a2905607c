"""Demo journeys: tags and a sequence for every customer state of 云岭茶舍, and customers of the guide 张小雨
spread over the states, so her daily list (/partner/today) has entries on the day the demo is loaded.

The customers' histories go through the real services (touches through her link, orders paid with the
mock provider), so their states, enrolments and day counts are what the events made of them. A customer
already there is left alone, so loading the demo again changes nothing.
"""
from datetime import datetime, timedelta

from sqlalchemy import select

from mall import unit_of_work
from mall.accounts.models import Role, User
from mall.catalog.models import Brand
from mall.demo_live import SOON
from mall.demo_orders import DemoOrder, load_orders
from mall.journeys.models import JourneyTag
from mall.journeys.sequences import save_sequence, save_step, sequences_of_brand
from mall.journeys.tags import create_tag
from mall.journeys.tick import silent_tick
from mall.referral.service import record_visit

BRAND = "yunling-tea"
GUIDE_CODE = "GDZXY8"  # 张小雨, a guide of the Jing'an store (mall.demo_orders.PARTNERS)
LONGJING, CUPS, TEAPOT = "H7SMB8Y", "SFTRTAK", "9PWSHDF"

# state -> (sequence name, steps: (day, channel, template, product code or None))
SEQUENCES = {
    "new": ("新客欢迎", [
        (0, "chat", "{first_name}您好，我是{brand}的导购{guide_name}，以后有茶的问题随时找我～新客专享：{link}", LONGJING),
        (2, "chat", "{first_name}，这两天喝茶了吗？给您挑了{product}，新茶正当季：{link}", None),
        (5, "call", "打个电话问问{first_name}的口味偏好，记下来。", None)]),
    "interested": ("有意向跟进", [
        (0, "chat", "{first_name}，看您最近在看{product}，需要我帮您介绍一下吗？{link}", None),
        (3, "in_store", "邀请{first_name}到店试饮，准备一杯{product}。", None)]),
    "purchased": ("首单关怀", [
        (1, "chat", "{first_name}，您的茶到了吗？冲泡水温 80℃ 左右最好。有问题随时找我。", None),
        (7, "chat", "{first_name}，喝得怎么样？配一只{product}更好：{link}", CUPS),
        (14, "call", "回访{first_name}的饮用体验，邀请加入会员群。", None)]),
    "repeat": ("老客维护", [
        (0, "chat", "{first_name}，谢谢您又来支持{brand}！新到的{product}先给您留意着：{link}", TEAPOT),
        (10, "chat", "{first_name}，会员日快到了，老客专享价：{link}", None)]),
    "silent": ("沉默唤醒", [
        (0, "chat", "{first_name}，好久不见！给您留了一份新茶试饮装，来店里或点这里：{link}", LONGJING),
        (7, "call", "给{first_name}打个电话，问问最近是否还喝茶。", None)]),
}

# (phone, name, what happened: ("visit" | "buy", days ago)); each lands in a different state today.
CUSTOMERS = [
    ("13700000101", "周梦", [("visit", 0.1)]),  # new, day 0 due today
    ("13700000102", "吴迪", [("visit", 2.2)]),  # new, day 0 missed two days ago: rolls forward
    ("13700000103", "郑爽", [("visit", 4.3), ("visit", 3.1)]),  # interested three days ago
    ("13700000104", "王芳", [("visit", 5.2), ("visit", 0.2)]),  # interested today
    ("13700000105", "冯雪", [("visit", 3), ("buy", 1.1)]),  # purchased yesterday: day 1 is today
    ("13700000106", "陈晨", [("visit", 9), ("buy", 7.1)]),  # purchased a week ago: day 7 is today
    ("13700000107", "褚楠", [("visit", 14), ("buy", 12), ("buy", 0.3)]),  # repeat today
    ("13700000108", "卫东", [("visit", 45)]),  # quiet for 45 days: silent today
    ("13700000109", "蒋琳", [("visit", 60), ("buy", 50)]),  # a buyer gone quiet: silent today
]


def load_demo_sequences(session, now: datetime) -> None:
    """The brand's tags and one sequence per state (before the orders, so their buyers are enrolled)."""
    brand = session.scalar(select(Brand).where(Brand.slug == BRAND))
    if sequences_of_brand(session, brand.id):
        return
    for name, rule, value in (("VIP", "spent_over", "50000"), ("买过龙井", "bought_product", LONGJING),
                              ("爱喝红茶", "manual", "")):
        if session.scalar(select(JourneyTag.id).where(JourneyTag.brand_id == brand.id, JourneyTag.name == name)) is None:
            create_tag(session, brand.id, name=name, rule=rule, value=value, now=now - timedelta(days=90))
    for state, (name, steps) in SEQUENCES.items():
        sequence = save_sequence(session, brand.id, None, name=name, state=state, tag_id=None, reentry="every_entry",
                                 active=True, now=now - timedelta(days=90))
        for day, channel, template, product in steps:
            save_step(session, brand.id, sequence.id, None, day_offset=day, channel=channel, template=template,
                      product_code=product or "", now=now - timedelta(days=90))
    unit_of_work.commit(session)


def load_demo_customers(session, now: datetime, password: str) -> int:
    """The guide's customers, each through their own history; returns how many were new."""
    brand = session.scalar(select(Brand).where(Brand.slug == BRAND))
    _invite_to_live_room(session, brand.id, now)
    created = 0
    for number, (phone, name, history) in enumerate(CUSTOMERS, start=1):
        if session.scalar(select(User.id).where(User.phone == phone)) is not None:
            continue
        user = User(role=Role.CONSUMER, name=name, phone=phone, created_at=now - timedelta(days=90))
        user.set_password(password)
        session.add(user)
        session.flush()
        visitor = f"demo-journey-{number:02d}"
        for event_number, (kind, days_ago) in enumerate(history, start=1):
            when = now - timedelta(days=days_ago)
            if kind == "visit":
                record_visit(session, brand_id=brand.id, partner_code=GUIDE_CODE, channel="link",
                             target=f"product:{LONGJING}", visitor_key=visitor, user_id=user.id, now=when)
                unit_of_work.commit(session)
            else:
                load_orders(session, [DemoOrder(f"journey-{number:02d}-{event_number}", LONGJING, 0, 1, days_ago,
                                                (("pay", 0),), buyer=phone, name=name)], now,
                            first_number=100 + number * 10 + event_number)
        created += 1
    silent_tick(session, now=now)
    return created


def _invite_to_live_room(session, brand_id: int, now: datetime) -> None:
    """Interested customers are invited into the scheduled room on day 1 (the rooms exist by now)."""
    interested = next(s for s in sequences_of_brand(session, brand_id) if s.state == "interested")
    if any(step.live_room_id for step in interested.steps):
        return
    save_step(session, brand_id, interested.id, None, day_offset=1, channel="chat",
              template="{first_name}，{live_room}快开播了，点这里预约，开播提醒您：{link}", room_code=SOON,
              now=now - timedelta(days=90))
    unit_of_work.commit(session)
