"""The guide's daily list (今日跟进) at /partner/today: due follow-ups, one tap to copy, done / skip / later.

Only a shop guide of the brand sees it, with their own bound customers (mall.journeys.daily); every action
names the enrolment and step, and the service refuses one that is not this guide's (nothing changes).
"""
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_timezone
from flask_babel import gettext as _
from flask_login import current_user, login_required

from mall import unit_of_work
from mall.accounts.models import Role
from mall.clock import utcnow
from mall.extensions import db
from mall.journeys.cards import cards
from mall.journeys.daily import FollowUpError, act, due_today
from mall.journeys.tags import TagError, manual_tags, tag_by_guide
from mall.partner.days import day_start_utc, local_date
from mall.partner.queries import membership_for, memberships
from mall.partner.today_forms import CustomerTagForm, FollowUpForm
from mall.referral.partners import ensure_guide_partner

bp = Blueprint("today", __name__, url_prefix="/partner/today")
PER_PAGE = 20
MAX_PAGE = 1000


def _guide():
    """The signed-in guide's partner row for the brand asked for; 404 for anyone else."""
    ensure_guide_partner(db.session, user_id=current_user.id, now=utcnow())  # as the share centre does
    partner = membership_for(memberships(db.session, current_user.id), request.args.get("brand"))
    if partner is None or current_user.role != Role.GUIDE or current_user.brand_id != partner.brand_id:
        abort(404)
    return partner


def _day():
    tz = ZoneInfo(str(get_timezone()))
    today = local_date(utcnow(), tz)
    return today, day_start_utc(today, tz), day_start_utc(today.fromordinal(today.toordinal() + 1), tz)


@bp.get("")
@login_required
def index():
    guide = _guide()
    today, day_start, day_end = _day()
    due = due_today(db.session, guide_id=guide.id, day_end=day_end)
    page = min(max(request.args.get("page", 1, type=int), 1), MAX_PAGE)
    shown = due[(page - 1) * PER_PAGE: page * PER_PAGE]
    brand_args = {"brand": request.args["brand"]} if request.args.get("brand") else {}
    return render_template("partner/today.html", guide=guide, today=today, total=len(due), page=page,
                           pages=max((len(due) + PER_PAGE - 1) // PER_PAGE, 1), brand_args=brand_args,
                           cards=cards(db.session, shown, guide=guide, guide_name=current_user.name,
                                       day_start=day_start),
                           form=FollowUpForm(formdata=None), tags=manual_tags(db.session, guide.brand_id))


@bp.post("/<int:enrolment_id>/<int:step_id>")
@login_required
def follow_up(enrolment_id: int, step_id: int):
    guide = _guide()
    form = FollowUpForm()
    back = url_for("today.index", **({"brand": request.args["brand"]} if request.args.get("brand") else {}))
    if not form.validate():
        return _answer(_("Please choose done, skip or later."), "error", back)
    try:
        changed = act(db.session, guide_id=guide.id, enrolment_id=enrolment_id, step_id=step_id,
                      outcome=form.outcome.data, now=utcnow())
    except FollowUpError as err:
        unit_of_work.rollback()
        return _answer(str(err.message), "error", back)
    if not changed:
        return _answer(_("Already recorded."), "success", back)
    messages = {"done": _("Marked done."), "skipped": _("Skipped."), "later": _("Moved to tomorrow.")}
    return _answer(messages[form.outcome.data], "success", back)


@bp.post("/customers/<int:customer_id>/tags")
@login_required
def tag_customer(customer_id: int):
    guide = _guide()
    back = url_for("today.index", **({"brand": request.args["brand"]} if request.args.get("brand") else {}))
    form = CustomerTagForm().with_tags(manual_tags(db.session, guide.brand_id))
    if not form.validate():
        return _answer(_("Please choose one of your brand's manual tags."), "error", back)
    try:
        tag_by_guide(db.session, guide_id=guide.id, customer_id=customer_id, tag_id=form.tag_id.data,
                     remove=form.remove.data == "1", actor_user_id=current_user.id, now=utcnow())
    except TagError as err:
        unit_of_work.rollback()
        return _answer(str(err.message), "error", back)
    return _answer(_("Tags saved."), "success", back)


def _answer(message: str, category: str, back: str):
    """htmx swaps the card for a one-line note; without JS the list is shown again with the message."""
    if request.headers.get("HX-Request"):  # htmx swaps 2xx answers only: a refusal is said in the card's place
        return render_template("partner/_today_done.html", message=message, category=category)
    flash(message, category)
    return redirect(back, code=303)
