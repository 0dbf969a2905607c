"""Who is credited for an order at checkout: the facts loaded from the database, the rule applied.

How deep the chain goes (levels) and whether a partner's own purchase pays (self_purchase) are commission rules:
the caller passes them in, so referral applies them without depending on where commission keeps them.
"""
from datetime import datetime, timedelta

from sqlalchemy import or_, select

from mall.referral.attribution import Credit, credit_order, in_live_room
from mall.referral.bindings import GUIDE, SHARER, Customer, open_binding
from mall.referral.facts import binding_fact, partner_facts, touch_fact
from mall.referral.models import Touch
from mall.referral.settings import binding_rule, referral_settings_for


def credit_for_checkout(session, *, brand_id: int, buyer_user_id: int | None, visitor_key: str | None,
                        levels: int, self_purchase: bool, now: datetime, live_room_id: int | None = None) -> Credit:
    """The attribution of an order being placed now by this buyer (user, browser, or both), in a live room
    if `live_room_id` is given: the binding rules choose the sharer as for any order."""
    rule = binding_rule(referral_settings_for(session, brand_id))
    sharer_binding = _binding(session, brand_id, SHARER, buyer_user_id, visitor_key)
    guide_binding = _binding(session, brand_id, GUIDE, buyer_user_id, visitor_key)
    touches = _touches_in_window(session, brand_id, buyer_user_id, visitor_key,
                                 since=now - timedelta(days=rule.window_days), now=now)
    involved = {t.partner_id for t in touches} | {b.partner_id for b in (sharer_binding, guide_binding) if b}
    partners = partner_facts(session, involved, levels=levels)
    credit = credit_order(buyer_user_id=buyer_user_id, sharer_binding=binding_fact(sharer_binding),
                          guide_binding=binding_fact(guide_binding), touches=[touch_fact(t) for t in touches],
                          partners=partners, rule=rule, levels=levels, self_purchase=self_purchase, now=now)
    return in_live_room(credit, live_room_id)


def _binding(session, brand_id, kind, user_id, visitor_key):
    """The user's own open binding, else one this browser made before the user logged in."""
    found = None
    if user_id is not None:
        found = open_binding(session, brand_id=brand_id, kind=kind, customer=Customer(user_id, None))
    if found is None and visitor_key:
        found = open_binding(session, brand_id=brand_id, kind=kind, customer=Customer(None, visitor_key))
    return found


def _touches_in_window(session, brand_id, user_id, visitor_key, *, since: datetime, now: datetime) -> list[Touch]:
    who = []
    if user_id is not None:
        who.append(Touch.user_id == user_id)
    if visitor_key:
        who.append(Touch.visitor_key == visitor_key)
    if not who:
        return []
    return list(session.scalars(
        select(Touch).where(Touch.brand_id == brand_id, Touch.created_at >= since, Touch.created_at <= now,
                            or_(*who))))
