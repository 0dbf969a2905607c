"""The product CSV's optional ratio columns: a product's own split ratios in percent, checked against the brand's cap.

A file without these columns leaves every product's ratios alone (files from before they existed still import).
With them, an empty cell means "the brand's ratio" and a number overrides it; a row whose product would then pay
more than the brand's cap in all is an error of that row, reported like any other.
"""
from dataclasses import dataclass
from decimal import Decimal

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select

from mall.admin.rules.forms import percent_to_bp
from mall.catalog.models import Product
from mall.commission.models import ProductRatio
from mall.commission.rules import ROLES
from mall.commission.settings import (
    BP_PER_UNIT,
    RATIO_FIELDS,
    cap_in_force,
    limit_context,
    message,
    settings_for,
    total_bp,
)

RATIO_COLUMNS = tuple(f"{role}_pct" for role in ROLES)  # level1_pct … store_pct, after the export's other columns
BATCH = 500


@dataclass(frozen=True)
class Limits:
    """What a row's ratios are checked against: the brand's own ratios, its levels and its cap."""

    brand_bps: dict[str, int]
    levels: int
    cap_bp: int


def limits_of(session, brand_id: int) -> Limits:
    settings = settings_for(session, brand_id)
    return Limits({role: getattr(settings, f"{role}_bp") for role in ROLES}, settings.levels, settings.max_total_bp)


def percent_cell(bp: int | None) -> str:
    """1250 -> "12.5", None -> "" (the brand's ratio): what the export writes and the import reads back."""
    return "" if bp is None else f"{(Decimal(bp) / 100).normalize():f}"


def current_overrides(session, brand_id: int, codes: set[str]) -> dict[str, dict[str, int | None]]:
    """product code -> its override today (role_bp -> bp or None), for the brand's products named in the file."""
    found: dict[str, dict[str, int | None]] = {}
    listed = sorted(codes)
    for start in range(0, len(listed), BATCH):
        rows = session.execute(select(func.upper(Product.code), ProductRatio)
                               .join(ProductRatio, ProductRatio.product_id == Product.id)
                               .where(Product.brand_id == brand_id,
                                      func.upper(Product.code).in_(listed[start:start + BATCH]))).all()
        found.update({code: {name: getattr(override, name) for name in RATIO_FIELDS} for code, override in rows})
    return found


def parse_ratios(values: dict[str, str], columns: list[str], current: dict[str, int | None] | None,
                 limits: Limits) -> tuple[dict[str, int | None] | None, str]:
    """The product's override after this row (columns absent from the file keep today's value), or why not."""
    changes = dict(current or dict.fromkeys(RATIO_FIELDS))
    for column in columns:
        text = values.get(column, "").strip()
        field = column.removesuffix("_pct") + "_bp"
        if not text:
            changes[field] = None
            continue
        try:
            bp = percent_to_bp(text)
        except ValueError:
            bp = -1
        if not 0 <= bp <= BP_PER_UNIT:
            return None, str(_l("%(column)s must be a percentage such as 12.5, or empty for the brand's ratio.",
                                column=column))
        changes[field] = bp
    merged = {role: changes[f"{role}_bp"] if changes[f"{role}_bp"] is not None else limits.brand_bps[role]
              for role in ROLES}
    if total_bp(merged, limits.levels) > cap_in_force(limits.cap_bp):
        return None, message("total_above_maximum", limit_context(merged, limits.levels, limits.cap_bp))
    return changes, ""
