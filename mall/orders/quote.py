"""What the buy sheet shows as the buyer picks: the chosen option, the quantity, the line and what they pay.

Server-computed with the same price rule as checkout (mall.catalog.pricing), so the sheet never shows a
figure the order would not charge. Pure: product and SKUs in, figures out.
"""
from dataclasses import dataclass
from datetime import datetime

from mall.catalog.pricing import unit_price_fen
from mall.orders.checkout import MAX_LINE_QUANTITY


@dataclass(frozen=True)
class Quote:
    sku_id: int
    sku_name: str
    unit_fen: int
    quantity: int
    stock: int
    asked: int  # the quantity as typed or stepped, before it was brought within 1..the most one can buy

    @property
    def line_fen(self) -> int:
        return self.unit_fen * self.quantity

    @property
    def total_fen(self) -> int:
        # One line, no shipping fee or discount yet: the amount to pay is the line total.
        return self.line_fen

    @property
    def most(self) -> int:
        return max(min(self.stock, MAX_LINE_QUANTITY), 1)

    @property
    def max_line(self) -> int:
        # The input's own limit; stock differs per option, so the server clamps to it and says how many are left.
        return MAX_LINE_QUANTITY

    @property
    def over_stock(self) -> bool:
        return self.asked > self.stock


def quote(product, sku_id: int | None, quantity: int | None, *, now: datetime, step: int = 0,
          prices: dict[int, int] | None = None) -> Quote | None:
    """The figures for this option and quantity (+step); an unknown option falls back to the first in stock.

    `prices` (SKU id -> unit fen) limits the options and sets their price: a live room's shelf item is one
    SKU at the room's price, which its checkout charges. Without it every SKU at its price today.
    """
    skus = [sku for sku in product.skus if prices is None or sku.id in prices]
    chosen = next((sku for sku in skus if sku.id == sku_id), None) \
        or next((sku for sku in skus if sku.stock > 0), None) or (skus[0] if skus else None)
    if chosen is None:
        return None
    asked = (quantity if isinstance(quantity, int) and not isinstance(quantity, bool) else 1) + step
    most = max(min(chosen.stock, MAX_LINE_QUANTITY), 1)
    unit_fen = prices[chosen.id] if prices is not None else unit_price_fen(chosen, product, now)
    return Quote(sku_id=chosen.id, sku_name=chosen.name, unit_fen=unit_fen,
                 quantity=min(max(asked, 1), most), stock=chosen.stock, asked=asked)


def step_of(text: str | None) -> int:
    """The −/+ button pressed: -1, +1, or 0 for anything else."""
    return {"-1": -1, "1": 1, "+1": 1}.get((text or "").strip(), 0)


def quote_for_form(product, form, *, now: datetime, step: int = 0) -> Quote | None:
    """The quote for what the buy sheet's form holds; the form's quantity follows the (clamped) quote."""
    found = quote(product, form.sku_id.data, form.quantity.data, now=now, step=step, prices=form.prices)
    if found is not None:
        form.sku_id.data = found.sku_id
        form.quantity.data = found.quantity  # within 1..what is left: what the figures are for
    return found
