"""Rows the referral tests start from: partners, brand rules and orders, inserted directly."""
from itertools import count

from mall.clock import utcnow
from mall.codes import short_code
from mall.orders.models import Order
from mall.referral.models import Partner
from tests.integration.settings_support import set_rules

_seq = count(1)


def partner(make, brand, *, user=None, inviter=None, status="active", name="Zhang Wei", **user_kw) -> Partner:
    user = user or make.user(name=name, **user_kw)
    row = Partner(brand_id=brand.id, user_id=user.id, code=short_code(6), inviter_id=inviter.id if inviter else None,
                  status=status, joined_at=utcnow())
    make.session.add(row)
    make.session.commit()
    return row


def rules(session, brand, **values):
    """Set the brand's commission / binding / partner rules directly (the admin form is tested elsewhere)."""
    set_rules(session, brand.id, **values)


def order(session, *, user, brand, total_fen, status="paid", refunded_fen=0) -> Order:
    n = next(_seq)
    row = Order(number=f"R{n:08d}", token=f"tok-r-{n}", idempotency_key=f"key-r-{n}", brand_id=brand.id,
                user_id=user.id, status=status, contact_name="Li Na", contact_phone="13800001234",
                address="1 Road", total_fen=total_fen, refunded_fen=refunded_fen)
    session.add(row)
    session.commit()
    return row
