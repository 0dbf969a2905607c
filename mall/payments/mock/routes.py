"""The mock provider's payment page, /mockpay/<charge_id>: what the buyer sees at "the bank".

Test cards are listed in mall/payments/mock/charges.py and on the page itself.
"""
from flask import Blueprint, abort, redirect, render_template
from flask_babel import gettext as _

from mall import unit_of_work
from mall.clock import utcnow
from mall.extensions import db
from mall.payments.mock.charges import Attempt, attempt_charge
from mall.payments.mock.delivery import dispatch
from mall.payments.mock.forms import MockPayForm, card_digits
from mall.payments.mock.models import MockCharge

bp = Blueprint("mockpay", __name__)


@bp.route("/mockpay/<charge_id>", methods=["GET", "POST"])
def pay(charge_id: str):
    charge = db.session.get(MockCharge, charge_id) if len(charge_id) <= 40 else None
    if charge is None:
        abort(404)
    form = MockPayForm()
    if charge.status == "succeeded":
        if form.is_submitted():  # a double click: the first click already paid
            return redirect(charge.return_url, 303)
        return render_template("payments/mock_pay.html", charge=charge, form=None)
    if not form.validate_on_submit():
        return render_template("payments/mock_pay.html", charge=charge, form=form), 422 if form.is_submitted() else 200
    return_url = charge.return_url
    outcome, event_id = attempt_charge(db.session, charge, card_digits=card_digits(form.card_number.data),
                                       now=utcnow())
    if event_id:
        # Committed now, whatever this page answers (a failed attempt is a 402 and still happened), and
        # before the callback is sent: the merchant may be this very database.
        unit_of_work.commit()
        dispatch(event_id)
    if outcome in (Attempt.SUCCEEDED, Attempt.ALREADY_PAID):
        return redirect(return_url, 303)
    problem = None
    if outcome == Attempt.DECLINED:
        form.card_number.errors.append(_("Your card was declined. Try another card."))
    else:
        problem = _("The payment could not be processed and nothing was charged. Please try again.")
    return render_template("payments/mock_pay.html", charge=charge, form=form, problem=problem), 402
