"""The rules page's unit conversions and its example-order preview (pure functions)."""
import pytest

from mall.admin.rules.forms import bp_to_percent, percent_to_bp
from mall.admin.rules.preview import preview

DEFAULTS = {"levels": 2, "level1_bp": 1000, "level2_bp": 500, "level3_bp": 0, "guide_bp": 300, "store_bp": 200,
            "max_total_bp": 3000}


@pytest.mark.parametrize("text, bp", [("10", 1000), ("12.5", 1250), ("3.75", 375), ("0", 0), ("100", 10000),
                                      (" 7.25% ", 725), ("0.01", 1), ("-1", -100)])
def test_percent_to_basis_points(text, bp):
    assert percent_to_bp(text) == bp


@pytest.mark.parametrize("text", ["", "abc", "1.234", "1e3", "1,5", "1000.5", "--1", "5%%"])
def test_what_is_not_a_percentage(text):
    with pytest.raises(ValueError):
        percent_to_bp(text)


def test_basis_points_show_with_two_decimals():
    assert [bp_to_percent(bp) for bp in (1000, 1250, 1, 0)] == ["10.00", "12.50", "0.01", "0.00"]


def test_preview_of_the_defaults_for_199_yuan():
    shown = preview(DEFAULTS, 19900)
    assert shown.shares == [("level1", 1990), ("level2", 995), ("guide", 597), ("store", 398)]
    assert (shown.paid_fen, shown.brand_keeps_fen, shown.problems) == (3980, 15920, [])


def test_preview_rounds_each_share_down_and_follows_the_levels():
    shown = preview({**DEFAULTS, "levels": 3, "level1_bp": 1234, "level3_bp": 111, "max_total_bp": 5000}, 19900)
    # 19900 x 12.34% = 2455.66 -> 2455; x 1.11% = 220.89 -> 220
    assert shown.shares == [("level1", 2455), ("level2", 995), ("level3", 220), ("guide", 597), ("store", 398)]
    assert [role for role, _fen in preview({**DEFAULTS, "levels": 1}, 19900).shares] == ["level1", "guide", "store"]


def test_preview_names_the_problem_instead_of_paying():
    shown = preview({**DEFAULTS, "level1_bp": 2500}, 19900)
    assert shown.shares == [] and "may not exceed 30%" in shown.problems[0] and "add up to 35%" in shown.problems[0]
    assert "between 1 and 3" in preview({**DEFAULTS, "levels": 4}, 19900).problems[0]
