"""credit_for_checkout: the facts loaded from bindings and touches decide who is credited for an order."""
from datetime import timedelta

import pytest
from sqlalchemy import event

from mall.accounts.models import Role
from mall.clock import utcnow
from mall.commission.settings import settings_for
from mall.referral.service import credit_for_checkout, record_visit
from tests.integration.referral_data import partner, rules

NOW = utcnow().replace(microsecond=0)
DAY = timedelta(days=1)


def visit(db, brand, *, at, sharer=None, store=None, visitor="v1", user=None, channel="link"):
    record_visit(db.session, brand_id=brand.id, partner_code=sharer.code if sharer else None,
                 store_code=store.code if store else None, channel=channel, target="home", visitor_key=visitor,
                 user_id=user.id if user else None, now=at)
    db.session.commit()


def credit(db, brand, *, user=None, visitor="v1", at=NOW):
    """As checkout asks: with the brand's commission levels and self-purchase rule."""
    return credit_for_checkout(db.session, brand_id=brand.id, buyer_user_id=user.id if user else None,
                               visitor_key=visitor, **chain_rules(db, brand.id), now=at)


def chain_rules(db, brand_id) -> dict:
    commission = settings_for(db.session, brand_id)
    return {"levels": commission.levels, "self_purchase": commission.self_purchase}


def test_the_bound_sharer_beats_a_later_touch(db, make):
    brand = make.brand()
    upline = partner(make, brand)
    first = partner(make, brand, inviter=upline)
    later = partner(make, brand)
    visit(db, brand, sharer=first, at=NOW - 3 * DAY)
    visit(db, brand, sharer=later, at=NOW - DAY)
    result = credit(db, brand)
    assert (result.sharer_id, result.reason, result.channel) == (first.id, "bound_sharer", "binding")
    assert result.levels == {1: first.id, 2: upline.id}
    assert result.binding_id is not None


def test_without_a_binding_the_last_touch_in_the_window_wins(db, make):
    brand = make.brand()
    rules(db.session, brand, binding_mode="at_registration", window_days=7)
    a, b = partner(make, brand), partner(make, brand)
    visit(db, brand, sharer=a, at=NOW - 3 * DAY)
    visit(db, brand, sharer=b, at=NOW - 2 * DAY, channel="storefront")
    result = credit(db, brand)
    assert (result.sharer_id, result.reason, result.channel) == (b.id, "last_touch", "storefront")
    assert credit(db, brand, at=NOW + 6 * DAY).sharer_id is None  # out of the window: nobody


def test_a_guides_link_credits_the_guide_and_the_guides_store(db, make):
    brand = make.brand()
    store = make.store(brand)
    guide = partner(make, brand, user=make.user(Role.GUIDE, store=store))
    visit(db, brand, sharer=guide, at=NOW - DAY)
    result = credit(db, brand)
    assert (result.sharer_id, result.guide_id, result.store_id) == (guide.id, guide.id, store.id)


def test_a_bound_guide_is_credited_when_another_partner_shares(db, make):
    brand = make.brand()
    store = make.store(brand)
    guide = partner(make, brand, user=make.user(Role.GUIDE, store=store))
    sharer = partner(make, brand)
    visit(db, brand, sharer=guide, at=NOW - 10 * DAY)  # the customer's own guide (专属导购)
    rules(db.session, brand, binding_mode="last_touch")
    visit(db, brand, sharer=sharer, at=NOW - DAY)
    result = credit(db, brand)
    assert (result.sharer_id, result.guide_id, result.store_id) == (sharer.id, guide.id, store.id)


def test_a_store_code_alone_credits_the_store(db, make):
    brand = make.brand()
    store = make.store(brand)
    visit(db, brand, store=store, at=NOW - DAY, channel="store_code")
    result = credit(db, brand)
    assert (result.sharer_id, result.store_id, result.reason, result.channel) == (None, store.id, "store_code",
                                                                                 "store_code")


@pytest.mark.parametrize("levels, expected", [(1, [1]), (2, [1, 2]), (3, [1, 2, 3])])
def test_the_chain_follows_the_brands_level_count(db, make, levels, expected):
    brand = make.brand()
    rules(db.session, brand, levels=levels)
    top = partner(make, brand)
    mid = partner(make, brand, inviter=top)
    low = partner(make, brand, inviter=mid)
    sharer = partner(make, brand, inviter=low)
    visit(db, brand, sharer=sharer, at=NOW - DAY)
    chain = [sharer.id, low.id, mid.id, top.id]
    assert credit(db, brand).levels == {n: chain[n - 1] for n in expected}


def test_own_purchase_drops_level_one_but_keeps_the_upline(db, make):
    brand = make.brand()
    upline = partner(make, brand)
    me = partner(make, brand, inviter=upline)
    visit(db, brand, sharer=me, at=NOW - DAY, user=me.user)
    result = credit(db, brand, user=me.user)
    assert result.levels == {2: upline.id} and "self_purchase" in result.excluded
    rules(db.session, brand, self_purchase=True)
    assert credit(db, brand, user=me.user).levels == {1: me.id, 2: upline.id}


def test_touches_made_before_logging_in_count_for_the_user(db, make):
    brand = make.brand()
    rules(db.session, brand, binding_mode="at_registration")  # no binding: the touch alone decides
    sharer = partner(make, brand)
    buyer = make.user()
    visit(db, brand, sharer=sharer, at=NOW - DAY, visitor="phone")
    assert credit(db, brand, user=buyer, visitor="phone").sharer_id == sharer.id
    assert credit(db, brand, user=buyer, visitor="other-browser").sharer_id is None


def test_a_disabled_sharer_earns_nothing_and_their_share_is_not_passed_up(db, make):
    brand = make.brand()
    upline = partner(make, brand)
    sharer = partner(make, brand, inviter=upline, status="disabled")
    visit(db, brand, sharer=sharer, at=NOW - DAY)
    result = credit(db, brand)
    # The upline keeps its own level-2 share; the sharer's level-1 share goes to nobody.
    assert result.levels == {2: upline.id} and "level1_disabled" in result.excluded


def test_credit_loads_its_facts_in_a_few_queries(app, db, make):
    brand = make.brand()
    rules(db.session, brand, levels=3)
    store = make.store(brand)
    top = partner(make, brand)
    mid = partner(make, brand, inviter=top)
    guide = partner(make, brand, inviter=mid, user=make.user(Role.GUIDE, store=store))
    others = [partner(make, brand, inviter=top) for _ in range(5)]
    for n, sharer in enumerate([*others, guide]):
        visit(db, brand, sharer=sharer, at=NOW - DAY + n * timedelta(minutes=1))
    brand_id, other_ids = brand.id, {o.id for o in others}
    chain = chain_rules(db, brand_id)  # checkout reads them before it asks (they are commission rules)
    db.session.expunge_all()
    statements = []
    listener = lambda *args: statements.append(args[2])  # noqa: E731
    event.listen(db.engine, "before_cursor_execute", listener)
    try:
        result = credit_for_checkout(db.session, brand_id=brand_id, buyer_user_id=None, visitor_key="v1", **chain,
                                     now=NOW)
    finally:
        event.remove(db.engine, "before_cursor_execute", listener)
    assert result.levels[1] in other_ids  # first touch bound the first sharer
    assert len(statements) <= 8, statements
