"""A brand's commission rules: reading them (with defaults), turning them into ratios, and changing them.

Ratios are stored as basis points; a change is validated, audited (who, when, before, after) and applies
to new orders only, because every order's shares are snapshots taken when it was created. The cap on their
total (max_total_bp) is the platform admin's, not the brand's: it is changed only by mall.commission.cap.
The brand's other rules live with their own domains (see mall.brand_settings).
"""
from datetime import datetime
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from mall import brand_settings
from mall.audit.service import record
from mall.brand_settings import as_int, changed, clean_ints, int_problems, locked_row, row_for
from mall.catalog.models import Product
from mall.commission.models import CAP_CEILING_BP, CommissionSettings, ProductRatio
from mall.commission.rules import MAX_LEVELS, ROLES, Ratios, validate_ratios

BP_PER_UNIT = 10000
RATIO_FIELDS = tuple(f"{role}_bp" for role in ROLES)  # level1_bp … store_bp
# Every field a brand admin may change, with the kind of value it takes (not max_total_bp: the platform sets it).
INT_FIELDS = ("levels", *RATIO_FIELDS, "freeze_days")
EDITABLE = (*INT_FIELDS, "self_purchase")
PRODUCTS_NAMED = 5  # a refusal names this many products, then says how many more

MESSAGES = {
    **brand_settings.MESSAGES,
    "levels_out_of_range": _l("Levels must be between 1 and %(max)d.", max=MAX_LEVELS),
    "total_above_maximum": _l("Total commission may not exceed %(cap)s, the most the platform allows this brand; "
                              "these ratios add up to %(total)s."),
    "product_total_above_maximum": _l("With these ratios, these products would pay more than %(cap)s in total: "
                                      "%(products)s. Lower their own ratios first."),
    "product_unknown": _l("That product does not exist."),
    **{f"{role}_out_of_range": _l("Each ratio must be between 0% and 100%.") for role in ROLES},
}
# Messages that name the cap, the total or products: formatted with the context the refusal carries.
# (They must not hold a literal "%"; the others may, so they are never %-formatted.)
WITH_CONTEXT = {"total_above_maximum", "product_total_above_maximum"}


def message(code: str, context: dict | None = None, messages: dict = MESSAGES,
            with_context: set = WITH_CONTEXT) -> str:
    """The translated message of a problem code, with the cap, total or products it names filled in."""
    return brand_settings.message(code, context, messages, with_context)


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


class SettingsError(brand_settings.SettingsError):
    """Commission rules refused; the context holds the cap, total and products the messages name."""

    MESSAGES = MESSAGES
    WITH_CONTEXT = frozenset(WITH_CONTEXT)


def settings_for(session, brand_id: int) -> CommissionSettings:
    """The brand's settings, created with the defaults on first use (safe when two requests race)."""
    return row_for(session, CommissionSettings, brand_id)


def locked_settings(session, brand_id: int) -> CommissionSettings:
    """The brand's settings, locked until the transaction ends (PostgreSQL; SQLite's writers queue anyway).

    Every change that is checked against the cap takes this lock, so a platform admin lowering the cap and a
    brand admin raising a ratio at the same moment cannot both pass against the old values.
    """
    return locked_row(session, CommissionSettings, brand_id)


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


def check_settings(session, brand_id: int, changes: dict) -> SettingsError | None:
    """Why these changes would be refused, or None; writes nothing (a page saving several domains asks first).

    save_settings checks again under the lock: the cap may have moved in between."""
    settings = settings_for(session, brand_id)
    return _refusal(session, brand_id, {**snapshot(settings), **_clean(changes)}, settings.max_total_bp)


def save_settings(session, brand_id: int, changes: dict, *, actor_id: int | None, now: datetime) -> CommissionSettings:
    """Validate and apply changes to the brand's rules, audited in the same transaction; raises SettingsError."""
    settings = locked_settings(session, brand_id)
    before = snapshot(settings)
    after = {**before, **_clean(changes)}
    refused = _refusal(session, brand_id, after, settings.max_total_bp)
    if refused is not None:
        session.rollback()
        raise refused
    for name, value in after.items():
        setattr(settings, name, value)
    settings.updated_at = now
    record(session, action="commission.settings", brand_id=brand_id, actor_id=actor_id, now=now,
           subject=f"brand:{brand_id}", before=changed(before, after), after=changed(after, before))
    session.commit()
    return settings


def _refusal(session, brand_id: int, after: dict, cap: int) -> SettingsError | None:
    problems = _problems(after, cap)
    context = {}
    if problems:
        context = _context_of(after, cap)
    else:
        over = products_over(session, brand_id, {role: after[f"{role}_bp"] for role in ROLES}, after["levels"], cap)
        if over:
            problems = {"": ["product_total_above_maximum"]}
            context = {"cap": percent_text(cap_in_force(cap)), "products": product_names(over)}
    return SettingsError(problems, context) if problems else None


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
            after[name] = as_int(value)
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


def _clean(changes: dict) -> dict:
    """Coerce form values; values that cannot be coerced are kept so _problems reports them."""
    cleaned = clean_ints(changes, INT_FIELDS)
    if "self_purchase" in cleaned:
        cleaned["self_purchase"] = cleaned["self_purchase"] in (True, "1", "true", "on", "y", "yes")
    return cleaned


def _context_of(values: dict, cap: int) -> dict:
    try:
        return limit_context({role: int(values[f"{role}_bp"]) for role in ROLES}, int(values["levels"]), cap)
    except (TypeError, ValueError):  # a value that is not a number: its own message says so, no total to name
        return {"cap": percent_text(cap_in_force(cap)), "total": "?"}


def _problems(values: dict, cap: int) -> dict[str, list[str]]:
    problems = int_problems(values, EDITABLE, INT_FIELDS)
    if problems:
        return problems
    for name, codes in ratio_problems({role: values[f"{role}_bp"] for role in ROLES}, values["levels"],
                                       cap).items():
        problems.setdefault(name, []).extend(codes)
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
