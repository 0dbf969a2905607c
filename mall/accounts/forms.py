"""Sign-in and registration forms; the rules themselves live in services.py."""
from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, PasswordField, StringField, SubmitField
from wtforms.validators import DataRequired, EqualTo, Length, ValidationError

from mall.accounts.services import MAX_EMAIL, MAX_NAME, MAX_PASSWORD, MIN_PASSWORD, InvalidLogin, parse_login
from mall.clean_form import CleanForm


class LoginForm(CleanForm):
    login = StringField(_l("Mobile number or email"),  validators=[DataRequired(_l("Enter your mobile number or email.")), Length(max=MAX_EMAIL)],
                        render_kw={"autocomplete": "username", "autocapitalize": "none"})
    password = PasswordField(_l("Password"), validators=[DataRequired(_l("Enter your password.")),
                                                         Length(max=MAX_PASSWORD)],
                             render_kw={"autocomplete": "current-password"})
    remember = BooleanField(_l("Keep me logged in on this device"))
    submit = SubmitField(_l("Log in"))


class RegisterForm(CleanForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Enter your name.")),
                                   Length(max=MAX_NAME, message=_l("Use at most %(max)d characters."))],
                       render_kw={"autocomplete": "name"})
    login = StringField(_l("Mobile number or email"),  validators=[DataRequired(_l("Enter your mobile number or email.")), Length(max=MAX_EMAIL)],
                        render_kw={"autocomplete": "username", "autocapitalize": "none"})
    password = PasswordField(_l("Password"), validators=[
        DataRequired(_l("Choose a password.")),
        Length(min=MIN_PASSWORD, max=MAX_PASSWORD,
               message=_l("Use between %(min)d and %(max)d characters.")),
    ], render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("Repeat password"), validators=[
        DataRequired(_l("Repeat your password.")),
        EqualTo("password", message=_l("The passwords do not match.")),
    ], render_kw={"autocomplete": "new-password"})
    submit = SubmitField(_l("Create account"))

    def validate_login(self, field):
        if parse_login(field.data) is None:
            raise ValidationError(InvalidLogin.message)


class ChangePasswordForm(CleanForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired(_l("Enter your current password.")),
                                                                Length(max=MAX_PASSWORD)],
                            render_kw={"autocomplete": "current-password"})
    password = PasswordField(_l("New password"), validators=[
        DataRequired(_l("Choose a password.")),
        Length(min=MIN_PASSWORD, max=MAX_PASSWORD,
               message=_l("Use between %(min)d and %(max)d characters.")),
    ], render_kw={"autocomplete": "new-password"})
    confirm = PasswordField(_l("Repeat new password"), validators=[
        DataRequired(_l("Repeat your password.")),
        EqualTo("password", message=_l("The passwords do not match.")),
    ], render_kw={"autocomplete": "new-password"})
    submit = SubmitField(_l("Change password"))


class TokenForm(CleanForm):
    name = StringField(_l("Token name"), validators=[DataRequired(_l("Give the token a name, such as the app using it.")),
                                                     Length(max=60, message=_l("Use at most %(max)d characters."))])
    submit = SubmitField(_l("Create token"))
