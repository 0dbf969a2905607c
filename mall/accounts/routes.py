"""Register, log in and log out; the account page (password, sign out elsewhere, API tokens). Guests can buy
without any of this; accounts keep 'my orders'."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required, logout_user

from mall import unit_of_work
from mall.accounts.api_tokens import PERSONAL, TokenError, active_tokens, create_token, revoke_token
from mall.accounts.forms import ChangePasswordForm, LoginForm, RegisterForm, TokenForm
from mall.accounts.limits import LOGIN_BY_ACCOUNT, REGISTER_BY_ACCOUNT
from mall.accounts.models import Role
from mall.accounts.phone import send_verification, verify_phone
from mall.accounts.security import change_password, sign_out_everywhere
from mall.accounts.services import AccountError, authenticate, register_user
from mall.accounts.sessions import remembered_here, revoke_sessions, sign_in
from mall.clock import utcnow
from mall.extensions import db
from mall.i18n import safe_next
from mall.ratelimits import LOGIN_BY_IP, PASSWORD_CHANGE, REGISTER_BY_IP, limited
from mall.sms.codes import CodeError
from mall.sms.forms import CodeForm
from mall.sms.limits import CODE_CHECK, SMS_BY_IP

bp = Blueprint("accounts", __name__)


def _login_refused(message: str):
    # The form again, with the wait, rather than an error page: the visitor sees what happened and retries here.
    return render_template("accounts/login.html", form=LoginForm(), error=message,
                           next=safe_next(request.args.get("next"))), 429


def _register_refused(message: str):
    return render_template("accounts/register.html", form=RegisterForm(), error=message,
                           next=safe_next(request.args.get("next"))), 429


@bp.route("/login", methods=["GET", "POST"])
@limited(LOGIN_BY_IP, LOGIN_BY_ACCOUNT, refusal=_login_refused)
def login():
    next_url = safe_next(request.args.get("next"))
    if current_user.is_authenticated and request.method == "GET":
        return redirect(next_url)
    form = LoginForm()
    error = None
    if form.validate_on_submit():
        user = authenticate(db.session, form.login.data, form.password.data)
        if user is not None:
            sign_in(db.session, user, remember=form.remember.data)
            return redirect(landing(user, next_url))
        error = _("Wrong mobile number, email or password.")
    return render_template("accounts/login.html", form=form, error=error, next=next_url)


# Where each role works: with no page to go back to, that is where logging in leads.
LANDINGS = {Role.PARTNER: "partner.overview", Role.GUIDE: "partner.overview", Role.STORE_MANAGER: "partner.store",
            Role.BRAND_ADMIN: "admin.home.index", Role.PLATFORM_ADMIN: "admin.home.index"}


def landing(user, next_url: str) -> str:
    """The page the user came from; from the home page (or nowhere) staff go to their work, consumers home."""
    if next_url != "/" or user.role not in LANDINGS:
        return next_url
    return url_for(LANDINGS[user.role])


@bp.route("/register", methods=["GET", "POST"])
@limited(REGISTER_BY_IP, REGISTER_BY_ACCOUNT, refusal=_register_refused)
def register():
    next_url = safe_next(request.args.get("next"))
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = register_user(db.session, login=form.login.data, password=form.password.data,
                                 name=form.name.data, now=utcnow())
        except AccountError as err:
            form[err.field].errors.append(err.message)
        else:
            sign_in(db.session, user)
            flash(_("Welcome, %(name)s! Your account is ready.", name=user.name), "success")
            if user.phone:  # prove the phone, and the orders placed with it as a guest become this account's
                send_verification(db.session, user, now=utcnow())
                return redirect(url_for("accounts.phone", next=next_url if next_url != "/" else None))
            return redirect(next_url)
    return render_template("accounts/register.html", form=form, next=next_url)


@bp.post("/logout")
def logout():
    if current_user.is_authenticated:
        # Logging out ends the session everywhere: a copied session or remember cookie must not outlive it.
        revoke_sessions(current_user)  # committed with the request (its redirect)
    logout_user()
    flash(_("You are logged out."), "success")
    return redirect(url_for("catalog.home"))


@bp.get("/account")
@login_required
def account():
    return _account_page(ChangePasswordForm(formdata=None))


def _password_change_refused(message: str):
    form = ChangePasswordForm(formdata=None)
    form.current.errors = [message]
    return _account_page(form, status=429)


@bp.post("/account/password")
@login_required
@limited(PASSWORD_CHANGE, refusal=_password_change_refused)
def password():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        user, remember = current_user._get_current_object(), remembered_here(current_user)
        try:
            change_password(db.session, user, current=form.current.data, new=form.password.data)
        except AccountError as err:
            form[err.field].errors.append(err.message)
        else:
            sign_in(db.session, user, remember=remember)  # every other device is signed out; this one stays
            flash(_("Password changed. You are signed out on every other device."), "success")
            return redirect(url_for("accounts.account"), code=303)
    return _account_page(form, status=422)


@bp.post("/account/sign-out-elsewhere")
@login_required
def sign_out_elsewhere():
    """The token is renewed (CSRF-checked like every POST) and this browser signed in again with the new one."""
    user, remember = current_user._get_current_object(), remembered_here(current_user)
    sign_out_everywhere(db.session, user)
    sign_in(db.session, user, remember=remember)
    flash(_("You are signed out on every other device."), "success")
    return redirect(url_for("accounts.account"), code=303)


@bp.post("/account/tokens")
@login_required
def create_api_token():
    """The secret is shown on this one page and never again: rendered, not flashed (the flash would put it in
    the session cookie), and only its hash is kept."""
    token_form = TokenForm()
    if token_form.validate_on_submit():
        try:
            _token, secret = create_token(db.session, kind=PERSONAL, name=token_form.name.data,
                                          user_id=current_user.id, created_by_id=current_user.id, now=utcnow())
        except TokenError as err:
            token_form.name.errors.append(err.message)
        else:
            return _account_page(ChangePasswordForm(formdata=None), new_secret=secret)
    return _account_page(ChangePasswordForm(formdata=None), token_form=token_form, status=422)


@bp.post("/account/tokens/<int:token_id>/revoke")
@login_required
def revoke_api_token(token_id: int):
    if not revoke_token(db.session, token_id, user_id=current_user.id, now=utcnow()):
        abort(404)  # another user's token, or one already revoked
    flash(_("The token was revoked: apps using it can no longer sign in with it."), "success")
    return redirect(url_for("accounts.account", _anchor="api-tokens"), code=303)


def _account_page(form: ChangePasswordForm, status: int = 200, *, token_form: TokenForm | None = None,
                  new_secret: str | None = None):
    tokens = active_tokens(db.session, kind=PERSONAL, user_id=current_user.id)
    response = render_template("accounts/account.html", form=form, token_form=token_form or TokenForm(formdata=None),
                               tokens=tokens, new_secret=new_secret), status
    return response


@bp.route("/account/phone", methods=["GET", "POST"])
@login_required
@limited(SMS_BY_IP)
def phone():
    """Verify the account's mobile number: a code is texted to it (again, on POST)."""
    next_url = safe_next(request.args.get("next"))
    if not current_user.phone or current_user.phone_verified_at:
        return redirect(next_url)
    form = CodeForm(data={"phone": current_user.phone})
    if request.method == "POST":
        try:
            send_verification(db.session, current_user, now=utcnow())
        except CodeError as err:
            flash(err.message, "error")
        else:
            flash(_("We sent a code to %(phone)s.", phone=current_user.phone), "success")
        return redirect(url_for("accounts.phone", next=request.args.get("next")), code=303)
    return render_template("accounts/phone.html", form=form, next=next_url)


@bp.post("/account/phone/code")
@login_required
@limited(CODE_CHECK)
def phone_code():
    next_url = safe_next(request.args.get("next"))
    form = CodeForm(data={"phone": current_user.phone})
    form.phone.data = current_user.phone  # only ever the account's own number
    if form.validate_on_submit():
        try:
            verify_phone(db.session, current_user, form.code.data, now=utcnow())
        except CodeError as err:
            unit_of_work.commit()  # the wrong try counts, though the page says it failed
            form.code.errors.append(err.message)
        else:
            flash(_("Your mobile number is verified. Orders placed with it are under My orders."), "success")
            return redirect(next_url if next_url != "/" else url_for("orders.mine"), code=303)
    return render_template("accounts/phone.html", form=form, next=next_url), 422
