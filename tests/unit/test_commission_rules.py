from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mall.commission.rules import Beneficiary, Ratios, reversal_for_refund, split_commission, validate_ratios

RATIOS = Ratios(level1=D("0.10"), level2=D("0.05"), guide=D("0.03"), store=D("0.02"))
ALL = [Beneficiary("level1", "partner", 1), Beneficiary("level2", "partner", 2),
       Beneficiary("guide", "partner", 3), Beneficiary("store", "store", 1)]


@pytest.mark.parametrize("base, expected", [
    (19900, {"level1": 1990, "level2": 995, "guide": 597, "store": 398}),
    (999, {"level1": 99, "level2": 49, "guide": 29, "store": 19}),  # each rounds down on its own
    (1, {}),  # nothing under a fen is paid, and no zero rows are written
    (0, {}),
])
def test_each_beneficiary_gets_floor_of_base_times_ratio(base, expected):
    shares = split_commission(base, RATIOS, ALL)
    assert {s.role: s.amount_fen for s in shares} == expected


def test_quantity_is_in_the_base_once():
    # a line of 3 x ¥33.33 is one base of ¥99.99; the ratio applies once, not per unit and again per line
    shares = split_commission(3 * 3333, RATIOS, ALL[:1])
    assert shares[0].amount_fen == 999


def test_absent_beneficiaries_leave_their_share_with_the_brand():
    shares = split_commission(10000, RATIOS, [Beneficiary("level1", "partner", 1)])
    assert [(s.role, s.amount_fen) for s in shares] == [("level1", 1000)]


@given(base=st.integers(0, 10**9), r1=st.integers(0, 5000), r2=st.integers(0, 5000),
       g=st.integers(0, 3000), s=st.integers(0, 3000))
def test_shares_never_exceed_base_times_total_ratio(base, r1, r2, g, s):
    ratios = Ratios(level1=D(r1) / 10000, level2=D(r2) / 10000, guide=D(g) / 10000, store=D(s) / 10000)
    shares = split_commission(base, ratios, ALL)
    paid = sum(x.amount_fen for x in shares)
    assert paid <= base * ratios.total(2)
    assert paid > base * ratios.total(2) - len(ALL)  # each share loses less than one fen to rounding
    assert all(x.amount_fen > 0 for x in shares)


@pytest.mark.parametrize("levels, ratios, max_total, problems", [
    (2, RATIOS, D("0.30"), []),
    (2, RATIOS, D("0.19"), ["total_above_maximum"]),
    (4, RATIOS, D("1"), ["levels_out_of_range"]),
    (0, RATIOS, D("1"), ["levels_out_of_range"]),
    (1, Ratios(level1=D("-0.01")), D("1"), ["level1_out_of_range"]),
    (1, Ratios(level1=D("1.5")), D("2"), ["level1_out_of_range", "total_above_maximum"]),
    # a cap above the legal ceiling (30%) still stops at the ceiling
    (1, Ratios(level1=D("0.3")), D("1"), []),
    (1, Ratios(level1=D("0.3001")), D("1"), ["total_above_maximum"]),
    # level 2 is not counted when the brand pays one level
    (1, Ratios(level1=D("0.1"), level2=D("0.5")), D("0.1"), []),
])
def test_validate_ratios(levels, ratios, max_total, problems):
    assert validate_ratios(ratios, levels=levels, max_total=max_total) == problems


@pytest.mark.parametrize("accrued, base, before, after, expected", [
    (1990, 19900, 0, 19900, 1990),  # full refund reverses exactly what was accrued
    (1990, 19900, 0, 9950, 995),  # half the line, half the commission
    (1990, 19900, 0, 1, 1),  # the brand keeps rounding in its favour
    (999, 9999, 3333, 6666, 333),
    (0, 500, 0, 500, 0),
])
def test_reversal_for_refund(accrued, base, before, after, expected):
    assert reversal_for_refund(accrued, base, before, after) == expected


@given(base=st.integers(1, 10**7), ratio=st.integers(0, 10000),
       cuts=st.lists(st.integers(1, 10**7), min_size=1, max_size=8))
def test_partial_refunds_add_up_to_the_full_reversal(base, ratio, cuts):
    accrued = split_commission(base, Ratios(level1=D(ratio) / 10000), ALL[:1])
    accrued_fen = accrued[0].amount_fen if accrued else 0
    refunded, reversed_total = 0, 0
    for cut in cuts:
        step = min(cut, base - refunded)
        reversed_total += reversal_for_refund(accrued_fen, base, refunded, refunded + step)
        refunded += step
        # what is left never exceeds the remaining base times the ratio
        assert accrued_fen - reversed_total <= (base - refunded) * D(ratio) / 10000
        assert 0 <= reversed_total <= accrued_fen
    reversed_total += reversal_for_refund(accrued_fen, base, refunded, base)
    assert reversed_total == accrued_fen
