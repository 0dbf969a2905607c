"""The commission rules form: percentages and yuan as people type them, turned into basis points and fen.

The form only converts units; each domain's settings module decides what is allowed (mall.commission.settings,
mall.referral.settings, mall.orders.settings, mall.commission.withdrawal_settings), so a rule is checked in one
place whether it comes from this page or from a script.
"""
import re
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, SelectChoice, SelectField, StringField
from wtforms.fields import IntegerField
from wtforms.validators import InputRequired, NumberRange, ValidationError

from mall.clean_form import CleanForm
from mall.commission.rules import MAX_LEVELS
from mall.money import parse_yuan, yuan
from mall.partner.labels import BINDING_MODES
from mall.referral.settings import PARTNER_RULES

# "10", "12.5", "3.75" (and "12.5%"): at most two decimals, so every value is a whole number of basis points.
PERCENT_RE = re.compile(r"^-?\d{1,3}(\.\d{1,2})?$")
DAYS_MAX = 3650  # ten years: anything longer is a typo (and would not fit the column)
EXAMPLE_FEN = 19900  # the example order the preview prices: ¥199.00

LEVEL_CHOICES = [
    SelectChoice("1", _l("1 level: the sharer")),
    SelectChoice("2", _l("2 levels: the sharer and their inviter")),
    SelectChoice(str(MAX_LEVELS), _l("3 levels: the legal maximum")),
]
PARTNER_RULE_LABELS = {
    "everyone": _l("Anyone may become a partner"),
    "approval": _l("An admin approves each partner"),
    "spend": _l("Customers who have spent a minimum amount"),
}
# Form field -> (settings field, kind): percentages become basis points, yuan become fen.
PERCENT_FIELDS = {"level1": "level1_bp", "level2": "level2_bp", "level3": "level3_bp", "guide": "guide_bp",
                  "store": "store_bp", "withdraw_fee": "withdraw_fee_bp"}
YUAN_FIELDS = {"partner_min_spend": "partner_min_spend_fen", "withdraw_min": "withdraw_min_fen",
               "withdraw_daily_limit": "withdraw_daily_limit_fen"}
DAY_FIELDS = ("protection_days", "window_days", "freeze_days", "auto_complete_days")
# The settings service reports problems by its own field names; the page shows them beside its inputs.
FORM_FIELD = {**{v: k for k, v in PERCENT_FIELDS.items()}, **{v: k for k, v in YUAN_FIELDS.items()}}


def percent_to_bp(text: str) -> int:
    """'12.5' -> 1250 basis points; ValueError unless a plain percentage with at most two decimals."""
    cleaned = (text or "").strip().removesuffix("%").strip()
    if not PERCENT_RE.match(cleaned):
        raise ValueError("not a percentage")
    return int(Decimal(cleaned) * 100)


def bp_to_percent(bp: int) -> str:
    return str((Decimal(bp) / 100).quantize(Decimal("0.01")))


def _percent(form, field):
    try:
        percent_to_bp(field.data)
    except ValueError:
        raise ValidationError(_l("Please enter a percentage with at most two decimals, like 10 or 12.5.")) from None


def _amount(form, field):
    try:
        parse_yuan(field.data)
    except ValueError:
        raise ValidationError(_l("Please enter an amount in yuan, like 10 or 99.50.")) from None


def _whole_number(form, field):
    if not str(field.data or "").strip().isdigit():
        raise ValidationError(_l("Please enter a whole number."))


def _percent_field(label):
    return StringField(label, validators=[_percent], render_kw={"inputmode": "decimal", "maxlength": 7})


def _yuan_field(label):
    return StringField(label, validators=[_amount], render_kw={"inputmode": "decimal", "maxlength": 16})


def _days_field(label):
    return IntegerField(label, validators=[
        InputRequired(_l("Please enter a whole number of days.")),
        NumberRange(min=0, max=DAYS_MAX, message=_l("Please enter between %(min)s and %(max)s days."))],
        render_kw={"inputmode": "numeric", "min": 0, "max": DAYS_MAX})


class RulesForm(CleanForm):
    """Every rule of the brand the admin sets (commission, referral, orders, withdrawals), in the units an admin
    thinks in.

    Not the cap on their total (max_total_bp): the platform admin sets that (mall.admin.brands), and a
    max_total field posted here is ignored, so a brand cannot raise its own cap."""

    levels = SelectField(_l("Commission levels"), choices=LEVEL_CHOICES, validate_choice=False,
                         validators=[_whole_number])
    level1 = _percent_field(_l("Level 1 (the sharer), %"))
    level2 = _percent_field(_l("Level 2 (the sharer's inviter), %"))
    level3 = _percent_field(_l("Level 3, % (used only with 3 levels)"))
    guide = _percent_field(_l("Shop guide, %"))
    store = _percent_field(_l("Store, %"))
    self_purchase = BooleanField(_l("Pay commission on a partner's own purchases (自购返佣)"))
    partner_rule = SelectField(_l("Who may become a partner"), validate_choice=False,
                               choices=[SelectChoice(rule, PARTNER_RULE_LABELS[rule]) for rule in PARTNER_RULES])
    partner_min_spend = _yuan_field(_l("Minimum spend to become a partner, ¥"))
    binding_mode = SelectField(_l("Binding mode"), validate_choice=False,
                               choices=[SelectChoice(mode, label) for mode, label in BINDING_MODES.items()])
    protection_days = _days_field(_l("Binding protection, days"))
    window_days = _days_field(_l("Attribution window, days"))
    freeze_days = _days_field(_l("Freeze after completion, days"))
    auto_complete_days = _days_field(_l("Auto-complete after shipping, days"))
    withdraw_min = _yuan_field(_l("Minimum withdrawal, ¥"))
    withdraw_fee = _percent_field(_l("Withdrawal fee, %"))
    withdraw_daily_limit = _yuan_field(_l("Daily withdrawal limit, ¥"))

    @classmethod
    def from_settings(cls, settings: dict) -> "RulesForm":
        """The form showing the brand's settings, as the domains name them (every domain's snapshot in one)."""
        data = {"levels": str(settings["levels"]), "self_purchase": settings["self_purchase"],
                "partner_rule": settings["partner_rule"], "binding_mode": settings["binding_mode"],
                **{name: settings[name] for name in DAY_FIELDS},
                **{name: bp_to_percent(settings[column]) for name, column in PERCENT_FIELDS.items()},
                **{name: str(yuan(settings[column])) for name, column in YUAN_FIELDS.items()}}
        return cls(formdata=None, data=data)

    def changes(self) -> dict:
        """The settings as the domains name them, all in one (call after validate())."""
        return {"levels": self.levels.data, "self_purchase": bool(self.self_purchase.data),
                "partner_rule": self.partner_rule.data, "binding_mode": self.binding_mode.data,
                **{name: getattr(self, name).data for name in DAY_FIELDS},
                **{column: percent_to_bp(getattr(self, name).data) for name, column in PERCENT_FIELDS.items()},
                **{column: parse_yuan(getattr(self, name).data) for name, column in YUAN_FIELDS.items()}}

    def show_problems(self, messages: dict[str, list[str]]) -> list[str]:
        """Put the service's messages beside their inputs; returns those that belong to the whole form."""
        general = []
        for name, texts in messages.items():
            field = getattr(self, FORM_FIELD.get(name, name), None) if name else None
            if field is None or not hasattr(field, "errors"):
                general.extend(texts)
            else:
                field.errors = [*field.errors, *texts]
        return general
