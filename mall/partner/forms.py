"""Dashboard forms: the GET filters of the orders and store pages, and the withdrawal request."""
import secrets

from flask_babel import lazy_gettext as _l
from wtforms import DateField, HiddenField, SelectChoice, SelectField, StringField, SubmitField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from mall.clean_form import CleanForm
from mall.money import parse_yuan
from mall.partner.labels import SHARE_STATUSES
from mall.partner.order_cards import SHARE_FILTERS, OrderFilter


class DateRangeForm(CleanForm):
    """Read from the query string: filters are links people bookmark and share, so no CSRF token."""

    class Meta:
        csrf = False

    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("To"), validators=[Optional()])

    def validate_date_to(self, field):
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("The end date is before the start date."))

    def dates(self) -> tuple:
        """The valid part of the range; a field with an error does not filter."""
        first = self.date_from.data if not self.date_from.errors else None
        last = self.date_to.data if not self.date_to.errors else None
        return first, last


class OrderFilterForm(DateRangeForm):
    status = SelectField(_l("Commission"), default="", validate_choice=True, choices=[
        SelectChoice("", _l("All")), *(SelectChoice(s, SHARE_STATUSES[s]) for s in SHARE_FILTERS)])

    def to_filter(self) -> OrderFilter:
        first, last = self.dates()
        status = self.status.data if self.status.data in SHARE_FILTERS and not self.status.errors else None
        return OrderFilter(status=status, first=first, last=last)


class WithdrawalForm(CleanForm):
    amount = StringField(_l("Amount (yuan)"), validators=[DataRequired(_l("Enter an amount.")), Length(max=20)],
                         render_kw={"inputmode": "decimal", "autocomplete": "off", "placeholder": "100.00"})
    # A new key per rendered form: a double tap sends the same key twice and still withdraws once.
    request_key = HiddenField(validators=[DataRequired(), Length(max=64)])
    submit = SubmitField(_l("Request withdrawal"))

    amount_fen: int = 0

    def validate_amount(self, field):
        try:
            self.amount_fen = parse_yuan(field.data or "")
        except ValueError:
            raise ValidationError(_l("Enter an amount in yuan, like 100 or 99.50.")) from None
        if self.amount_fen <= 0:
            raise ValidationError(_l("The amount must be more than zero."))

    def fresh_key(self) -> None:
        self.request_key.data = secrets.token_urlsafe(24)
