"""Forms of the brand admin's pages: orders, re-attribution, withdrawals, partners, customer lookup."""
from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from mall.admin.labels import PARTNER_STATUSES
from mall.clean_form import CleanForm
from mall.commission.plan import REASON_MAX as REATTRIBUTION_REASON_MAX
from mall.commission.withdrawals import REASON_MAX as WITHDRAWAL_REASON_MAX
from mall.orders.contact import normalize_phone
from mall.orders.models import OrderStatus
from mall.orders.refunds import REASON_MAX
from mall.partner.labels import WITHDRAWAL_STATUSES
from mall.templating import STATUS_LABELS

CODE_MAX = 20  # a six-character code, with room for the spaces and dashes people type from a poster


class RejectRefundForm(CleanForm):
    reason = StringField(_l("Reason for the buyer"), validators=[DataRequired(_l("Please tell the buyer why.")),
                                     Length(max=REASON_MAX, message=_l("At most %(max)d characters, please."))],
                         render_kw={"maxlength": REASON_MAX})


class OrderFilterForm(CleanForm):
    """The status filter of the order list (a GET form: nothing changes, so no CSRF token)."""

    class Meta:
        csrf = False

    status = SelectField(_l("Status"), validate_choice=False, choices=[SelectChoice("", _l("All"))] + [
        SelectChoice(status.value, STATUS_LABELS[status.value]) for status in OrderStatus])


class ReattributeForm(CleanForm):
    """Who an unsettled order should credit instead; empty codes and store credit nobody in that role."""

    sharer_code = StringField(_l("Sharer's code"), validators=[Length(max=CODE_MAX, message=_l("That is not a referral code."))],
                              render_kw={"maxlength": CODE_MAX, "autocapitalize": "characters"})
    guide_code = StringField(_l("Shop guide's code"), validators=[Length(max=CODE_MAX, message=_l("That is not a referral code."))],
                             render_kw={"maxlength": CODE_MAX, "autocapitalize": "characters"})
    store = SelectField(_l("Store"), choices=[], default="")
    reason = TextAreaField(_l("Reason (kept in the audit log)"), validators=[DataRequired(_l("Please give a reason for the re-attribution.")),
                                       Length(max=REATTRIBUTION_REASON_MAX,
                                              message=_l("At most %(max)d characters, please."))],
                           render_kw={"maxlength": REATTRIBUTION_REASON_MAX})

    def with_stores(self, stores) -> "ReattributeForm":
        self.store.choices = [SelectChoice("", _l("The guide's store, or none"))] + [
            SelectChoice(str(store.id), store.name) for store in stores]
        return self

    @property
    def store_id(self) -> int | None:
        return int(self.store.data) if self.store.data else None


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


class PartnerFilterForm(CleanForm):
    class Meta:
        csrf = False

    status = SelectField(_l("Status"), validate_choice=False, choices=[SelectChoice("", _l("All"))] + [
        SelectChoice(status, label) for status, label in PARTNER_STATUSES.items()])


class CustomerLookupForm(CleanForm):
    """Find a customer by mobile number (a GET form: it changes nothing)."""

    class Meta:
        csrf = False

    phone = StringField(_l("Customer's mobile number"), render_kw={"type": "tel", "maxlength": 20,
                                                                     "autocomplete": "off"},
                        validators=[DataRequired(_l("Please enter a mobile number."))])

    def validate_phone(self, field):
        if normalize_phone(field.data) is None:
            raise ValidationError(_l("Please enter a valid mobile number."))

    @property
    def normal_phone(self) -> str | None:
        return normalize_phone(self.phone.data)
