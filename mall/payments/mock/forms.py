"""The card form of the mock provider's payment page, validated like a real card form."""
import re

from flask_babel import lazy_gettext as _l
from wtforms import StringField, SubmitField
from wtforms.validators import DataRequired, ValidationError

from mall.clean_form import CleanForm
from mall.clock import utcnow

CARD_CHARS = re.compile(r"^[0-9 ]+$")
EXPIRY = re.compile(r"^\s*(\d{1,2})\s*/\s*(\d{2})\s*$")
CVC = re.compile(r"^\d{3,4}$")
MAX_YEARS_AHEAD = 20  # cards are issued for a few years; 20 catches typos such as 12/92


def card_digits(text: str) -> str:
    return (text or "").replace(" ", "")


def luhn_ok(digits: str) -> bool:
    """The check digit every card number carries, so a typo is caught before the bank sees it."""
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = int(ch)
        if i % 2:
            n = n * 2 - 9 if n > 4 else n * 2
        total += n
    return total % 10 == 0


def validate_card_number(form, field) -> None:
    text = (field.data or "").strip()
    if len(text) > 40 or not CARD_CHARS.match(text):
        raise ValidationError(_l("Enter the card number using digits only."))
    digits = card_digits(text)
    if not 12 <= len(digits) <= 19:
        raise ValidationError(_l("A card number has 12 to 19 digits."))
    if not luhn_ok(digits):
        raise ValidationError(_l("This card number is not valid. Check it for typos."))


def validate_expiry(form, field) -> None:
    match = EXPIRY.match(field.data or "")
    if not match or not 1 <= int(match.group(1)) <= 12:
        raise ValidationError(_l("Enter the expiry date as MM/YY."))
    month, year = int(match.group(1)), 2000 + int(match.group(2))
    today = utcnow()
    # A card is valid until the end of its expiry month.
    if (year, month) < (today.year, today.month):
        raise ValidationError(_l("This card has expired."))
    if year > today.year + MAX_YEARS_AHEAD:
        raise ValidationError(_l("Check the expiry date: it is too far in the future."))


def validate_cvc(form, field) -> None:
    if not CVC.match((field.data or "").strip()):
        raise ValidationError(_l("The security code is the 3 or 4 digits on the card."))


class MockPayForm(CleanForm):
    card_number = StringField(_l("Card number"), [DataRequired(_l("Enter your card number.")), validate_card_number],
                              render_kw={"inputmode": "numeric", "autocomplete": "cc-number",
                                         "placeholder": "4242 4242 4242 4242", "maxlength": 23})
    expiry = StringField(_l("Expiry (MM/YY)"), [DataRequired(_l("Enter the expiry date.")), validate_expiry],
                         render_kw={"inputmode": "numeric", "autocomplete": "cc-exp", "placeholder": "MM/YY",
                                    "maxlength": 7})
    cvc = StringField(_l("Security code (CVC)"), [DataRequired(_l("Enter the security code.")), validate_cvc],
                      render_kw={"inputmode": "numeric", "autocomplete": "cc-csc", "placeholder": "123",
                                 "maxlength": 4})
    submit = SubmitField(_l("Pay"))
