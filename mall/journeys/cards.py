"""The daily list as the guide sees it: masked contact, the reason, the message filled in with their link."""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select

from mall.catalog.models import Brand, Product
from mall.content.models import ContentItem
from mall.journeys.daily import Due, overdue_days
from mall.journeys.links import step_link
from mall.journeys.messages import fill
from mall.journeys.personalisation import personal_order
from mall.journeys.tags import tag_names
from mall.live.models import LiveRoom
from mall.privacy import first_name, mask_name, mask_phone
from mall.referral.models import Partner

SUGGESTION_POOL = 50  # the newest published products a suggestion is picked from


@dataclass(frozen=True)
class Card:
    enrolment_id: int
    step_id: int
    customer_id: int
    name: str  # masked
    phone: str  # masked
    state: str
    state_since: datetime
    sequence_name: str
    day_offset: int
    channel: str
    overdue_days: int
    postponed: int
    message: str
    link: str
    suggestion: str  # a product title, "" when none
    tags: tuple[str, ...] = ()


def cards(session, items: list[Due], *, guide: Partner, guide_name: str, day_start: datetime) -> list[Card]:
    """Cards for one page of the list (a few queries for the page, two per customer for the suggestion)."""
    brand = session.get(Brand, guide.brand_id)
    product_ids = {item.product_id for item in items if item.product_id}
    named = {p.id: p for p in session.scalars(select(Product).where(Product.id.in_(product_ids)))} \
        if product_ids else {}
    room_ids = {item.live_room_id for item in items if item.live_room_id}
    rooms = {r.id: r for r in session.scalars(select(LiveRoom).where(LiveRoom.id.in_(room_ids)))} if room_ids else {}
    item_ids = {item.content_item_id for item in items if item.content_item_id}
    contents = {c.id: c for c in session.scalars(select(ContentItem).where(ContentItem.id.in_(item_ids)))} \
        if item_ids else {}
    pool = list(session.scalars(select(Product).where(Product.brand_id == guide.brand_id, Product.published)
                                .order_by(Product.created_at.desc(), Product.id.desc()).limit(SUGGESTION_POOL)))
    names = tag_names(session, [item.customer_id for item in items])
    result = []
    for item in items:
        product = named.get(item.product_id)
        suggestion = product or _suggest(session, pool, brand_id=guide.brand_id, user_id=item.user_id)
        room, content = rooms.get(item.live_room_id), contents.get(item.content_item_id)
        link = step_link(partner_code=guide.code, product_code=suggestion.code if suggestion else None,
                         step_id=item.step_id, enrolment_id=item.enrolment_id, room_code=room.code if room else None,
                         item_code=content.code if content else None)
        values = {"first_name": first_name(item.user_name), "guide_name": guide_name, "brand": brand.name,
                  "product": suggestion.title if suggestion else "", "live_room": room.title if room else "",
                  "content": content.title if content else "",
                  "link": link}
        message = fill(item.template, values)
        if item.channel == "chat" and "{link}" not in item.template:
            message = f"{message}\n{link}"  # a chat message always carries the step's link, so it can be credited
        result.append(Card(item.enrolment_id, item.step_id, item.customer_id, mask_name(item.user_name), mask_phone(item.user_phone),
                           item.state, item.state_since, item.sequence_name, item.day_offset, item.channel,
                           overdue_days(item, day_start), item.postponed, message, link,
                           suggestion.title if suggestion else "", tuple(names[item.customer_id])))
    return result


def _suggest(session, pool: list[Product], *, brand_id: int, user_id: int) -> Product | None:
    ordered = personal_order(session, pool, brand_id=brand_id, user_id=user_id)
    return ordered[0] if ordered else None
