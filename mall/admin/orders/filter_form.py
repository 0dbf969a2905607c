"""The order list's filter form (a GET form: filters are links admins bookmark, so no CSRF token)."""
from flask_babel import lazy_gettext as _l
from wtforms import DateField, SelectChoice, SelectField, StringField
from wtforms.validators import Length, Optional, ValidationError

from mall.admin.orders.filters import REFUNDING, OrderListFilter
from mall.admin.orders.forms import CODE_MAX, OrderFilterForm
from mall.orders.models import OrderStatus
from mall.partner.labels import CHANNELS


class OrderListFilterForm(OrderFilterForm):
    date_from = DateField(_l("From"), validators=[Optional()])
    date_to = DateField(_l("To"), validators=[Optional()])
    store = SelectField(_l("Store"), choices=[], default="")
    guide = StringField(_l("Shop guide's code"), validators=[Length(max=CODE_MAX)],
                        render_kw={"maxlength": CODE_MAX, "autocapitalize": "characters"})
    sharer = StringField(_l("Sharer's code"), validators=[Length(max=CODE_MAX)],
                         render_kw={"maxlength": CODE_MAX, "autocapitalize": "characters"})
    channel = SelectField(_l("Channel"), default="", choices=[SelectChoice("", _l("All"))] + [
        SelectChoice(code, label) for code, label in CHANNELS.items()])

    def with_stores(self, stores) -> "OrderListFilterForm":
        self.store.choices = [SelectChoice("", _l("All"))] + [SelectChoice(str(s.id), s.name) for s in stores]
        return self

    def validate_date_to(self, field):
        if field.data and self.date_from.data and field.data < self.date_from.data:
            raise ValidationError(_l("The end date is before the start date."))

    def to_filter(self) -> OrderListFilter:
        """The valid filters; a field with an error (shown beside it) filters nothing."""
        self.validate()

        def ok(field):
            return field.data if field.data and not field.errors else None

        status = self.status.data if self.status.data in {*OrderStatus, REFUNDING} else None
        store = ok(self.store)
        return OrderListFilter(status=status, first=ok(self.date_from), last=ok(self.date_to),
                               store_id=int(store) if store else None, guide_code=ok(self.guide),
                               sharer_code=ok(self.sharer), channel=ok(self.channel))

    def args(self) -> dict:
        """The valid filters as query arguments, for the pager."""
        flt = self.to_filter()
        values = {"status": flt.status, "date_from": flt.first.isoformat() if flt.first else None,
                  "date_to": flt.last.isoformat() if flt.last else None, "store": flt.store_id,
                  "guide": flt.guide_code, "sharer": flt.sharer_code, "channel": flt.channel}
        return {key: value for key, value in values.items() if value}
