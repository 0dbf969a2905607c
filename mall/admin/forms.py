"""Forms of the brand admin's order pages."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length

from mall.orders.contact import clean_text
from mall.orders.models import OrderStatus
from mall.orders.refunds import REASON_MAX
from mall.templating import STATUS_LABELS


class RejectRefundForm(FlaskForm):
    reason = StringField(_l("Reason for the buyer"), filters=[clean_text],
                         validators=[DataRequired(_l("Please tell the buyer why.")),
                                     Length(max=REASON_MAX, message=_l("At most %(max)d characters, please."))],
                         render_kw={"maxlength": REASON_MAX})


class OrderFilterForm(FlaskForm):
    """The status filter of the order list (a GET form: nothing changes, so no CSRF token)."""

    class Meta:
        csrf = False

    status = SelectField(_l("Status"), validate_choice=False, choices=[SelectChoice("", _l("All"))] + [
        SelectChoice(status.value, STATUS_LABELS[status.value]) for status in OrderStatus])
