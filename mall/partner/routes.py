"""Dashboard pages: partners (overview, orders, team, withdrawals), guides' customers, store managers' store.

Views only pick the partner membership, parse filters and hand over to the read queries; the one
write, a withdrawal request, is mall.commission.withdrawals.request_withdrawal.
"""
from datetime import timedelta
from functools import lru_cache
from zoneinfo import ZoneInfo

from babel.dates import format_date
from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import get_locale, get_timezone
from flask_babel import gettext as _
from flask_login import current_user, login_required

from mall import unit_of_work
from mall.accounts.models import Role
from mall.clock import utcnow
from mall.commission.withdrawals import WithdrawalError, request_withdrawal, withdrawal_terms
from mall.extensions import db
from mall.money import format_fen
from mall.partner.customers import active_guide_bindings, bound_customers
from mall.partner.days import day_range_utc, local_date
from mall.partner.export import csv_lines
from mall.partner.forms import DateRangeForm, OrderFilterForm, WithdrawalForm
from mall.partner.labels import label, percent
from mall.partner.order_cards import attributed_orders, order_cards
from mall.partner.pages import keyset_page, parse_cursor
from mall.partner.queries import earnings_chart, membership_for, memberships, totals
from mall.partner.store import follow_ups, store_report
from mall.partner.team import team
from mall.partner.withdrawals import progress, withdrawals_of
from mall.ratelimits import WITHDRAWAL, limited
from mall.templating import locale_code

bp = Blueprint("partner", __name__, url_prefix="/partner")
PER_PAGE = 10
MAX_PAGE = 10_000
CHART_DAYS = 30
FOLLOW_UP_DAYS = 7  # without a chosen period, the store page counts the last week's follow-ups


@bp.app_template_filter("commission_label")
def _label_filter(code, table):
    return label(code, table)


@bp.app_template_filter("bp_percent")
def _percent_filter(bp_value):
    return percent(bp_value)


@bp.app_template_filter("day")
def _day_filter(day):
    # The chart names each of its 30 days twice; Babel takes ~0.1 ms a date, so a dashboard spent 6 ms on it.
    return _day_text(day, str(get_locale()))


@lru_cache(maxsize=4096)
def _day_text(day, locale: str) -> str:
    return format_date(day, "medium", locale=locale)


def _tz() -> ZoneInfo:
    # Flask-Babel hands out pytz zones, which give wrong offsets with datetime.combine; zoneinfo does not.
    return ZoneInfo(str(get_timezone()))


def _page_number() -> int:
    return min(max(request.args.get("page", 1, type=int), 1), MAX_PAGE)


def _membership():
    """The current user's partner row for the brand asked for (?brand=slug); 404 if they are none."""
    partners = memberships(db.session, current_user.id)
    partner = membership_for(partners, request.args.get("brand"))
    if partner is None:
        abort(404)
    return partner, partners


def _is_guide(partner) -> bool:
    return current_user.role == Role.GUIDE and current_user.brand_id == partner.brand_id


def _render(template: str, partner, partners, tab: str, **context):
    # With several brands every tab link carries the brand, so switching tabs never switches brand.
    brand_args = {"brand": partner.brand.slug} if len(partners) > 1 else {}
    return render_template(template, partner=partner, partners=partners, tab=tab, brand_args=brand_args,
                           is_guide=_is_guide(partner), **context)


def _fragment_or_page(fragment: str, full_page: str, **context):
    """htmx asks for the list only; a plain request (no JS, reload, shared link) gets the whole page.

    When htmx restores a pushed URL missing from its history cache it asks again with HX-Request set,
    but swaps the answer into the whole body: that request must get the whole page too.
    """
    if request.headers.get("HX-Request") and not request.headers.get("HX-History-Restore-Request"):
        response = make_response(render_template(fragment, **context))
    else:
        response = make_response(_render(full_page, **context))
    response.vary.add("HX-Request")  # the same URL serves both: caches must not mix them up
    return response


@bp.get("")
@login_required
def overview():
    partner, partners = _membership()
    chart = earnings_chart(db.session, partner, now=utcnow(), tz=_tz(), days=CHART_DAYS)
    return _render("partner/overview.html", partner, partners, "overview",
                   totals=totals(db.session, partner), chart=chart)


@bp.get("/orders")
@login_required
def orders():
    partner, partners = _membership()
    form = OrderFilterForm(formdata=request.args)
    form.validate()
    query = attributed_orders(partner.id, form.to_filter(), _tz())
    page = keyset_page(db.session, query, after=parse_cursor(request.args.get("after")),
                       before=parse_cursor(request.args.get("before")), per_page=PER_PAGE)
    return _fragment_or_page("partner/_orders.html", "partner/orders.html", partner=partner, partners=partners,
                             tab="orders", form=form, page=page,
                             cards=order_cards(db.session, partner.id, page.items), args=_filter_args(form))


def _filter_args(form: OrderFilterForm) -> dict:
    """The filters as query arguments for pager and export links (invalid ones are dropped)."""
    flt = form.to_filter()
    args = {"status": flt.status, "date_from": flt.first and flt.first.isoformat(),
            "date_to": flt.last and flt.last.isoformat(), "brand": request.args.get("brand")}
    return {key: value for key, value in args.items() if value}


@bp.get("/orders.csv")
@login_required
def orders_csv():
    partner, _partners = _membership()
    form = OrderFilterForm(formdata=request.args)
    form.validate()
    lines = csv_lines(db.session, partner.id, form.to_filter(), _tz())
    filename = f"commission-{partner.brand.slug}-{local_date(utcnow(), _tz()).isoformat()}.csv"
    return Response(stream_with_context(lines), mimetype="text/csv",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"',
                             "Cache-Control": "no-store"})


@bp.get("/team")
@login_required
def team_page():
    partner, partners = _membership()
    members = team(db.session, partner)
    return _render("partner/team.html", partner, partners, "team", members=members,
                   level1=[m for m in members if m.level == 1], level2=[m for m in members if m.level == 2],
                   idle=[m for m in members if m.idle])


@bp.route("/withdrawals", methods=["GET", "POST"])
@login_required
@limited(WITHDRAWAL)
def withdrawals():
    partner, partners = _membership()
    form = WithdrawalForm()
    error = None
    if form.validate_on_submit():
        error = _request_withdrawal(partner, form)
        if error is None:
            flash(_("Your withdrawal request was sent."), "success")
            return redirect(url_for("partner.withdrawals", **_brand_arg()), code=303)
    status = 422 if request.method == "POST" else 200
    form.fresh_key()
    page = db.paginate(withdrawals_of(partner.id), page=_page_number(), per_page=PER_PAGE, error_out=False)
    terms = withdrawal_terms(db.session, partner_id=partner.id, brand_id=partner.brand_id, now=utcnow())
    return _render("partner/withdrawals.html", partner, partners, "withdrawals", form=form, error=error,
                   page=page, progress=progress, totals=totals(db.session, partner), terms=terms), status


def _request_withdrawal(partner, form: WithdrawalForm) -> str | None:
    """Ask the ledger for a withdrawal; the error message to show, or None when it was accepted."""
    try:
        request_withdrawal(db.session, partner_id=partner.id, amount_fen=form.amount_fen,
                           request_key=form.request_key.data, now=utcnow())
    except WithdrawalError as err:
        unit_of_work.rollback()  # the form is shown again with the reason
        return err.text(lambda fen: format_fen(fen, locale_code()))
    return None


def _brand_arg() -> dict:
    brand = request.args.get("brand")
    return {"brand": brand} if brand else {}


@bp.get("/customers")
@login_required
def customers():
    partner, partners = _membership()
    if not _is_guide(partner):
        abort(404)
    page = db.paginate(active_guide_bindings(partner.id, utcnow()), page=_page_number(), per_page=20,
                       error_out=False)
    return _render("partner/customers.html", partner, partners, "customers", page=page,
                   customers=bound_customers(db.session, page.items))


@bp.get("/store")
@login_required
def store():
    if current_user.role != Role.STORE_MANAGER or current_user.store is None:
        abort(404)  # not "forbidden": other people need not learn the page exists
    form = DateRangeForm(formdata=request.args)
    form.validate()
    start, end = day_range_utc(*form.dates(), _tz())
    report = store_report(db.session, current_user.store, start=start, end=end)
    now = utcnow()
    follow = follow_ups(db.session, current_user.store, since=start or now - timedelta(days=FOLLOW_UP_DAYS), now=now)
    return render_template("partner/store.html", form=form, report=report, follow_ups=follow)
