"""Fixing an order's attribution and planning its commission shares; an admin's re-attribution.

Shares are snapshots: the ratio in force, the line's base and the beneficiary are written when the order
is created, so later changes of ratios, bindings or partners never rewrite a past order.
"""
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from mall.audit.service import record
from mall.catalog.models import Store
from mall.commission.accrual import accrue_planned
from mall.commission.events import CommissionReversed
from mall.commission.models import CommissionSettings, CommissionShare, OrderAttribution
from mall.commission.owners import lock_for
from mall.commission.reversal import catch_up, take_back_rest
from mall.commission.rules import MAX_LEVELS, Beneficiary, Ratios, split_commission
from mall.commission.settings import ratio, ratio_bps, settings_for
from mall.domain import DomainError
from mall.events import publish
from mall.orders.models import Order, OrderLine, OrderStatus
from mall.referral.attribution import Credit, PartnerFact, upline_chain  # the one upline rule, shared with checkout
from mall.referral.models import Partner
from mall.referral.settings import referral_settings_for

LIVE = ("planned", "pending", "available")
REASON_MAX = 300


class ReattributionError(DomainError):
    message = _l("This order cannot be re-attributed.")


def plan_order(session, order: Order, credit: Credit, *, now: datetime) -> None:
    """At checkout: fix the attribution and plan each line's shares (status planned); once per order."""
    if session.get(OrderAttribution, order.id) is not None:
        return
    settings = settings_for(session, order.brand_id)
    attribution = OrderAttribution(order_id=order.id, created_at=now)
    _fill(session, attribution, credit, settings)
    session.add(attribution)
    _plan_shares(session, order, credit, settings, generation=1)
    session.flush()


def shares_for_line(session, settings: CommissionSettings, line: OrderLine, credit: Credit) -> list[CommissionShare]:
    """One line's shares: floor(base x ratio) for each beneficiary present; base = what was paid for the line."""
    bps = ratio_bps(session, settings, line.product_id)
    ratios = Ratios(**{role: ratio(bp) for role, bp in bps.items()})
    rows = []
    for share in split_commission(line.total_fen, ratios, beneficiaries(credit, settings.levels)):
        who = share.beneficiary
        rows.append(CommissionShare(
            brand_id=settings.brand_id, order_id=line.order_id, line_id=line.id, role=share.role,
            ratio_bp=bps[share.role], partner_id=who.id if who.kind == "partner" else None,
            store_id=who.id if who.kind == "store" else None,
            base_fen=share.base_fen, amount_fen=share.amount_fen, reversed_fen=0, status="planned"))
    return rows


def beneficiaries(credit: Credit, levels: int) -> list[Beneficiary]:
    """Level 1..levels of the credited chain, the guide and the store (absent ones leave their share to the brand)."""
    found = [Beneficiary(f"level{n}", "partner", credit.levels[n])
             for n in range(1, min(levels, MAX_LEVELS) + 1) if credit.levels.get(n)]
    if credit.guide_id:
        found.append(Beneficiary("guide", "partner", credit.guide_id))
    if credit.store_id:
        found.append(Beneficiary("store", "store", credit.store_id))
    return found


def manual_credit(session, order: Order, *, sharer_id: int | None = None, guide_id: int | None = None,
                  store_id: int | None = None) -> Credit:
    """The credit an admin chooses: the sharer's upline follows the brand's rules (levels, disabled, self purchase)."""
    settings = settings_for(session, order.brand_id)
    partners: dict[int, PartnerFact] = {}
    sharer = _brand_partner(session, order.brand_id, sharer_id) if sharer_id else None
    current = sharer
    while current is not None and current.id not in partners and len(partners) < MAX_LEVELS:
        partners[current.id] = partner_fact(current)
        current = _brand_partner(session, order.brand_id, current.inviter_id) if current.inviter_id else None
    chain, excluded = upline_chain(partners.get(sharer_id) if sharer_id else None, partners, settings.levels,
                                   order.user_id, settings.self_purchase)
    guide = None
    if guide_id:
        guide = partner_fact(_brand_partner(session, order.brand_id, guide_id))
        if guide.guide_store_id is None:
            raise ReattributionError(_l("That partner is not a shop guide of this brand."))
        if not guide.active:
            guide = None
            excluded += ("guide_disabled",)
        elif guide.user_id == order.user_id and not settings.self_purchase:
            guide = None
            excluded += ("guide_self_purchase",)
    if store_id is not None:
        store = session.get(Store, store_id)
        if store is None or store.brand_id != order.brand_id:
            raise ReattributionError(_l("That store does not belong to this brand."))
    elif guide is not None:
        store_id = guide.guide_store_id
    return Credit(sharer_id=sharer_id, channel="manual", guide_id=guide.id if guide else None, store_id=store_id,
                  levels=chain, reason="manual", excluded=excluded)


def partner_fact(partner: Partner) -> PartnerFact:
    user = partner.user
    is_guide = user is not None and user.role == "guide" and user.brand_id == partner.brand_id
    return PartnerFact(id=partner.id, user_id=partner.user_id, active=partner.status == "active",
                       inviter_id=partner.inviter_id, guide_store_id=user.store_id if is_guide else None)


def reattribute(session, order_id: int, credit: Credit, *, actor_id: int | None, reason: str,
                now: datetime) -> OrderAttribution:
    """An admin's correction of an unsettled order's attribution, with a reason, audited (does not commit).

    Unpaid: the planned shares are re-planned. Paid but unsettled: the old accruals are reversed and the new
    shares accrued (and any refund already made taken back from them) in the same transaction.
    """
    reason = (reason or "").strip()
    if not reason:
        raise ReattributionError(_l("Please give a reason for the re-attribution."))
    if len(reason) > REASON_MAX:
        raise ReattributionError(_l("The reason can be at most %(max)d characters.", max=REASON_MAX))
    order = session.scalars(select(Order).where(Order.id == order_id).with_for_update()
                            .execution_options(populate_existing=True)).first()
    if order is None:
        raise ReattributionError(_l("That order does not exist."))
    if order.status in (OrderStatus.CANCELLED, OrderStatus.REFUNDED):
        raise ReattributionError(_l("Cancelled or refunded orders cannot be re-attributed."))
    old = session.scalars(select(CommissionShare).where(CommissionShare.order_id == order_id,
                                                        CommissionShare.status.in_(LIVE))
                          .order_by(CommissionShare.id).with_for_update()
                          .execution_options(populate_existing=True)).all()
    if any(share.status == "available" for share in old):
        raise ReattributionError(_l("Commission on this order has been settled; it can no longer be re-attributed."))
    lock_for(session, old)
    attribution = session.get(OrderAttribution, order_id) or OrderAttribution(order_id=order_id, created_at=now)
    before = {**_describe(attribution), "shares": _share_summary(old)}
    generation = (session.scalar(select(func.max(CommissionShare.generation))
                                 .where(CommissionShare.order_id == order_id)) or 0) + 1
    settings = settings_for(session, order.brand_id)
    paid = order.status != OrderStatus.PENDING_PAYMENT
    taken = 0
    for share in old:
        if share.status == "planned":
            share.status = "void"
        else:  # pending: everything not yet refunded goes back to the brand
            taken += take_back_rest(session, share, key=f"reattribution:{share.id}", now=now)
    session.flush()
    new = _plan_shares(session, order, credit, settings, generation=generation)
    _fill(session, attribution, credit, settings)
    attribution.reattributed_at = now
    session.add(attribution)
    session.flush()
    if paid:
        accrue_planned(session, order, key=f"accrual:{order.id}:g{generation}", now=now)
        lines = {line.id: line for line in session.scalars(select(OrderLine).where(OrderLine.order_id == order_id))}
        for share in new:
            taken += catch_up(session, share, lines[share.line_id], key=f"reversal:reattribution:{share.id}",
                              refund_id=None, now=now)
    if taken:
        publish(session, CommissionReversed(order_id=order.id, brand_id=order.brand_id, refund_id=None,
                                            amount_fen=taken, now=now))
    record(session, action="commission.reattribute", brand_id=order.brand_id, actor_id=actor_id, now=now,
           subject=f"order:{order.number}", before=before,
           after={**_describe(attribution), "shares": _share_summary(new)}, reason=reason)
    return attribution


def _plan_shares(session, order: Order, credit: Credit, settings: CommissionSettings, *,
                 generation: int) -> list[CommissionShare]:
    rows = []
    for line in session.scalars(select(OrderLine).where(OrderLine.order_id == order.id).order_by(OrderLine.id)):
        for share in shares_for_line(session, settings, line, credit):
            share.generation = generation
            share.order_created_at = order.created_at  # the partner's lists walk shares by their order's time
            rows.append(share)
    session.add_all(rows)
    session.flush()
    return rows


def _fill(session, attribution: OrderAttribution, credit: Credit, settings: CommissionSettings) -> None:
    attribution.sharer_id = credit.sharer_id
    attribution.guide_id = credit.guide_id
    attribution.store_id = credit.store_id
    attribution.touch_id = credit.touch_id
    attribution.binding_id = credit.binding_id
    attribution.channel = credit.channel
    if credit.live_room_id is not None:  # where the order was placed: a re-attribution never moves it
        attribution.live_room_id = credit.live_room_id
    attribution.reason = credit.reason
    attribution.excluded = ",".join(credit.excluded)[:120]
    attribution.levels = settings.levels
    # The binding mode in force (a referral rule) is kept with the order, to explain later why it was credited so.
    attribution.binding_mode = referral_settings_for(session, settings.brand_id).binding_mode


def _describe(attribution: OrderAttribution) -> dict:
    return {name: getattr(attribution, name) for name in
            ("sharer_id", "guide_id", "store_id", "touch_id", "binding_id", "channel", "reason", "excluded")}


def _share_summary(shares: list[CommissionShare]) -> list[dict]:
    return [{"line": s.line_id, "role": s.role, "partner": s.partner_id, "store": s.store_id,
             "amount_fen": s.amount_fen} for s in shares]


def _brand_partner(session, brand_id: int, partner_id: int) -> Partner:
    partner = session.get(Partner, partner_id)
    if partner is None or partner.brand_id != brand_id:
        raise ReattributionError(_l("That partner does not belong to this brand."))
    return partner
