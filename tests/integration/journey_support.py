"""Shared steps of the journey tests: a brand with a guide, customers bound to the guide, sequences, orders."""
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from mall.accounts.models import Role
from mall.journeys.sequences import save_sequence, save_step
from mall.orders import states as order_states
from mall.orders.checkout import CheckoutRequest, place_order
from mall.referral.partners import ensure_guide_partner
from mall.referral.service import record_visit

T0 = datetime(2026, 3, 2, 2, 0)  # 10:00 in Shanghai


def days(n: float) -> timedelta:
    return timedelta(days=n)


@dataclass
class Shop:
    brand: object
    store: object
    guide_user: object
    guide: object  # the guide's partner row
    product: object


def shop(make, session, *, name="张小雨") -> Shop:
    brand = make.brand()
    store = make.store(brand)
    guide_user = make.user(Role.GUIDE, store=store, name=name)
    guide = ensure_guide_partner(session, user_id=guide_user.id, now=T0 - days(30))
    session.commit()
    product = make.product(brand, title="Jasmine Tea", skus=(("250g", 12800, 50),))
    return Shop(brand, store, guide_user, guide, product)


def visit(session, shop_: Shop, user, *, at: datetime, ref: str = "", channel="link", target="home",
          visitor_key=None, partner=None):
    return record_visit(session, brand_id=shop_.brand.id, partner_code=(partner or shop_.guide).code, channel=channel,
                        target=target, visitor_key=visitor_key or f"vk-{user.id if user else 'guest'}",
                        user_id=user.id if user else None, ref=ref, now=at)


def buy(session, shop_: Shop, user, *, at: datetime, visitor_key=None, quantity=1):
    """Place and pay an order for the shop's product (its events run the journey subscribers)."""
    order = place_order(session, CheckoutRequest(
        sku_id=shop_.product.skus[0].id, quantity=quantity, contact_name="王小明", contact_phone="13800138000",
        delivery="ship", address="上海市静安区南京西路 1 号", idempotency_key=secrets.token_urlsafe(16),
        user_id=user.id if user else None, visitor_key=visitor_key or (f"vk-{user.id}" if user else None)), now=at)
    order_states.mark_paid(session, order.id, amount_fen=order.total_fen, now=at)
    session.commit()
    return order


def sequence(session, shop_: Shop, state: str, offsets=(0, 3, 7), *, tag_id=None, reentry="every_entry",
             template="{first_name}您好，我是{guide_name}。{link}", name=None, at=T0 - days(60)):
    seq = save_sequence(session, shop_.brand.id, None, name=name or f"{state} journey", state=state, tag_id=tag_id,
                        reentry=reentry, active=True, now=at)
    for offset in offsets:
        save_step(session, shop_.brand.id, seq.id, None, day_offset=offset, channel="chat", template=template,
                  now=at)
    session.commit()
    return seq
