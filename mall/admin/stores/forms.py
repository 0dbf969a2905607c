"""Forms of the stores pages: a store's details, and assigning a guide or manager by phone."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, PasswordField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length, Optional, ValidationError

from mall.accounts.models import Role
from mall.accounts.services import MAX_NAME, MAX_PASSWORD, MIN_PASSWORD
from mall.catalog.stores import ADDRESS_MAX, NAME_MAX, PHONE_MAX
from mall.clean_form import CleanForm
from mall.phones import normalize_phone

TOO_LONG = _l("At most %(max)d characters, please.")


class StoreForm(CleanForm):
    name = StringField(_l("Store name"), validators=[DataRequired(_l("Please name the store.")), Length(max=NAME_MAX, message=TOO_LONG)],
                       render_kw={"maxlength": NAME_MAX})
    address = StringField(_l("Address"), validators=[Length(max=ADDRESS_MAX, message=TOO_LONG)],
                          render_kw={"maxlength": ADDRESS_MAX})
    phone = StringField(_l("Store phone"), validators=[Length(max=PHONE_MAX, message=TOO_LONG)],
                        render_kw={"maxlength": PHONE_MAX, "type": "tel"})
    active = BooleanField(_l("Open (its store code works and buyers may pick up orders here)"), default=True)


class StaffForm(CleanForm):
    """Someone the brand knows, by phone; name and password only when the account is new."""

    phone = StringField(_l("Mobile number"), validators=[DataRequired(_l("Please enter a mobile number."))],
                        render_kw={"type": "tel", "maxlength": 20, "autocomplete": "off"})
    role = SelectField(_l("Role"), choices=[SelectChoice(Role.GUIDE.value, _l("Shop guide")),
                                            SelectChoice(Role.STORE_MANAGER.value, _l("Store manager"))])
    name = StringField(_l("Name (new accounts only)"), validators=[Optional(), Length(max=MAX_NAME, message=TOO_LONG)],
                       render_kw={"maxlength": MAX_NAME, "autocomplete": "off"})
    password = PasswordField(_l("Temporary password (new accounts only)"),
                             validators=[Optional(), Length(min=MIN_PASSWORD, max=MAX_PASSWORD,
                                                            message=_l("Between %(min)d and %(max)d characters."))],
                             render_kw={"autocomplete": "new-password", "maxlength": MAX_PASSWORD})

    def validate_phone(self, field):
        if normalize_phone(field.data) is None:
            raise ValidationError(_l("Please enter a valid mobile number."))
