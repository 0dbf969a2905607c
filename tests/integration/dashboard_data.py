"""Ledger and attribution rows for the dashboard tests, inserted directly with the models.

The dashboard only reads; building its data here keeps its tests independent of the checkout,
referral and ledger services being written alongside.
"""
from datetime import datetime, timedelta
from itertools import count

from mall.clock import utcnow
from mall.codes import short_code
from mall.commission.models import (
    Account,
    CommissionShare,
    LedgerEntry,
    LedgerTransaction,
    OrderAttribution,
    Withdrawal,
)
from mall.orders.models import Order, OrderLine
from mall.referral.models import Binding, Partner

_seq = count(1)


def partner(session, brand, user, *, inviter=None, status="active", joined_at=None) -> Partner:
    row = Partner(brand_id=brand.id, user_id=user.id, code=short_code(6), inviter_id=inviter.id if inviter else None,
                  status=status, joined_at=joined_at or utcnow())
    session.add(row)
    session.commit()
    return row


def order(session, product, *, quantity=1, status="paid", contact_name="Wang Xiaoming",
          contact_phone="13812345678", created_at=None, user=None, refunded_fen=0, extra=()) -> Order:
    """An order of `product` (its first SKU) x quantity, plus (product, quantity) pairs in `extra`."""
    n = next(_seq)
    created_at = created_at or utcnow()
    items = [(product, quantity), *extra]
    total = sum(p.skus[0].price_fen * q for p, q in items)
    row = Order(number=f"T{n:08d}", token=f"token-{n}-{short_code()}", idempotency_key=f"key-{n}-{short_code()}",
                brand_id=product.brand_id, user_id=user.id if user else None, status=status,
                contact_name=contact_name, contact_phone=contact_phone, address="1 Test Road",
                total_fen=total, refunded_fen=refunded_fen, created_at=created_at,
                paid_at=created_at if status != "pending_payment" else None)
    session.add(row)
    session.flush()
    for p, q in items:
        sku = p.skus[0]
        session.add(OrderLine(order_id=row.id, product_id=p.id, sku_id=sku.id, title=p.title, sku_name=sku.name,
                              unit_price_fen=sku.price_fen, quantity=q, total_fen=sku.price_fen * q))
    session.commit()
    return row


def attribution(session, order_row, *, sharer=None, guide=None, store=None, reason="last_touch", channel="link",
                binding_mode="first_touch") -> OrderAttribution:
    row = OrderAttribution(order_id=order_row.id, sharer_id=sharer.id if sharer else None,
                           guide_id=guide.id if guide else None, store_id=store.id if store else None,
                           reason=reason, channel=channel, binding_mode=binding_mode, created_at=order_row.created_at)
    session.add(row)
    session.commit()
    return row


def share(session, line, role, *, partner=None, store=None, ratio_bp=1000, status="pending",
          reversed_fen=0, accrue=True) -> CommissionShare:
    """A share of one line; accrued in the ledger (brand payable -x, beneficiary pending +x) unless planned/void."""
    amount = line.total_fen * ratio_bp // 10000
    row = CommissionShare(brand_id=line.order.brand_id, order_id=line.order_id, line_id=line.id, role=role,
                          partner_id=partner.id if partner else None, store_id=store.id if store else None,
                          ratio_bp=ratio_bp, base_fen=line.total_fen, amount_fen=amount, reversed_fen=reversed_fen,
                          status=status, order_created_at=line.order.created_at)
    session.add(row)
    session.flush()
    if accrue and status in ("pending", "available"):
        brand_id = line.order.brand_id
        owner_kind, owner_id = ("partner", partner.id) if partner else ("store", store.id)
        post(session, brand_id, f"accrual:{row.id}", "accrual",
             [(account(session, brand_id, "brand", brand_id, "payable"), -amount, row.id),
              (account(session, brand_id, owner_kind, owner_id, "pending"), amount, row.id)],
             at=line.order.paid_at or line.order.created_at, order_id=line.order_id)
        if status == "available":
            post(session, brand_id, f"settlement:{row.id}", "settlement",
                 [(account(session, brand_id, owner_kind, owner_id, "pending"), -amount, row.id),
                  (account(session, brand_id, owner_kind, owner_id, "available"), amount, row.id)],
                 at=line.order.paid_at or line.order.created_at, order_id=line.order_id)
    session.commit()
    return row


def account(session, brand_id, owner_kind, owner_id, kind) -> Account:
    row = session.query(Account).filter_by(brand_id=brand_id, owner_kind=owner_kind, owner_id=owner_id,
                                           kind=kind).one_or_none()
    if row is None:
        row = Account(brand_id=brand_id, owner_kind=owner_kind, owner_id=owner_id, kind=kind, balance_fen=0)
        session.add(row)
        session.flush()
    return row


def post(session, brand_id, key, kind, entries, *, at: datetime | None = None, order_id=None,
         withdrawal_id=None) -> LedgerTransaction:
    """A balanced transaction; entries are (account, amount_fen[, share_id]) and move cached balances."""
    assert sum(e[1] for e in entries) == 0, "unbalanced test posting"
    tx = LedgerTransaction(brand_id=brand_id, key=key, kind=kind, order_id=order_id, withdrawal_id=withdrawal_id,
                           created_at=at or utcnow())
    session.add(tx)
    session.flush()
    for entry in entries:
        acc, amount = entry[0], entry[1]
        session.add(LedgerEntry(transaction_id=tx.id, account_id=acc.id, amount_fen=amount,
                                share_id=entry[2] if len(entry) > 2 else None))
        acc.balance_fen += amount
    session.flush()
    return tx


def partner_account(session, p, kind) -> Account:
    return account(session, p.brand_id, "partner", p.id, kind)


def settle(session, share_row, *, at=None) -> None:
    """pending -> available for a share (no debt to net)."""
    p = share_row.partner
    post(session, share_row.brand_id, f"settlement:{share_row.id}", "settlement",
         [(partner_account(session, p, "pending"), -share_row.amount_fen, share_row.id),
          (partner_account(session, p, "available"), share_row.amount_fen, share_row.id)], at=at,
         order_id=share_row.order_id)
    share_row.status = "available"
    session.commit()


def reverse(session, share_row, amount, *, into_debt=0, at=None) -> None:
    """Take back `amount` of a share: from pending if pending, else from available with `into_debt` owed."""
    p = share_row.partner
    if share_row.status == "pending":
        taken = [(partner_account(session, p, "pending"), -amount, share_row.id)]
    else:
        taken = [(partner_account(session, p, "available"), -(amount - into_debt), share_row.id)]
        if into_debt:
            taken.append((partner_account(session, p, "debt"), -into_debt, share_row.id))
    taken = [t for t in taken if t[1]]
    post(session, share_row.brand_id, f"reversal:{share_row.id}:{next(_seq)}", "reversal",
         [*taken, (account(session, share_row.brand_id, "brand", share_row.brand_id, "payable"), amount, share_row.id)],
         at=at, order_id=share_row.order_id)
    share_row.reversed_fen += amount
    session.commit()


def withdrawal(session, p, amount_fen, *, status="requested", fee_fen=0, created_at=None, reason="") -> Withdrawal:
    """A withdrawal row with the ledger movement of its status (requested/approved: withdrawing; paid: withdrawn;
    rejected/failed: nothing moved)."""
    row = Withdrawal(brand_id=p.brand_id, partner_id=p.id, amount_fen=amount_fen, fee_fen=fee_fen, status=status,
                     request_key=f"wd-{next(_seq)}-{short_code()}", reject_reason=reason,
                     created_at=created_at or utcnow())
    session.add(row)
    session.flush()
    if status in ("requested", "approved", "paid"):
        post(session, p.brand_id, f"withdrawal:{row.id}", "withdrawal",
             [(partner_account(session, p, "available"), -amount_fen),
              (partner_account(session, p, "withdrawing"), amount_fen)], withdrawal_id=row.id)
    if status == "paid":
        post(session, p.brand_id, f"payout:{row.id}", "payout",
             [(partner_account(session, p, "withdrawing"), -amount_fen),
              (partner_account(session, p, "withdrawn"), amount_fen - fee_fen),
              *([(account(session, p.brand_id, "brand", p.brand_id, "fees"), fee_fen)] if fee_fen else [])],
             withdrawal_id=row.id)
    session.commit()
    return row


def binding(session, p, *, user=None, visitor_key=None, kind="guide", started_at=None, days=30,
            ended_at=None) -> Binding:
    started_at = started_at or utcnow() - timedelta(days=1)
    row = Binding(brand_id=p.brand_id, kind=kind, partner_id=p.id, user_id=user.id if user else None,
                  visitor_key=visitor_key or (None if user else f"v{next(_seq)}"), reason="first_touch",
                  started_at=started_at, expires_at=started_at + timedelta(days=days), ended_at=ended_at)
    session.add(row)
    session.commit()
    return row


class World:
    """A brand with a store, a ¥199 product, the partner Alice (whose dashboard we read) and another partner Bob."""

    def __init__(self, make, session):
        self.session = session
        self.brand = make.brand("Tea House", slug="tea")
        self.store = make.store(self.brand, "Nanjing Road")
        self.product = make.product(self.brand, skus=(("Tin", 19900, 100),), title="Longjing Tea")
        self.alice_user = make.user(phone="13900000001", name="Alice Zhang")
        self.alice = partner(session, self.brand, self.alice_user)
        self.bob_user = make.user(phone="13900000002", name="Bob Li")
        self.bob = partner(session, self.brand, self.bob_user)

    def sale(self, p=None, *, role="level1", ratio_bp=1000, status="pending", quantity=1, **order_kw):
        """An order shared by `p` (Alice by default) with that partner's share of its line."""
        p = p or self.alice
        row = order(self.session, self.product, quantity=quantity, **order_kw)
        attribution(self.session, row, sharer=p)
        share(self.session, row.lines[0], role, partner=p, ratio_bp=ratio_bp, status=status)
        return row

    def share_of(self, order_row, role="level1") -> CommissionShare:
        return self.session.query(CommissionShare).filter_by(order_id=order_row.id, role=role).one()
