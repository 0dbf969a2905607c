"""What a product's ratio override would pay, before it is saved: the admin sees the money, not only percentages."""
from dataclasses import dataclass

from mall.commission.rules import ROLES
from mall.commission.settings import SettingsError, cap_in_force, limit_context, ratio, ratio_problems, settings_for
from mall.money import floor_share

EXAMPLE_ORDER_FEN = 19900  # a product without options yet is priced like the brand's settings page example


@dataclass(frozen=True)
class Preview:
    order_fen: int
    shares: list[tuple[str, int]]  # (role, fen) in the order the page lists them
    errors: list[str]
    max_total_bp: int


def example_order_fen(product) -> int:
    """One unit of the product at its lowest regular price: what the admin thinks of when setting its ratios."""
    prices = [sku.price_fen for sku in product.skus if sku.price_fen]
    return min(prices) if prices else EXAMPLE_ORDER_FEN


def preview_product_ratios(session, product, changes: dict[str, int | None]) -> Preview:
    """The shares of one unit of this product under the brand's ratios with these overrides, or why they are refused."""
    settings = settings_for(session, product.brand_id)
    bps = {role: changes.get(f"{role}_bp") if changes.get(f"{role}_bp") is not None
           else getattr(settings, f"{role}_bp") for role in ROLES}
    problems = ratio_problems(bps, settings.levels, settings.max_total_bp)
    roles = [f"level{n}" for n in range(1, settings.levels + 1)] + ["guide", "store"]
    order_fen = example_order_fen(product)
    shares = [(role, floor_share(order_fen, ratio(bps[role]))) for role in roles]
    refused = SettingsError(problems, limit_context(bps, settings.levels, settings.max_total_bp))
    errors = [m for messages in refused.messages.values() for m in messages] if problems else []
    return Preview(order_fen, shares, list(dict.fromkeys(errors)), cap_in_force(settings.max_total_bp))
