""""Sign out everywhere" for an admin: a lost phone, a guide who left, an account that looks taken over.

A platform admin may do it for anyone; a brand admin for the brand's staff, admins and partners, and anyone
else is simply not found (404). The rule and the audit entry live in mall.accounts.security.
"""
from flask import Blueprint, abort, flash, redirect, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from mall.accounts.security import admin_sign_out_everywhere
from mall.admin.access import admin_brand_id
from mall.clock import utcnow
from mall.extensions import db
from mall.i18n import safe_next
from mall.referral.members import user_of_brand

bp = Blueprint("users", __name__, url_prefix="/users")


@bp.post("/<int:account_id>/sign-out-everywhere")
def sign_out_everywhere(account_id: int):
    brand_id = admin_brand_id()
    user = user_of_brand(db.session, account_id, brand_id) or abort(404)
    admin_sign_out_everywhere(db.session, user, brand_id=brand_id, actor_id=current_user.id, now=utcnow())
    flash(_("%(name)s is signed out on every device.", name=user.name), "success")
    back = request.form.get("next")  # the page the button was on
    return redirect(safe_next(back) if back else url_for("admin.orders.index"), code=303)
