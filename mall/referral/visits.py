"""Opening a shared link or store code: the touch it records and the bindings the brand's rule makes.

Callers commit. Touches are facts and are kept for any partner of the brand; only an active
partner's touch can bind a customer (a disabled partner must not lock customers away).
"""
from datetime import datetime, timedelta

from sqlalchemy import select, update

from mall.events import publish
from mall.referral.attribution import (
    AT_REGISTRATION,
    BindingRule,
    TouchFact,
    binding_after_touch,
    binding_at_registration,
)
from mall.referral.bindings import GUIDE, SHARER, Customer, attach_visitor, bind_after_touch, replace_binding
from mall.referral.codes import normalise_code, store_by_code
from mall.referral.events import TouchRecorded, VisitorClaimed
from mall.referral.facts import binding_fact, partner_facts, touch_fact
from mall.referral.link_facts import Link, link_by_code
from mall.referral.models import Binding, Partner, Touch
from mall.referral.settings import binding_rule, referral_settings_for
from mall.referral.touches import RecordedTouch, insert_touch


def record_visit(session, *, brand_id: int, partner_code: str | None = None, store_code: str | None = None,
                 channel: str, target: str, visitor_key: str, user_id: int | None = None,
                 ref: str = "", content_item_id: int | None = None, live_room_id: int | None = None,
                 now: datetime) -> RecordedTouch | None:
    """Record the touch and apply the brand's binding rule; None when no code belongs to this brand.

    A stale or foreign code is not an error: the visitor still gets the page, we just learn nothing.
    """
    link = link_by_code(session, normal) if (normal := normalise_code(partner_code)) else None
    if link is not None and link.brand_id != brand_id:
        link = None
    store = store_by_code(session, store_code) if store_code else None
    if store is not None and (store.brand_id != brand_id or not store.active):
        store = None
    if link is None and store is None:
        return None
    return record_link_visit(session, link=link, brand_id=brand_id, store_id=store.id if store else None,
                             channel=channel, target=target, visitor_key=visitor_key, user_id=user_id, ref=ref,
                             content_item_id=content_item_id, live_room_id=live_room_id, now=now)


def record_link_visit(session, *, link: Link | None, brand_id: int, store_id: int | None = None, channel: str,
                      target: str, visitor_key: str, user_id: int | None = None, ref: str = "",
                      content_item_id: int | None = None, live_room_id: int | None = None,
                      now: datetime) -> RecordedTouch:
    """record_visit for a partner's code already looked up (`link`, of this brand; the pages remember it for a
    second) and/or a store: the touch INSERT, the binding rule's read and, when it binds, its writes."""
    fact = link.partner if link is not None else None
    # A guide's link carries the guide's store as well as the guide.
    store_id = store_id if store_id is not None else (fact.guide_store_id if fact else None)
    touch = insert_touch(session, brand_id=brand_id, partner_id=fact.id if fact else None, store_id=store_id,
                         channel=channel, target=target[:40], visitor_key=visitor_key, user_id=user_id,
                         ref=_clean_ref(ref), content_item_id=content_item_id, live_room_id=live_room_id, now=now)
    if user_id is not None and visitor_key:
        attach_visitor(session, visitor_key=visitor_key, user_id=user_id, mode_of=_mode_of(session), now=now)
    if fact is not None and fact.active:
        if not link.rule_saved:  # the brand's first visit makes its settings row, as it always did
            referral_settings_for(session, brand_id)
        seen = TouchFact(id=touch.id, at=now, partner_id=fact.id, store_id=store_id, channel=channel)
        bind_after_touch(session, brand_id=brand_id, kinds=(SHARER, GUIDE) if fact.guide_store_id is not None else (SHARER,),
                         customer=Customer(user_id, visitor_key),
                         decide=lambda current: binding_after_touch(current, seen, link.rule, now), now=now)
    # After the bindings: a listener sees the customer already bound by this very visit.
    publish(session, TouchRecorded(now=now, touch_id=touch.id, brand_id=brand_id, partner_id=touch.partner_id,
                                   user_id=user_id, visitor_key=visitor_key, channel=channel, target=touch.target,
                                   ref=touch.ref))
    return touch


REF_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789.-_")


def _clean_ref(ref: str | None) -> str:
    """A link's marker as stored: anything but a short run of plain characters is dropped, not refused."""
    ref = (ref or "")[:24]
    return ref if ref and set(ref) <= REF_CHARS else ""


def claim_visitor(session, *, visitor_key: str | None, user_id: int, now: datetime) -> None:
    """At login or registration: the browser's touches and bindings become the user's; then, for
    brands that bind at registration, bind the user to the last sharer (and guide) in the window."""
    if not visitor_key or user_id is None:
        return
    session.execute(update(Touch).where(Touch.visitor_key == visitor_key, Touch.user_id.is_(None))
                    .values(user_id=user_id))
    attach_visitor(session, visitor_key=visitor_key, user_id=user_id, mode_of=_mode_of(session), now=now)
    brand_ids = session.scalars(select(Touch.brand_id).where(Touch.visitor_key == visitor_key).distinct()).all()
    for brand_id in brand_ids:
        rule = binding_rule(referral_settings_for(session, brand_id))
        if rule.mode == AT_REGISTRATION:
            _bind_at_registration(session, brand_id=brand_id, customer=Customer(user_id, visitor_key), rule=rule,
                                  now=now)
    publish(session, VisitorClaimed(now=now, visitor_key=visitor_key, user_id=user_id))


def _bind_at_registration(session, *, brand_id: int, customer: Customer, rule: BindingRule, now: datetime) -> None:
    touches = session.scalars(
        select(Touch).where(Touch.brand_id == brand_id, Touch.user_id == customer.user_id,
                            Touch.partner_id.is_not(None), Touch.created_at >= now - timedelta(days=rule.window_days),
                            Touch.created_at <= now)).all()
    facts = partner_facts(session, {t.partner_id for t in touches})
    live = [t for t in touches if facts[t.partner_id].active]
    by_kind = {SHARER: [touch_fact(t) for t in live],
               GUIDE: [touch_fact(t) for t in live if facts[t.partner_id].guide_store_id is not None]}
    for kind, kind_touches in by_kind.items():
        if not kind_touches:
            continue

        def decide(current, kind_touches=kind_touches):
            return binding_at_registration(_current_fact(session, current, now), kind_touches, rule, now)

        replace_binding(session, brand_id=brand_id, kind=kind, customer=customer, decide=decide, now=now)


def _current_fact(session, current: Binding | None, now: datetime):
    """The current binding as a fact (expired if its partner is no longer active)."""
    if current is None:
        return None
    active = session.scalar(select(Partner.status).where(Partner.id == current.partner_id)) == "active"
    return binding_fact(current, partner_active=active, now=now)


def _mode_of(session):
    return lambda brand_id: referral_settings_for(session, brand_id).binding_mode
