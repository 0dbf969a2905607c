"""The product page's read side: offers, stock, promo clock, pickup stores and social proof."""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from mall.catalog.models import Product, Store
from mall.catalog.pricing import PriceTag, from_price, price_tag, promo_shown
from mall.money import yuan
from mall.orders.models import Order, OrderLine, OrderStatus
from mall.privacy import mask_name

# Below this many units in total the page warns that stock is running out.
LOW_STOCK = 10
RECENT_ORDERS_SHOWN = 5
# Orders that really happened: paid at some point. Refunded ones were real purchases too;
# unpaid and cancelled ones never were, so they must not pose as social proof.
SOLD_STATUSES = (OrderStatus.PAID, OrderStatus.SHIPPED, OrderStatus.COMPLETED, OrderStatus.REFUNDED)


@dataclass(frozen=True)
class SkuOffer:
    id: int
    name: str
    price: PriceTag
    stock: int

    @property
    def sold_out(self) -> bool:
        return self.stock <= 0


@dataclass(frozen=True)
class RecentOrder:
    """One line of social proof: the buyer's masked name (PIPL) and when they ordered."""

    name: str
    at: datetime


def normalise_code(code: str | None) -> str:
    """Codes are upper-case; people type them in any case from a poster or a chat."""
    return (code or "").strip().upper()


def published_product_by_code(session, code: str | None) -> Product | None:
    """The published product behind a short code (any case), with its SKUs, images and brand loaded."""
    code = normalise_code(code)
    if not code or len(code) > Product.code.type.length:
        return None
    return session.scalar(
        select(Product)
        .where(Product.code == code, Product.published.is_(True))
        .options(selectinload(Product.skus), selectinload(Product.images), joinedload(Product.brand))
    )


def product_page_context(session, product: Product, *, now: datetime) -> dict:
    """Everything templates/catalog/product.html needs except the checkout form."""
    skus = [SkuOffer(sku.id, sku.name, price_tag(sku, product, now), sku.stock) for sku in product.skus]
    price = from_price(product, now)
    promo = promo_shown(product, now)
    stock_left = sum(max(offer.stock, 0) for offer in skus)
    stores = session.scalars(
        select(Store).where(Store.brand_id == product.brand_id, Store.active.is_(True)).order_by(Store.id)
    ).all()
    return {
        "product": product,
        "brand": product.brand,
        "images": [image.path for image in product.images],
        "skus": skus,
        "price": price,
        # product:price:amount wants a plain decimal ("128.00"), not a formatted string.
        "price_amount": str(yuan(price.current_fen)) if price else "",
        "promo_ends_at": product.promo_ends_at if promo else None,
        "promo_seconds_left": int((product.promo_ends_at - now).total_seconds()) if promo else 0,
        "stock_left": stock_left,
        "low_stock": 0 < stock_left <= LOW_STOCK,
        "stores": stores,
        "recent_orders": recent_orders(session, product.id),
        "sold_count": units_sold(session, product.id),
    }


def recent_orders(session, product_id: int, limit: int = RECENT_ORDERS_SHOWN) -> list[RecentOrder]:
    """The latest real orders containing this product, newest first, one entry per order."""
    rows = session.execute(
        select(Order.contact_name, Order.created_at)
        .where(Order.status.in_(SOLD_STATUSES),
               Order.id.in_(select(OrderLine.order_id).where(OrderLine.product_id == product_id)))
        .order_by(Order.created_at.desc(), Order.id.desc())
        .limit(limit)
    ).all()
    return [RecentOrder(mask_name(name), at) for name, at in rows]


def units_sold(session, product_id: int) -> int:
    """Units of this product in real orders."""
    total = session.scalar(
        select(func.coalesce(func.sum(OrderLine.quantity), 0))
        .join(Order, Order.id == OrderLine.order_id)
        .where(OrderLine.product_id == product_id, Order.status.in_(SOLD_STATUSES))
    )
    return int(total or 0)
