"""Forms of the referral pages; becoming a partner needs nothing but a confirmed, CSRF-protected click."""
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import SubmitField


class JoinForm(FlaskForm):
    submit = SubmitField(_l("Become a partner"))
