"""Forms of the withdrawal queue: its status filter, and the reason given when a withdrawal is refused or fails."""
from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Length

from mall.clean_form import CleanForm
from mall.commission.withdrawals import REASON_MAX as WITHDRAWAL_REASON_MAX
from mall.partner.labels import WITHDRAWAL_STATUSES


class ReasonForm(CleanForm):
    """Rejecting a withdrawal or recording a failed payout: the partner is told why."""

    reason = StringField(_l("Reason for the partner"), validators=[DataRequired(_l("Please tell the partner why.")),
                                     Length(max=WITHDRAWAL_REASON_MAX,
                                            message=_l("At most %(max)d characters, please."))],
                         render_kw={"maxlength": WITHDRAWAL_REASON_MAX})


class WithdrawalFilterForm(CleanForm):
    class Meta:
        csrf = False

    status = SelectField(_l("Status"), validate_choice=False, choices=[SelectChoice("", _l("All"))] + [
        SelectChoice(status, label) for status, label in WITHDRAWAL_STATUSES.items()])
