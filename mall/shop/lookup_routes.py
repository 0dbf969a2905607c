"""Finding a guest's orders again by phone: a code by text message, then the list of that phone's orders.

The proven phone is remembered in the signed session for FOUND_FOR; after that, or on another device, the
guest asks for a new code.
"""
from datetime import datetime, timedelta

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_babel import gettext as _
from flask_login import current_user

from mall import unit_of_work
from mall.clock import utcnow
from mall.extensions import db
from mall.orders.guest_orders import guest_orders, open_guest_orders, send_lookup_code
from mall.phones import normalize_phone
from mall.ratelimits import limited
from mall.sms.codes import CodeError
from mall.sms.forms import CodeForm, PhoneForm
from mall.sms.limits import CODE_CHECK, SMS_BY_IP, SMS_BY_PHONE

bp = Blueprint("lookup", __name__)
FOUND_FOR = timedelta(minutes=30)
FOUND_KEY = "orders_found"  # session: {"phone": ..., "until": ISO time}


@bp.route("/orders/find", methods=["GET", "POST"])
@limited(SMS_BY_IP, SMS_BY_PHONE)
def find():
    form = PhoneForm()
    if form.validate_on_submit():
        try:
            send_lookup_code(db.session, phone=form.normalized, now=utcnow())
        except CodeError as err:
            form.phone.errors.append(err.message)
        else:
            flash(_("We sent a code to %(phone)s.", phone=form.normalized), "success")
            return redirect(url_for("lookup.code", phone=form.normalized), code=303)
        return render_template("orders/find.html", form=form), 422
    return render_template("orders/find.html", form=form), 422 if form.errors else 200


@bp.route("/orders/find/code", methods=["GET", "POST"])
@limited(CODE_CHECK)
def code():
    form = CodeForm(data={"phone": normalize_phone(request.args.get("phone")) or ""})
    if form.validate_on_submit():
        try:
            open_guest_orders(db.session, phone=form.normalized, code=form.code.data, now=utcnow())
        except CodeError as err:
            unit_of_work.commit()  # the wrong try counts, though the page says it failed
            form.code.errors.append(err.message)
        else:
            session[FOUND_KEY] = {"phone": form.normalized, "until": (utcnow() + FOUND_FOR).isoformat()}
            return redirect(url_for("lookup.found"), code=303)
    return render_template("orders/find_code.html", form=form), 422 if form.errors else 200


@bp.get("/orders/found")
def found():
    phone = found_phone(session.get(FOUND_KEY), utcnow())
    if phone is None:
        return redirect(url_for("lookup.find"))
    return render_template("orders/found.html", phone=phone, orders=guest_orders(db.session, phone),
                           signed_in=current_user.is_authenticated)


def found_phone(remembered, now: datetime) -> str | None:
    """The phone this browser proved recently, or None."""
    if not isinstance(remembered, dict):
        return None
    try:
        until = datetime.fromisoformat(remembered["until"])
    except (KeyError, TypeError, ValueError):
        return None
    return remembered.get("phone") if until > now else None
