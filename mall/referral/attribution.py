"""Pure attribution rules: who brought a customer, and who is credited for an order.

No database and no Flask: callers load touches, bindings and partners and pass them in, with `now`.
"""
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta

FIRST_TOUCH = "first_touch"  # the first sharer keeps the customer for the protection period
LAST_TOUCH = "last_touch"  # every touch by another sharer takes the customer over
AT_REGISTRATION = "at_registration"  # touches do not bind; registering binds to the last touch
BINDING_MODES = (FIRST_TOUCH, LAST_TOUCH, AT_REGISTRATION)


@dataclass(frozen=True)
class BindingRule:
    mode: str = FIRST_TOUCH
    protection_days: int = 30
    window_days: int = 7


@dataclass(frozen=True)
class TouchFact:
    id: int
    at: datetime
    partner_id: int | None  # the sharer whose code the link carried
    store_id: int | None  # a store code, or the store of the guide who shared
    channel: str  # "link" | "storefront" | "store_code" | "live"


@dataclass(frozen=True)
class BindingFact:
    id: int
    partner_id: int
    started_at: datetime
    expires_at: datetime

    def active(self, now: datetime) -> bool:
        return self.started_at <= now < self.expires_at


@dataclass(frozen=True)
class NewBinding:
    partner_id: int
    touch_id: int
    expires_at: datetime
    reason: str  # "first_touch" | "last_touch" | "expired_rebind" | "registration"


def binding_after_touch(current: BindingFact | None, touch: TouchFact, rule: BindingRule,
                        now: datetime) -> NewBinding | None:
    """The binding a touch creates under the brand's rule, or None if the current one stands."""
    if touch.partner_id is None or rule.mode == AT_REGISTRATION:
        return None
    expires = now + timedelta(days=rule.protection_days)
    if current is None:
        return NewBinding(touch.partner_id, touch.id, expires, "first_touch")
    if not current.active(now):
        return NewBinding(touch.partner_id, touch.id, expires, "expired_rebind")
    if rule.mode == LAST_TOUCH and current.partner_id != touch.partner_id:
        return NewBinding(touch.partner_id, touch.id, expires, "last_touch")
    return None


def binding_at_registration(current: BindingFact | None, touches: list[TouchFact], rule: BindingRule,
                            now: datetime) -> NewBinding | None:
    """In bind-at-registration mode, registering binds the customer to the last sharer in the window."""
    if rule.mode != AT_REGISTRATION or (current is not None and current.active(now)):
        return None
    last = last_touch_in_window(touches, rule, now, with_partner=True)
    if last is None or last.partner_id is None:
        return None
    return NewBinding(last.partner_id, last.id, now + timedelta(days=rule.protection_days), "registration")


def last_touch_in_window(touches: list[TouchFact], rule: BindingRule, now: datetime, *,
                         with_partner: bool = False, with_store: bool = False) -> TouchFact | None:
    start = now - timedelta(days=rule.window_days)
    eligible = [t for t in touches if start <= t.at <= now
                and (not with_partner or t.partner_id is not None)
                and (not with_store or t.store_id is not None)]
    return max(eligible, key=lambda t: (t.at, t.id), default=None)


@dataclass(frozen=True)
class PartnerFact:
    id: int
    user_id: int
    active: bool
    inviter_id: int | None
    guide_store_id: int | None = None  # set when the partner is a shop guide of the order's brand


@dataclass(frozen=True)
class Credit:
    """The fixed attribution of one order, with the reason shown to people who ask why."""

    sharer_id: int | None = None
    touch_id: int | None = None
    binding_id: int | None = None
    channel: str = "direct"
    guide_id: int | None = None  # a partner id: guides are partners who work in a store
    store_id: int | None = None
    levels: dict[int, int] = field(default_factory=dict)  # level -> partner id that earns it
    reason: str = "no_sharer"
    excluded: tuple[str, ...] = ()  # why someone in the chain earns nothing (disabled, self purchase)
    live_room_id: int | None = None  # the live room the order was placed in (its channel is then "live")


def credit_order(*, buyer_user_id: int | None, sharer_binding: BindingFact | None,
                 guide_binding: BindingFact | None, touches: list[TouchFact], partners: dict[int, PartnerFact],
                 rule: BindingRule, levels: int, self_purchase: bool, now: datetime) -> Credit:
    """Attribute an order: bound sharer within protection, else last touch within the window."""
    sharer_id = touch_id = binding_id = None
    channel, reason = "direct", "no_sharer"
    last_touch = last_touch_in_window(touches, rule, now, with_partner=True)
    if sharer_binding is not None and sharer_binding.active(now) and sharer_binding.partner_id in partners:
        sharer_id, binding_id, reason = sharer_binding.partner_id, sharer_binding.id, "bound_sharer"
        if last_touch is not None and last_touch.partner_id == sharer_id:
            touch_id, channel = last_touch.id, last_touch.channel
        else:
            channel = "binding"
    elif last_touch is not None and last_touch.partner_id in partners:
        sharer_id, touch_id, channel, reason = last_touch.partner_id, last_touch.id, last_touch.channel, "last_touch"

    sharer = partners.get(sharer_id) if sharer_id else None
    guide_id = None
    if sharer is not None and sharer.guide_store_id is not None and sharer.active:
        guide_id = sharer.id
    elif guide_binding is not None and guide_binding.active(now):
        bound = partners.get(guide_binding.partner_id)
        if bound is not None and bound.active and bound.guide_store_id is not None:
            guide_id = bound.id
    store_id = partners[guide_id].guide_store_id if guide_id else None
    if store_id is None:
        store_touch = last_touch_in_window(touches, rule, now, with_store=True)
        store_id = store_touch.store_id if store_touch else None
        if store_touch is not None and sharer_id is None:
            touch_id, channel, reason = store_touch.id, store_touch.channel, "store_code"

    chain, excluded = upline_chain(sharer, partners, levels, buyer_user_id, self_purchase)
    if guide_id is not None and partners[guide_id].user_id == buyer_user_id and not self_purchase:
        guide_id = None
        excluded += ("guide_self_purchase",)
    return Credit(sharer_id, touch_id, binding_id, channel, guide_id, store_id, chain, reason, excluded)


def in_live_room(credit: Credit, live_room_id: int | None) -> Credit:
    """An order placed in a live room: the same sharer, guide and store, with the room and the channel "live"."""
    if live_room_id is None:
        return credit
    return replace(credit, channel="live", live_room_id=live_room_id)


def upline_chain(sharer: PartnerFact | None, partners: dict[int, PartnerFact], levels: int,
                 buyer_user_id: int | None, self_purchase: bool) -> tuple[dict[int, int], tuple[str, ...]]:
    """Level n is the sharer's (n-1)th inviter. A disabled partner's level is simply unpaid:
    the share is not passed up, so a chain can never earn more than its levels allow."""
    chain: dict[int, int] = {}
    excluded: list[str] = []
    seen: set[int] = set()
    current = sharer
    for level in range(1, levels + 1):
        if current is None or current.id in seen:  # a cycle in bad data must not loop or double-pay
            break
        seen.add(current.id)
        if not current.active:
            excluded.append(f"level{level}_disabled")
        elif level == 1 and current.user_id == buyer_user_id and not self_purchase:
            excluded.append("self_purchase")
        else:
            chain[level] = current.id
        current = partners.get(current.inviter_id) if current.inviter_id else None
    return chain, tuple(excluded)
