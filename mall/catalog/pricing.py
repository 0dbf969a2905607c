"""What a SKU costs right now: the one place that decides between regular and limited-time price.

Checkout charges unit_price_fen and the product page shows it, so the page never promises a price
the order does not honour.
"""
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True)
class PriceTag:
    """The price to charge and, when it is higher, the crossed-out price shown beside it."""

    current_fen: int
    was_fen: int | None = None

    @property
    def discounted(self) -> bool:
        return self.was_fen is not None


def promo_running(product, now: datetime) -> bool:
    """The limited-time price holds until promo_ends_at (exclusive): at that instant it is over."""
    return product.promo_ends_at is not None and product.promo_ends_at > now


def unit_price_fen(sku, product, now: datetime) -> int:
    """The price one unit of this SKU costs at `now`."""
    promo = sku.promo_price_fen
    # A "limited-time price" above the regular one is a data-entry slip: never charge more for a promotion.
    if promo is not None and promo_running(product, now) and promo < sku.price_fen:
        return promo
    return sku.price_fen


def promo_shown(product, now: datetime) -> bool:
    """Whether to announce a limited-time offer: it runs and lowers the price of at least one SKU."""
    return promo_running(product, now) and any(
        unit_price_fen(sku, product, now) < sku.price_fen for sku in product.skus)


def price_tag(sku, product, now: datetime) -> PriceTag:
    """The current price with the highest higher reference price (list price or, during a promo, the regular one)."""
    current = unit_price_fen(sku, product, now)
    was = max(sku.list_price_fen or 0, sku.price_fen)
    return PriceTag(current, was if was > current else None)


def from_price(product, now: datetime) -> PriceTag | None:
    """The cheapest SKU's tag ("from ¥x"), preferring SKUs in stock; None for a product without SKUs."""
    skus = list(product.skus)
    if not skus:
        return None
    in_stock = [sku for sku in skus if sku.stock > 0] or skus
    return min((price_tag(sku, product, now) for sku in in_stock), key=lambda tag: tag.current_fen)
