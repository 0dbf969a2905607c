"""The product page's read side: offers, stock, promo clock and pickup stores."""
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from mall.catalog.models import Product, Store
from mall.catalog.pricing import PriceTag, from_price, price_tag, promo_shown
from mall.codes import pasted_code
from mall.money import yuan

# Below this many units in total the page warns that stock is running out.
LOW_STOCK = 10


@dataclass(frozen=True)
class SkuOffer:
    id: int
    name: str
    price: PriceTag
    stock: int

    @property
    def sold_out(self) -> bool:
        return self.stock <= 0


def normalise_code(code: str | None) -> str:
    """Codes are upper-case; people type them in any case from a poster or paste them with punctuation."""
    return pasted_code(code)


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
    """What the catalog knows for templates/catalog/product.html (orders adds the buy sheet and social proof)."""
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
    }
