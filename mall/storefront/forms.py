"""Storefront forms: each change is a CSRF-protected POST that works without JavaScript."""
from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, StringField, SubmitField, TextAreaField
from wtforms.validators import Length

from mall.clean_form import CleanForm
from mall.storefront.models import INTRO_MAX, TITLE_MAX


class PickForm(CleanForm):
    product_id = HiddenField()
    next = HiddenField()


TOO_LONG = _l("At most %(max)d characters, please.")


class DetailsForm(CleanForm):
    title = StringField(_l("Storefront title"), validators=[Length(max=TITLE_MAX, message=TOO_LONG)])
    intro = TextAreaField(_l("Introduction"), validators=[Length(max=INTRO_MAX, message=TOO_LONG)])
    submit = SubmitField(_l("Save"))
