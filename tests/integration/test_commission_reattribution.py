"""An admin re-attributes an unsettled order, with a reason, in the audit log."""
import json

import pytest
from sqlalchemy import select

from mall.audit.models import AuditLog
from mall.commission.audit_books import audit_books
from mall.commission.models import OrderAttribution
from mall.commission.plan import ReattributionError, manual_credit, reattribute
from mall.jobs.settle import settle_due
from mall.referral.models import Partner
from tests.integration.commission_support import T0, Books, days


@pytest.fixture()
def books(make, db):
    return Books(make, db.session)


def test_unpaid_order_is_re_planned(books, make, db):
    other = books.partner()
    order = books.order([(10000, 1)])
    credit = manual_credit(db.session, order, sharer_id=other.id)
    reattribute(db.session, order.id, credit, actor_id=None, reason="customer named another sharer", now=T0)
    assert {s.status for s in books.shares(order).values() if s.generation == 1} == {"void"}
    assert books.roles(order) == {"level1": (1000, "planned")}
    books.pay(order)
    assert books.balances(other)["pending"] == 1000
    assert books.balances()["pending"] == 0
    assert audit_books(db.session).ok


def test_paid_order_reverses_old_accruals_and_accrues_new_ones(books, make, db):
    admin = make.user(role="brand_admin", brand=books.brand)
    other = books.partner(inviter=books.upline)
    order = books.paid_order([(10000, 1)])
    reattribute(db.session, order.id, manual_credit(db.session, order, sharer_id=other.id, store_id=books.store.id),
                actor_id=admin.id, reason="wrong link", now=T0 + days(1))
    assert books.balances() == {"pending": 0, "available": 0, "withdrawing": 0, "withdrawn": 0, "debt": 0,
                                "reversed": 1000}
    assert books.balances(other)["pending"] == 1000
    assert books.balances(books.upline)["pending"] == 500  # level 2 of both chains: reversed, then accrued again
    attribution = db.session.get(OrderAttribution, order.id)
    assert (attribution.sharer_id, attribution.reason, attribution.reattributed_at) == (other.id, "manual",
                                                                                        T0 + days(1))
    entry = db.session.scalars(select(AuditLog)).one()
    assert (entry.action, entry.actor_id, entry.reason) == ("commission.reattribute", admin.id, "wrong link")
    assert json.loads(entry.before)["sharer_id"] == books.sharer.id
    assert json.loads(entry.after)["sharer_id"] == other.id
    assert audit_books(db.session).ok


def test_refunds_already_made_are_taken_from_the_new_shares(books, db):
    other = books.partner()
    order = books.paid_order([(10000, 1)])
    books.refund(order, [(order.lines[0], 5000)])
    reattribute(db.session, order.id, manual_credit(db.session, order, sharer_id=other.id), actor_id=None,
                reason="fix", now=T0)
    assert books.balances(other)["pending"] == 500
    assert books.balances()["pending"] == 0
    assert audit_books(db.session).ok


def test_settled_orders_cannot_be_re_attributed(books, db):
    order = books.paid_order([(10000, 1)])
    books.complete(order, at=T0)
    settle_due(db.session, now=T0 + days(8))
    with pytest.raises(ReattributionError):
        reattribute(db.session, order.id, manual_credit(db.session, order, sharer_id=books.upline.id),
                    actor_id=None, reason="too late", now=T0 + days(9))
    assert books.balances()["available"] == 1000


@pytest.mark.parametrize("reason", ["", "   "])
def test_a_reason_is_required(books, db, reason):
    order = books.paid_order([(10000, 1)])
    with pytest.raises(ReattributionError):
        reattribute(db.session, order.id, manual_credit(db.session, order, sharer_id=books.upline.id),
                    actor_id=None, reason=reason, now=T0)
    assert books.balances()["pending"] == 1000


def test_manual_credit_follows_the_brands_rules(books, make, db):
    disabled = books.partner(status="disabled")
    sharer = books.partner(inviter=disabled)
    order = books.order([(10000, 1)])
    credit = manual_credit(db.session, order, sharer_id=sharer.id)
    assert credit.levels == {1: sharer.id}  # a disabled upline earns nothing and passes nothing up
    assert credit.excluded == ("level2_disabled",)
    foreign = Books(make, db.session).sharer
    with pytest.raises(ReattributionError):
        manual_credit(db.session, order, sharer_id=foreign.id)
    with pytest.raises(ReattributionError):
        manual_credit(db.session, order, guide_id=books.upline.id)  # not a shop guide


def test_a_guide_brings_their_store(books, make, db):
    user = make.user(role="guide", store=books.store)
    guide = Partner(brand_id=books.brand.id, user_id=user.id, code="GUIDE2", status="active")
    db.session.add(guide)
    db.session.commit()
    order = books.order([(10000, 1)])
    credit = manual_credit(db.session, order, guide_id=guide.id)
    assert (credit.guide_id, credit.store_id) == (guide.id, books.store.id)
