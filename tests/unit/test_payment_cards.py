"""The mock provider's card rules: Luhn check digits and the documented test cards."""
import pytest

from mall.payments.mock.charges import DECLINED_CARD, PROCESSING_ERROR_CARD
from mall.payments.mock.forms import card_digits, luhn_ok


@pytest.mark.parametrize("number", ["4242 4242 4242 4242", "4000 0000 0000 0002", "4000 0000 0000 0119",
                                    "5555 5555 5555 4444", "3782 822463 10005", "6200 0000 0000 0005"])
def test_real_and_test_card_numbers_pass_the_luhn_check(number):
    assert luhn_ok(card_digits(number))


@pytest.mark.parametrize("number", ["4242 4242 4242 4241", "4000 0000 0000 0003", "1234 5678 9012 3456"])
def test_a_mistyped_digit_fails_the_luhn_check(number):
    assert not luhn_ok(card_digits(number))


def test_the_special_test_cards_are_the_documented_ones():
    assert DECLINED_CARD == card_digits("4000 0000 0000 0002")
    assert PROCESSING_ERROR_CARD == card_digits("4000 0000 0000 0119")
