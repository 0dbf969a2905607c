"""A brand's commission rules: reading them (with defaults), turning them into ratios, and changing them.

Ratios are stored as basis points; a change is validated, audited (who, when, before, after) and applies
to new orders only, because every order's shares are snapshots taken when it was created. The cap on their
total (max_total_bp) is the platform admin's, not the brand's: it is changed only by mall.commission.cap.
"""
import contextlib
from datetime import datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from mall.audit.service import record
from mall.catalog.models import Product
from mall.commission.models import CAP_CEILING_BP, CommissionSettings, ProductRatio
from mall.commission.rules import MAX_LEVELS, ROLES, Ratios, validate_ratios
from mall.referral.attribution import BINDING_MODES, BindingRule

BP_PER_UNIT = 10000
RATIO_FIELDS = tuple(f"{role}_bp" for role in ROLES)  # level1_bp … store_bp
PARTNER_RULES = ("everyone", "approval", "spend")
# Every field a brand admin may change, with the kind of value it takes (not max_total_bp: the platform sets it).
INT_FIELDS = ("levels", *RATIO_FIELDS, "partner_min_spend_fen", "protection_days", "window_days",
              "freeze_days", "auto_complete_days", "withdraw_min_fen", "withdraw_fee_bp",
              "withdraw_daily_limit_fen")
EDITABLE = (*INT_FIELDS, "self_purchase", "partner_rule", "binding_mode")
PRODUCTS_NAMED = 5  # a refusal names this many products, then says how many more

MESSAGES = {
    "levels_out_of_range": _l("Levels must be between 1 and %(max)d.", max=MAX_LEVELS),
    "total_above_maximum": _l("Total commission may not exceed %(cap)s, the most the platform allows this brand; "
                              "these ratios add up to %(total)s."),
    "product_total_above_maximum": _l("With these ratios, these products would pay more than %(cap)s in total: "
                                      "%(products)s. Lower their own ratios first."),
    "not_a_number": _l("Please enter a whole number."),
    "negative": _l("Please enter a number that is not negative."),
    "fee_too_high": _l("The withdrawal fee must be below 100%."),
    "unknown_binding_mode": _l("Unknown binding mode."),
    "unknown_partner_rule": _l("Unknown rule for becoming a partner."),
    "unknown_field": _l("That setting cannot be changed here."),
    "product_unknown": _l("That product does not exist."),
    **{f"{role}_out_of_range": _l("Each ratio must be between 0% and 100%.") for role in ROLES},
}
# Messages that name the cap, the total or products: formatted with the context the refusal carries.
# (They must not hold a literal "%"; the others may, so they are never %-formatted.)
WITH_CONTEXT = {"total_above_maximum", "product_total_above_maximum"}


def message(code: str, context: dict | None = None, messages: dict = MESSAGES,
            with_context: set = WITH_CONTEXT) -> str:
    """The translated message of a problem code, with the cap, total or products it names filled in."""
    text = str(messages.get(code, code))
    return text % context if code in with_context and context else text


def percent_text(bp: int) -> str:
    """2500 -> "25%", 1250 -> "12.5%": how a cap or a total reads in a message."""
    return f"{(Decimal(bp) / 100).normalize():f}%"


def cap_in_force(max_total_bp: int) -> int:
    """The brand's cap, never above the legal ceiling (the check constraint keeps it there; this is belt and braces)."""
    return min(max_total_bp, CAP_CEILING_BP)


def total_bp(bps: dict[str, int], levels: int) -> int:
    """What a set of ratios pays in all, counting only the levels in use."""
    levels = min(max(levels, 1), MAX_LEVELS)
    return sum(bps[f"level{n}"] for n in range(1, levels + 1)) + bps["guide"] + bps["store"]


def limit_context(bps: dict[str, int], levels: int, max_total_bp: int) -> dict[str, str]:
    return {"cap": percent_text(cap_in_force(max_total_bp)), "total": percent_text(total_bp(bps, levels))}


def product_names(products: list[Product]) -> str:
    """ "AB12CD Green tea, …" for a refusal; long lists end with how many more there are."""
    named = ", ".join(f"{p.code} {p.title}" for p in products[:PRODUCTS_NAMED])
    more = len(products) - PRODUCTS_NAMED
    return str(_l("%(names)s and %(count)d more", names=named, count=more)) if more > 0 else named


class SettingsError(Exception):
    """Changes refused; `problems` maps a field (or "" for the whole form) to message codes."""

    def __init__(self, problems: dict[str, list[str]], context: dict | None = None):
        super().__init__(", ".join(f"{k}:{c}" for k, codes in problems.items() for c in codes))
        self.problems = problems
        self.context = context or {}  # the cap, total and products the messages name

    @property
    def messages(self) -> dict[str, list[str]]:
        """The problems as translated, user-facing messages per field."""
        return {field: [message(code, self.context) for code in codes] for field, codes in self.problems.items()}


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


def locked_settings(session, brand_id: int) -> CommissionSettings:
    """The brand's settings, locked until the transaction ends (PostgreSQL; SQLite's writers queue anyway).

    Every change that is checked against the cap takes this lock, so a platform admin lowering the cap and a
    brand admin raising a ratio at the same moment cannot both pass against the old values.
    """
    settings_for(session, brand_id)
    return session.scalars(select(CommissionSettings).where(CommissionSettings.brand_id == brand_id)
                           .with_for_update().execution_options(populate_existing=True)).one()


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
    settings = locked_settings(session, brand_id)
    before = snapshot(settings)
    after = {**before, **_clean(changes)}
    cap = settings.max_total_bp
    problems = _problems(after, cap)
    context = {}
    if problems:
        context = _context_of(after, cap)
    else:
        over = products_over(session, brand_id, {role: after[f"{role}_bp"] for role in ROLES}, after["levels"], cap)
        if over:
            problems = {"": ["product_total_above_maximum"]}
            context = {"cap": percent_text(cap_in_force(cap)), "products": product_names(over)}
    if problems:
        session.rollback()
        raise SettingsError(problems, context)
    for name, value in after.items():
        setattr(settings, name, value)
    settings.updated_at = now
    record(session, action="commission.settings", brand_id=brand_id, actor_id=actor_id, now=now,
           subject=f"brand:{brand_id}", before=_changed(before, after), after=_changed(after, before))
    session.commit()
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
    settings = locked_settings(session, product.brand_id)
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
    context = {}
    if not problems:
        merged = {role: after[f"{role}_bp"] if after[f"{role}_bp"] is not None else getattr(settings, f"{role}_bp")
                  for role in ROLES}
        problems = ratio_problems(merged, settings.levels, settings.max_total_bp)
        context = limit_context(merged, settings.levels, settings.max_total_bp)
    if problems:
        session.rollback()
        raise SettingsError(problems, context)
    for name, value in after.items():
        setattr(override, name, value)
    session.add(override)
    record(session, action="commission.product_ratios", brand_id=product.brand_id, actor_id=actor_id, now=now,
           subject=f"product:{product_id}", before=before, after=after)
    session.commit()
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


def _context_of(values: dict, cap: int) -> dict:
    try:
        return limit_context({role: int(values[f"{role}_bp"]) for role in ROLES}, int(values["levels"]), cap)
    except (TypeError, ValueError):  # a value that is not a number: its own message says so, no total to name
        return {"cap": percent_text(cap_in_force(cap)), "total": "?"}


def _problems(values: dict, cap: int) -> dict[str, list[str]]:
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
    for name, codes in ratio_problems({role: values[f"{role}_bp"] for role in ROLES}, values["levels"],
                                       cap).items():
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


def products_over(session, brand_id: int, brand_bps: dict[str, int], levels: int, cap: int) -> list[Product]:
    """The brand's products whose own ratios (the brand's where they set none) would pay more than the cap."""
    rows = session.execute(select(ProductRatio, Product).join(Product, Product.id == ProductRatio.product_id)
                           .where(Product.brand_id == brand_id).order_by(Product.code)).all()
    limit = cap_in_force(cap)
    over = []
    for override, product in rows:
        merged = {role: getattr(override, f"{role}_bp") if getattr(override, f"{role}_bp") is not None
                  else brand_bps[role] for role in ROLES}
        if total_bp(merged, levels) > limit:
            over.append(product)
    return over
