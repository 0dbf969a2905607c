"""Forms of the partner pages: the partner list's status filter and the customer lookup by mobile number."""
from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, ValidationError

from mall.admin.labels import PARTNER_STATUSES
from mall.clean_form import CleanForm
from mall.phones import normalize_phone


class PartnerFilterForm(CleanForm):
    class Meta:
        csrf = False

    status = SelectField(_l("Status"), validate_choice=False, choices=[SelectChoice("", _l("All"))] + [
        SelectChoice(status, label) for status, label in PARTNER_STATUSES.items()])


class CustomerLookupForm(CleanForm):
    """Find a customer by mobile number (a GET form: it changes nothing)."""

    class Meta:
        csrf = False

    phone = StringField(_l("Customer's mobile number"), render_kw={"type": "tel", "maxlength": 20,
                                                                     "autocomplete": "off"},
                        validators=[DataRequired(_l("Please enter a mobile number."))])

    def validate_phone(self, field):
        if normalize_phone(field.data) is None:
            raise ValidationError(_l("Please enter a valid mobile number."))

    @property
    def normal_phone(self) -> str | None:
        return normalize_phone(self.phone.data)
