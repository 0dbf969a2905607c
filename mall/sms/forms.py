"""Asking for a code and typing it in: the two forms every phone check uses."""
from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import DataRequired, Length, ValidationError

from mall.clean_form import CleanForm
from mall.phones import normalize_phone


class PhoneForm(CleanForm):
    phone = StringField(_l("Mobile number"), validators=[DataRequired(_l("Enter your mobile number.")),
                                                         Length(max=20)],
                        render_kw={"autocomplete": "tel", "inputmode": "tel"})

    def validate_phone(self, field):
        if normalize_phone(field.data) is None:
            raise ValidationError(_l("Enter a mainland China mobile number (11 digits)."))

    @property
    def normalized(self) -> str:
        return normalize_phone(self.phone.data) or ""


class CodeForm(PhoneForm):
    code = StringField(_l("Code from the text message"),
                       validators=[DataRequired(_l("Enter the code from the text message.")), Length(max=12)],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"})
