"""Becoming a partner: the brand's rule, the inviter chain, and an admin's approve / disable / enable."""
import json

import pytest
from sqlalchemy import select

from mall.accounts.models import Role
from mall.audit.models import AuditLog
from mall.clock import utcnow
from mall.referral.models import Partner
from mall.referral.service import (
    PartnerError,
    approve_partner,
    become_partner,
    disable_partner,
    enable_partner,
    ensure_guide_partner,
    partner_by_code,
    upline_ids,
)
from tests.integration.referral_data import order, partner, rules


def join(db, user, brand, inviter=None):
    joined = become_partner(db.session, user_id=user.id, brand_id=brand.id,
                            inviter_code=inviter.code if inviter else None, now=utcnow())
    db.session.commit()
    return joined


@pytest.mark.parametrize("rule, spent_fen, expected", [
    ("everyone", 0, "active"),
    ("approval", 0, "pending"),
    ("spend", 10000, "active"),  # exactly the minimum is enough
    ("spend", 20000, "active"),
    ("spend", 9999, "refused"),
])
def test_becoming_a_partner_follows_the_brand_rule(app, db, make, rule, spent_fen, expected):
    brand = make.brand()
    rules(db.session, brand, partner_rule=rule, partner_min_spend_fen=10000)
    user = make.user()
    if spent_fen:
        order(db.session, user=user, brand=brand, total_fen=spent_fen)
    if expected == "refused":
        with pytest.raises(PartnerError) as err:
            join(db, user, brand)
        with app.test_request_context(headers={"Accept-Language": "en"}):
            message = str(err.value.message)
        assert "¥100.00" in message and "¥99.99" in message
        assert db.session.scalar(select(Partner)) is None
        return
    joined = join(db, user, brand)
    assert joined.status == expected
    assert len(joined.code) == 6 and partner_by_code(db.session, joined.code.lower()).id == joined.id
    assert user.role == (Role.PARTNER if expected == "active" else Role.CONSUMER)


@pytest.mark.parametrize("status, refunded, other_brand, counts", [
    ("paid", 0, False, True),
    ("shipped", 0, False, True),
    ("completed", 0, False, True),
    ("pending_payment", 0, False, False),  # unpaid money was never spent
    ("cancelled", 0, False, False),
    ("completed", 5000, False, False),  # refunded money does not count
    ("completed", 0, True, False),  # spending with another brand does not count
])
def test_spend_rule_counts_kept_payments_to_this_brand(db, make, status, refunded, other_brand, counts):
    brand, other = make.brand(), make.brand()
    rules(db.session, brand, partner_rule="spend", partner_min_spend_fen=10000)
    user = make.user()
    order(db.session, user=user, brand=other if other_brand else brand, total_fen=10000, status=status,
          refunded_fen=refunded)
    if counts:
        assert join(db, user, brand).status == "active"
    else:
        with pytest.raises(PartnerError):
            join(db, user, brand)


def test_joining_twice_returns_the_same_partner(db, make):
    brand, user = make.brand(), make.user()
    assert join(db, user, brand).id == join(db, user, brand).id
    assert len(db.session.scalars(select(Partner)).all()) == 1


def test_an_invite_sets_the_inviter(db, make):
    brand = make.brand()
    inviter = partner(make, brand)
    joined = join(db, make.user(), brand, inviter=inviter)
    assert joined.inviter_id == inviter.id


@pytest.mark.parametrize("case", ["self", "other_brand", "disabled", "unknown"])
def test_bad_invitations_are_refused(db, make, case):
    brand, other = make.brand(), make.brand()
    user = make.user()
    inviter = {
        "self": lambda: partner(make, brand, user=user),
        "other_brand": lambda: partner(make, other),
        "disabled": lambda: partner(make, brand, status="disabled"),
        "unknown": lambda: None,
    }[case]()
    with pytest.raises(PartnerError):
        become_partner(db.session, user_id=user.id, brand_id=brand.id,
                       inviter_code=inviter.code if inviter else "ZZZZZZ", now=utcnow())


def test_a_partner_without_upline_may_accept_one_but_never_a_loop(app, db, make):
    brand = make.brand()
    a = partner(make, brand)
    b = partner(make, brand, inviter=a)
    c = partner(make, brand, inviter=b)
    # a -> c would close the loop a <- b <- c <- a: refused, whatever the length of the chain.
    with pytest.raises(PartnerError) as err:
        become_partner(db.session, user_id=a.user_id, brand_id=brand.id, inviter_code=c.code, now=utcnow())
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert "own upline" in str(err.value.message)
    db.session.rollback()
    assert db.session.get(Partner, a.id).inviter_id is None
    # Someone outside the chain is fine, once.
    d = partner(make, brand)
    assert join_as(db, a, brand, d).inviter_id == d.id
    e = partner(make, brand)
    assert join_as(db, a, brand, e).inviter_id == d.id  # the upline, once set, never changes
    assert upline_ids(db.session, c.id) == {c.id, b.id, a.id, d.id}


def join_as(db, existing, brand, inviter):
    joined = become_partner(db.session, user_id=existing.user_id, brand_id=brand.id, inviter_code=inviter.code,
                            now=utcnow())
    db.session.commit()
    return joined


def test_the_database_refuses_a_partner_as_own_inviter(db, make):
    from sqlalchemy.exc import IntegrityError

    p = partner(make, make.brand())
    p.inviter_id = p.id
    with pytest.raises(IntegrityError):
        db.session.commit()


def test_upline_walk_ends_on_a_loop_in_bad_data(db, make):
    brand = make.brand()
    a = partner(make, brand)
    b = partner(make, brand, inviter=a)
    a.inviter_id = b.id  # a loop of two, written around the service
    db.session.commit()
    assert upline_ids(db.session, a.id) == {a.id, b.id}


def test_admin_approves_disables_and_enables_with_an_audit_trail(db, make):
    brand = make.brand()
    rules(db.session, brand, partner_rule="approval")
    admin = make.user(Role.BRAND_ADMIN, brand=brand)
    joined = join(db, make.user(), brand)
    now = utcnow()
    assert approve_partner(db.session, joined.id, by_user_id=admin.id, now=now, brand_id=brand.id).status == "active"
    assert approve_partner(db.session, joined.id, by_user_id=admin.id, now=now).status == "active"  # twice: no-op
    assert disable_partner(db.session, joined.id, by_user_id=admin.id, now=now, reason="spam").status == "disabled"
    assert enable_partner(db.session, joined.id, by_user_id=admin.id, now=now).status == "active"
    db.session.commit()
    log = db.session.scalars(select(AuditLog).order_by(AuditLog.id)).all()
    assert [e.action for e in log] == ["partner.approved", "partner.disabled", "partner.enabled"]
    assert json.loads(log[1].before) == {"status": "active"} and log[1].reason == "spam"
    assert {e.actor_id for e in log} == {admin.id}
    assert joined.user.role == Role.PARTNER


def test_admin_of_another_brand_cannot_touch_a_partner(db, make):
    brand, other = make.brand(), make.brand()
    p = partner(make, brand, status="pending")
    with pytest.raises(PartnerError):
        approve_partner(db.session, p.id, by_user_id=None, now=utcnow(), brand_id=other.id)
    with pytest.raises(PartnerError):  # enabling is for disabled partners only
        enable_partner(db.session, p.id, by_user_id=None, now=utcnow())


def test_a_guide_gets_a_partner_row_on_first_need_whatever_the_rule(db, make):
    brand = make.brand()
    rules(db.session, brand, partner_rule="spend", partner_min_spend_fen=10**6)
    store = make.store(brand)
    guide = make.user(Role.GUIDE, store=store)
    first = ensure_guide_partner(db.session, user_id=guide.id, now=utcnow())
    db.session.commit()
    assert first.status == "active" and first.brand_id == brand.id
    assert ensure_guide_partner(db.session, user_id=guide.id, now=utcnow()).id == first.id
    assert guide.role == Role.GUIDE  # staff keep their role
    assert ensure_guide_partner(db.session, user_id=make.user().id, now=utcnow()) is None
