"""The brand admin's withdrawal queue: approve, reject, mark paid (mock payout), mark failed, retry.

Every action is one call to mall.commission.withdrawals with brand_id set to the admin's brand, so even
a forged id cannot reach another brand's money; the service's conditional UPDATE makes a double click
(or two admins at once) decide and pay once.
"""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user

from mall import unit_of_work
from mall.admin.access import admin_brand_id
from mall.admin.personal_data import log_shown, people_fields
from mall.admin.withdrawals.forms import ReasonForm, WithdrawalFilterForm
from mall.admin.withdrawals.queue import STATUSES, withdrawal_of_brand, withdrawal_queue
from mall.clock import utcnow
from mall.commission.withdrawals import (
    DebtOutstanding,
    NotEnoughAvailable,
    WithdrawalError,
    approve_withdrawal,
    fail_withdrawal,
    pay_withdrawal,
    reject_withdrawal,
    retry_withdrawal,
)
from mall.extensions import db
from mall.money import format_fen

bp = Blueprint("withdrawals", __name__, url_prefix="/withdrawals")
PER_PAGE = 20
MAX_PAGE = 10_000
# The service words these for the partner ("your account"); the admin reads about the partner.
ADMIN_MESSAGES = {
    DebtOutstanding: _l("The partner owes a debt from refunds; the payout can be retried once later earnings "
                        "clear it."),
    NotEnoughAvailable: _l("The partner no longer has that much available."),
}


@bp.get("")
def queue():
    return _queue_page(admin_brand_id())


def _queue_page(brand_id: int | None, invalid: ReasonForm | None = None, invalid_key: str | None = None, status=200):
    filters = WithdrawalFilterForm(request.args)
    listing = db.paginate(withdrawal_queue(brand_id, filters.status.data), page=_page_number(), per_page=PER_PAGE,
                          error_out=False)
    # A request may be rejected, an approved payout marked failed; each form has its own prefix so field ids
    # never clash. (The service also lets an approved withdrawal be rejected; the page keeps to one way out.)
    forms = {}
    for withdrawal in listing.items:
        if withdrawal.status == "requested":
            forms[f"reject-{withdrawal.id}"] = ReasonForm(formdata=None, prefix=f"reject-{withdrawal.id}")
        elif withdrawal.status == "approved":
            forms[f"fail-{withdrawal.id}"] = ReasonForm(formdata=None, prefix=f"fail-{withdrawal.id}")
    if invalid is not None:
        forms[invalid_key] = invalid
    html = render_template("admin/withdrawals.html", withdrawals=listing, filters=filters, forms=forms,
                           args=_list_args(), show_brand=brand_id is None, tab="withdrawals")
    people = [w.partner.user for w in listing.items]
    log_shown("withdrawals", brand_id=brand_id, fields=people_fields(people), users=[u.id for u in people],
              subject=f"page {listing.page}")
    return html, status


@bp.post("/<int:withdrawal_id>/approve")
def approve(withdrawal_id: int):
    return _act(withdrawal_id, approve_withdrawal, lambda w: _("Withdrawal of %(amount)s approved.",
                                                               amount=_money(w.amount_fen)))


@bp.post("/<int:withdrawal_id>/pay")
def pay(withdrawal_id: int):
    return _act(withdrawal_id, pay_withdrawal, lambda w: _("Paid out %(amount)s (reference %(ref)s).",
                                                           amount=_money(w.amount_fen - w.fee_fen), ref=w.payout_ref))


@bp.post("/<int:withdrawal_id>/retry")
def retry(withdrawal_id: int):
    return _act(withdrawal_id, retry_withdrawal, lambda w: _("The payout can be tried again: the withdrawal is "
                                                             "approved once more."))


@bp.post("/<int:withdrawal_id>/reject")
def reject(withdrawal_id: int):
    return _act_with_reason(withdrawal_id, "reject", reject_withdrawal,
                            lambda w: _("Withdrawal rejected; %(amount)s is available to the partner again.",
                                        amount=_money(w.amount_fen)))


@bp.post("/<int:withdrawal_id>/fail")
def fail(withdrawal_id: int):
    return _act_with_reason(withdrawal_id, "fail", fail_withdrawal,
                            lambda w: _("Payout marked as failed; %(amount)s is available to the partner again.",
                                        amount=_money(w.amount_fen)))


def _act(withdrawal_id: int, action, done, **kwargs):
    brand_id = admin_brand_id()
    if withdrawal_of_brand(db.session, withdrawal_id, brand_id) is None:
        abort(404)
    try:
        withdrawal = action(db.session, withdrawal_id, by_user_id=current_user.id, now=utcnow(), brand_id=brand_id,
                            **kwargs)
    except WithdrawalError as err:
        unit_of_work.rollback()  # a redirect follows, which would commit
        flash(str(ADMIN_MESSAGES.get(type(err), err.message)), "error")
    else:
        flash(done(withdrawal), "success")
    return redirect(url_for("admin.withdrawals.queue", **_list_args()), code=303)


def _act_with_reason(withdrawal_id: int, key: str, action, done):
    brand_id = admin_brand_id()
    if withdrawal_of_brand(db.session, withdrawal_id, brand_id) is None:
        abort(404)
    form = ReasonForm(prefix=f"{key}-{withdrawal_id}")
    if not form.validate():
        return _queue_page(brand_id, form, f"{key}-{withdrawal_id}", status=422)
    return _act(withdrawal_id, action, done, reason=form.reason.data)


def _money(fen: int) -> str:
    return format_fen(fen, str(get_locale()))


def _page_number() -> int:
    return min(max(request.args.get("page", 1, type=int), 1), MAX_PAGE)


def _list_args() -> dict:
    """The list's filter and page, carried through the action forms so the admin lands where they were."""
    args = {}
    if request.args.get("status") in STATUSES:
        args["status"] = request.args["status"]
    if _page_number() > 1:
        args["page"] = _page_number()
    return args
