from datetime import datetime, timedelta

import pytest

from mall.referral.attribution import (
    AT_REGISTRATION,
    FIRST_TOUCH,
    LAST_TOUCH,
    BindingFact,
    BindingRule,
    PartnerFact,
    TouchFact,
    binding_after_touch,
    binding_at_registration,
    credit_order,
)

NOW = datetime(2026, 11, 24, 12, 0)
DAY = timedelta(days=1)


def touch(id, days_ago, partner=None, store=None, channel="link"):
    return TouchFact(id=id, at=NOW - days_ago * DAY, partner_id=partner, store_id=store, channel=channel)


def binding(partner, started_days_ago, protection=30, id=1):
    start = NOW - started_days_ago * DAY
    return BindingFact(id=id, partner_id=partner, started_at=start, expires_at=start + protection * DAY)


@pytest.mark.parametrize("mode, current, new_partner, expected", [
    (FIRST_TOUCH, None, 7, ("first_touch", 7)),
    (FIRST_TOUCH, binding(5, 3), 7, None),  # protected: the first sharer keeps the customer
    (FIRST_TOUCH, binding(5, 40), 7, ("expired_rebind", 7)),  # protection over: the next touch binds
    (LAST_TOUCH, binding(5, 3), 7, ("last_touch", 7)),
    (LAST_TOUCH, binding(5, 3), 5, None),  # the same sharer again changes nothing
    (AT_REGISTRATION, None, 7, None),  # touches alone never bind in this mode
])
def test_binding_after_touch(mode, current, new_partner, expected):
    result = binding_after_touch(current, touch(9, 0, partner=new_partner), BindingRule(mode=mode), NOW)
    assert (None if result is None else (result.reason, result.partner_id)) == expected
    if result:
        assert result.expires_at == NOW + 30 * DAY


def test_store_code_touch_binds_no_sharer():
    assert binding_after_touch(None, touch(1, 0, store=3, channel="store_code"), BindingRule(), NOW) is None


def test_registration_binds_to_the_last_sharer_in_the_window():
    rule = BindingRule(mode=AT_REGISTRATION, window_days=7)
    touches = [touch(1, 10, partner=4), touch(2, 2, partner=5), touch(3, 1, store=2)]
    result = binding_at_registration(None, touches, rule, NOW)
    assert (result.partner_id, result.touch_id, result.reason) == (5, 2, "registration")
    assert binding_at_registration(None, [touch(1, 10, partner=4)], rule, NOW) is None


PARTNERS = {
    1: PartnerFact(1, user_id=101, active=True, inviter_id=2),
    2: PartnerFact(2, user_id=102, active=True, inviter_id=3),
    3: PartnerFact(3, user_id=103, active=True, inviter_id=None),
    4: PartnerFact(4, user_id=104, active=False, inviter_id=2),  # disabled, invited by 2
    5: PartnerFact(5, user_id=105, active=True, inviter_id=2, guide_store_id=9),  # a shop guide
    6: PartnerFact(6, user_id=106, active=True, inviter_id=None, guide_store_id=8),
}


def credit(**kw):
    args = dict(buyer_user_id=500, sharer_binding=None, guide_binding=None, touches=[], partners=PARTNERS,
                rule=BindingRule(), levels=2, self_purchase=False, now=NOW)
    args.update(kw)
    return credit_order(**args)


def test_bound_sharer_wins_over_a_later_touch():
    c = credit(sharer_binding=binding(1, 3), touches=[touch(7, 1, partner=3)])
    assert (c.sharer_id, c.reason, c.levels) == (1, "bound_sharer", {1: 1, 2: 2})


def test_last_touch_in_window_when_no_binding():
    c = credit(touches=[touch(7, 3, partner=3), touch(8, 1, partner=1)])
    assert (c.sharer_id, c.touch_id, c.reason, c.channel) == (1, 8, "last_touch", "link")


def test_touch_outside_window_is_ignored():
    c = credit(touches=[touch(7, 8, partner=1)])
    assert (c.sharer_id, c.reason, c.levels) == (None, "no_sharer", {})


def test_three_levels_when_the_brand_pays_three():
    assert credit(touches=[touch(1, 0, partner=1)], levels=3).levels == {1: 1, 2: 2, 3: 3}
    assert credit(touches=[touch(1, 0, partner=1)], levels=1).levels == {1: 1}


def test_disabled_partner_earns_nothing_and_the_share_is_not_passed_up():
    c = credit(touches=[touch(1, 0, partner=4)])
    assert c.levels == {2: 2}
    assert c.excluded == ("level1_disabled",)


def test_self_purchase_is_off_by_default_and_on_when_enabled():
    c = credit(buyer_user_id=101, touches=[touch(1, 0, partner=1)])
    assert (c.levels, c.excluded) == ({2: 2}, ("self_purchase",))
    assert credit(buyer_user_id=101, touches=[touch(1, 0, partner=1)], self_purchase=True).levels == {1: 1, 2: 2}


def test_guide_who_shares_is_sharer_and_guide_and_brings_the_store():
    c = credit(touches=[touch(1, 0, partner=5)])
    assert (c.sharer_id, c.guide_id, c.store_id) == (5, 5, 9)


def test_bound_guide_is_credited_when_the_sharer_is_not_a_guide():
    c = credit(touches=[touch(1, 0, partner=1)], guide_binding=binding(6, 2, id=2))
    assert (c.sharer_id, c.guide_id, c.store_id) == (1, 6, 8)


def test_store_code_gives_the_store_when_there_is_no_guide():
    c = credit(touches=[touch(1, 0, store=4, channel="store_code")])
    assert (c.sharer_id, c.guide_id, c.store_id, c.reason, c.channel) == (None, None, 4, "store_code", "store_code")


def test_a_cycle_in_the_data_never_loops():
    looped = {1: PartnerFact(1, 101, True, 2), 2: PartnerFact(2, 102, True, 1)}
    assert credit(partners=looped, touches=[touch(1, 0, partner=1)], levels=3).levels == {1: 1, 2: 2}
