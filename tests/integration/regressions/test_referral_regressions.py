"""Regressions from other systems' known bugs (see the package docstring), referral: who is credited."""
import pytest

from mall.clock import utcnow
from mall.commission.models import OrderAttribution
from mall.commission.settings import settings_for
from mall.referral.service import credit_for_checkout, disable_partner
from tests.integration.referral_data import rules
from tests.integration.regressions.support import Shop


def test_commission_recomputed_at_payment_from_a_binding_changed_after_the_order(make, db, client):
    shop = Shop(make, db.session, client, binding_mode="last_touch")
    newcomer = shop.partner("Wu Lei")
    shop.visit(shop.p1)
    order = shop.buy(1)
    shop.visit(newcomer)  # last touch wins: the customer is now bound to the newcomer...
    rules(db.session, shop.brand, level1_bp=2000)  # ...and the brand doubles level 1 for new orders
    commission = settings_for(db.session, shop.brand.id)
    now_credit = credit_for_checkout(db.session, brand_id=shop.brand.id, buyer_user_id=None, visitor_key="v1",
                                     levels=commission.levels, self_purchase=commission.self_purchase, now=utcnow())
    assert now_credit.sharer_id == newcomer.id

    shop.pay(order)
    assert shop.earned(order) == {"level1": (shop.p1.id, 1280), "level2": (shop.p0.id, 640)}
    assert db.session.get(OrderAttribution, order.id).sharer_id == shop.p1.id
    assert shop.balances()["pending"] == 1280
    assert shop.balances(newcomer)["pending"] == 0


@pytest.mark.parametrize("case,expected", [
    ("sharer disabled before the visit", {"level2": "p0"}),  # P1's 10% is not passed up to P0
    ("sharer disabled after the visit", {"level2": "p0"}),
    ("sharer awaiting approval", {"level2": "p0"}),
    ("upline disabled", {"level1": "p1"}),
    ("sharer disabled after the order", {"level1": "p1", "level2": "p0"}),  # the order's snapshot stands
])
def test_inactive_partner_credited(make, db, client, case, expected):
    shop = Shop(make, db.session, client)
    sharer = shop.p1
    if case == "sharer awaiting approval":
        rules(db.session, shop.brand, partner_rule="approval")
        sharer = shop.partner("Newcomer", inviter=shop.p0)
        assert sharer.status == "pending"

    def disable(partner):
        disable_partner(db.session, partner.id, by_user_id=None, now=utcnow())
        db.session.commit()

    if case == "sharer disabled before the visit":
        disable(sharer)
    if case == "upline disabled":
        disable(shop.p0)
    shop.visit(sharer)
    if case == "sharer disabled after the visit":
        disable(sharer)
    order = shop.buy(1)
    if case == "sharer disabled after the order":
        disable(sharer)
    shop.pay(order)

    who = {"p0": shop.p0.id, "p1": sharer.id}
    amounts = {"level1": 1280, "level2": 640}
    assert shop.earned(order) == {role: (who[name], amounts[role]) for role, name in expected.items()}
    assert shop.balances(sharer)["pending"] == (1280 if "level1" in expected else 0)
    assert shop.balances(shop.p0)["pending"] == (640 if "level2" in expected else 0)
    assert shop.books_ok()

