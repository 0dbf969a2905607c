"""The report page's choices: dimension and date range, read from the query string (nothing changes)."""
from datetime import date, timedelta

from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectChoice, SelectField
from wtforms.validators import Optional, ValidationError

from mall.clean_form import CleanForm

DEFAULT_DAYS = 30
MAX_DAYS = 366  # a day-by-day table longer than a year helps nobody and costs a long query
DIMENSION_LABELS = {
    "day": _l("Day"),
    "store": _l("Store"),
    "guide": _l("Shop guide"),
    "sharer": _l("Sharer"),
    "channel": _l("Channel"),
    "live_room": _l("Live room"),
}


class ReportForm(CleanForm):
    """Filters are links admins bookmark and share, so no CSRF token; a bad field falls back to its default."""

    class Meta:
        csrf = False

    dimension = SelectField(_l("By"), default="day", choices=[
        SelectChoice(key, label) for key, label in DIMENSION_LABELS.items()])
    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("To"), validators=[Optional()])

    def validate_date_to(self, field):
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("The end date is before the start date."))
        first, last = self.date_from.data, field.data
        if first and last and (last - first).days >= MAX_DAYS:
            raise ValidationError(_l("Please choose at most %(days)d days.", days=MAX_DAYS))

    def chosen(self, today: date) -> tuple[str, date, date]:
        """(dimension, first, last): the valid choices, the last 30 days and "day" where a choice is invalid."""
        self.validate()
        dimension = self.dimension.data if not self.dimension.errors and self.dimension.data else "day"
        last = self.date_to.data if self.date_to.data and not self.date_to.errors else today
        first = self.date_from.data if self.date_from.data and not self.date_to.errors else None
        if first is None or first > last or (last - first).days >= MAX_DAYS:
            first = last - timedelta(days=DEFAULT_DAYS - 1)
        return dimension, first, last
