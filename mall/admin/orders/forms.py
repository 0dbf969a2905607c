"""Forms of the brand admin's order pages: the status filter, rejecting a refund, re-attribution."""
from flask_babel import lazy_gettext as _l
from wtforms import SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from mall.admin.orders.filters import REFUNDING
from mall.clean_form import CleanForm
from mall.commission.plan import REASON_MAX as REATTRIBUTION_REASON_MAX
from mall.orders.models import OrderStatus
from mall.orders.refunds import REASON_MAX
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

    status = SelectField(_l("Status"), validate_choice=False, choices=[SelectChoice("", _l("All")),
                                                                        SelectChoice(REFUNDING, _l("Refund pending"))] + [
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
