"""A brand's commission rules: reading them (with defaults), turning them into ratios, and changing them.

Ratios are stored as basis points; a change is validated, audited (who, when, before, after) and applies
to new orders only, because every order's shares are snapshots taken when it was created.
"""
import contextlib
from datetime import datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from mall.audit.service import record
from mall.catalog.models import Product
from mall.commission.models import CommissionSettings, ProductRatio
from mall.commission.rules import MAX_LEVELS, ROLES, Ratios, validate_ratios
from mall.referral.attribution import BINDING_MODES, BindingRule

BP_PER_UNIT = 10000
RATIO_FIELDS = tuple(f"{role}_bp" for role in ROLES)  # level1_bp … store_bp
PARTNER_RULES = ("everyone", "approval", "spend")
# Every field an admin may change, with the kind of value it takes.
INT_FIELDS = ("levels", *RATIO_FIELDS, "max_total_bp", "partner_min_spend_fen", "protection_days", "window_days",
              "freeze_days", "auto_complete_days", "withdraw_min_fen", "withdraw_fee_bp",
              "withdraw_daily_limit_fen")
EDITABLE = (*INT_FIELDS, "self_purchase", "partner_rule", "binding_mode")

MESSAGES = {
    "levels_out_of_range": _l("Levels must be between 1 and %(max)d.", max=MAX_LEVELS),
    "total_above_maximum": _l("The ratios add up to more than the maximum total."),
    "product_total_above_maximum": _l("A product's own ratios would add up to more than the maximum total."),
    "not_a_number": _l("Please enter a whole number."),
    "negative": _l("Please enter a number that is not negative."),
    "fee_too_high": _l("The withdrawal fee must be below 100%."),
    "max_total_out_of_range": _l("The maximum total must be between 0% and 100%."),
    "unknown_binding_mode": _l("Unknown binding mode."),
    "unknown_partner_rule": _l("Unknown rule for becoming a partner."),
    "unknown_field": _l("That setting cannot be changed here."),
    "product_unknown": _l("That product does not exist."),
    **{f"{role}_out_of_range": _l("Each ratio must be between 0% and 100%.") for role in ROLES},
}


class SettingsError(Exception):
    """Changes refused; `problems` maps a field (or "" for the whole form) to message codes."""

    def __init__(self, problems: dict[str, list[str]]):
        super().__init__(", ".join(f"{k}:{c}" for k, codes in problems.items() for c in codes))
        self.problems = problems

    @property
    def messages(self) -> dict[str, list[str]]:
        """The problems as translated, user-facing messages per field."""
        return {field: [str(MESSAGES.get(code, code)) for code in codes] for field, codes in self.problems.items()}


def settings_for(session, brand_id: int) -> CommissionSettings:
    """The brand's settings, created with the defaults on first use (safe when two requests race)."""
    found = session.get(CommissionSettings, brand_id)
    if found is not None:
        return found
    try:
        with session.begin_nested():
            created = CommissionSettings(brand_id=brand_id)
            session.add(created)
        return created
    except IntegrityError:  # another request created it first
        return session.scalars(select(CommissionSettings).where(CommissionSettings.brand_id == brand_id)
                               .execution_options(populate_existing=True)).one()


def ratio(bp: int) -> Decimal:
    """Basis points as an exact fraction: 1000 -> Decimal("0.1")."""
    return Decimal(bp) / BP_PER_UNIT


def ratio_bps(session, settings: CommissionSettings, product_id: int | None) -> dict[str, int]:
    """role -> basis points for one product: its own override where set, else the brand's."""
    override = session.get(ProductRatio, product_id) if product_id is not None else None
    bps = {}
    for role in ROLES:
        own = getattr(override, f"{role}_bp") if override is not None else None
        bps[role] = own if own is not None else getattr(settings, f"{role}_bp")
    return bps


def ratios_for_product(session, settings: CommissionSettings, product_id: int | None) -> Ratios:
    """The split ratios in force for one product of the brand."""
    return Ratios(**{role: ratio(bp) for role, bp in ratio_bps(session, settings, product_id).items()})


def binding_rule(settings: CommissionSettings) -> BindingRule:
    return BindingRule(mode=settings.binding_mode, protection_days=settings.protection_days,
                       window_days=settings.window_days)


def save_settings(session, brand_id: int, changes: dict, *, actor_id: int | None, now: datetime) -> CommissionSettings:
    """Validate and apply changes to the brand's rules, audited in the same transaction; raises SettingsError."""
    settings = settings_for(session, brand_id)
    before = snapshot(settings)
    after = {**before, **_clean(changes)}
    problems = _problems(after)
    if not problems:
        problems = _product_problems(session, brand_id, after)
    if problems:
        raise SettingsError(problems)
    for name, value in after.items():
        setattr(settings, name, value)
    settings.updated_at = now
    record(session, action="commission.settings", brand_id=brand_id, actor_id=actor_id, now=now,
           subject=f"brand:{brand_id}", before=_changed(before, after), after=_changed(after, before))
    return settings


def save_product_ratios(session, product_id: int, changes: dict, *, actor_id: int | None,
                        now: datetime) -> ProductRatio:
    """Override (or, with None, clear) a product's ratios within the brand's maximum; audited; raises SettingsError."""
    product = session.get(Product, product_id)
    if product is None:
        raise SettingsError({"": ["product_unknown"]})
    unknown = [name for name in changes if name not in RATIO_FIELDS]
    if unknown:
        raise SettingsError({name: ["unknown_field"] for name in unknown})
    settings = settings_for(session, product.brand_id)
    override = session.get(ProductRatio, product_id) or ProductRatio(product_id=product_id)
    before = {name: getattr(override, name) for name in RATIO_FIELDS}
    after = dict(before)
    problems: dict[str, list[str]] = {}
    for name, value in changes.items():
        if value is None or value == "":
            after[name] = None
            continue
        try:
            after[name] = _as_int(value)
        except ValueError:
            problems.setdefault(name, []).append("not_a_number")
    if not problems:
        merged = {role: after[f"{role}_bp"] if after[f"{role}_bp"] is not None else getattr(settings, f"{role}_bp")
                  for role in ROLES}
        problems = ratio_problems(merged, settings.levels, settings.max_total_bp)
    if problems:
        raise SettingsError(problems)
    for name, value in after.items():
        setattr(override, name, value)
    session.add(override)
    record(session, action="commission.product_ratios", brand_id=product.brand_id, actor_id=actor_id, now=now,
           subject=f"product:{product_id}", before=before, after=after)
    return override


def snapshot(settings: CommissionSettings) -> dict:
    return {name: getattr(settings, name) for name in EDITABLE}


def _changed(mine: dict, other: dict) -> dict:
    return {k: v for k, v in mine.items() if other.get(k) != v}


def _as_int(value) -> int:
    if isinstance(value, bool):
        raise ValueError("not a number")
    if isinstance(value, int):
        return value
    text = str(value).strip()
    if not text.lstrip("-").isdigit():
        raise ValueError("not a number")
    return int(text)


def _clean(changes: dict) -> dict:
    """Coerce form values; values that cannot be coerced are kept so _problems reports them."""
    cleaned = {}
    for name, value in changes.items():
        if name in INT_FIELDS:
            with contextlib.suppress(ValueError):  # kept as typed: _problems names the field
                value = _as_int(value)
        elif name == "self_purchase":
            value = value in (True, "1", "true", "on", "y", "yes")
        cleaned[name] = value
    return cleaned


def _problems(values: dict) -> dict[str, list[str]]:
    problems: dict[str, list[str]] = {}

    def add(name, code):
        problems.setdefault(name, []).append(code)

    for name in values:
        if name not in EDITABLE:
            add(name, "unknown_field")
    for name in INT_FIELDS:
        if not isinstance(values.get(name), int):
            add(name, "not_a_number")
        elif values[name] < 0:
            add(name, "negative")
    if values.get("binding_mode") not in BINDING_MODES:
        add("binding_mode", "unknown_binding_mode")
    if values.get("partner_rule") not in PARTNER_RULES:
        add("partner_rule", "unknown_partner_rule")
    if problems:
        return problems
    if values["withdraw_fee_bp"] >= BP_PER_UNIT:
        add("withdraw_fee_bp", "fee_too_high")
    if values["max_total_bp"] > BP_PER_UNIT:
        add("max_total_bp", "max_total_out_of_range")
    for name, codes in ratio_problems({role: values[f"{role}_bp"] for role in ROLES}, values["levels"],
                                       values["max_total_bp"]).items():
        for code in codes:
            add(name, code)
    return problems


def ratio_problems(bps: dict[str, int], levels: int, max_total_bp: int) -> dict[str, list[str]]:
    codes = validate_ratios(Ratios(**{role: ratio(bp) for role, bp in bps.items()}), levels=levels,
                            max_total=ratio(max_total_bp))
    problems: dict[str, list[str]] = {}
    for code in codes:
        field = {"levels_out_of_range": "levels", "total_above_maximum": ""}.get(
            code, code.replace("_out_of_range", "_bp"))
        problems.setdefault(field, []).append(code)
    return problems


def _product_problems(session, brand_id: int, values: dict) -> dict[str, list[str]]:
    """A lower maximum or a new level count must not leave a product's own ratios above the maximum."""
    overrides = session.scalars(select(ProductRatio).join(Product, Product.id == ProductRatio.product_id)
                                .where(Product.brand_id == brand_id)).all()
    for override in overrides:
        merged = {role: getattr(override, f"{role}_bp") if getattr(override, f"{role}_bp") is not None
                  else values[f"{role}_bp"] for role in ROLES}
        if ratio_problems(merged, values["levels"], values["max_total_bp"]):
            return {"max_total_bp": ["product_total_above_maximum"]}
    return {}
