"""Forms of the referral pages; becoming a partner needs nothing but a confirmed, CSRF-protected click."""
from flask_babel import lazy_gettext as _l
from wtforms import SubmitField

from mall.clean_form import CleanForm


class JoinForm(CleanForm):
    submit = SubmitField(_l("Become a partner"))
