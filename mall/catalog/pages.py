"""The product page's read side: offers, stock, promo clock and pickup stores."""
import hashlib
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import bindparam, select
from sqlalchemy.orm import joinedload, selectinload

from mall.catalog.models import Product, Sku, Store
from mall.catalog.pricing import PriceTag, from_price, price_tag, promo_running, promo_shown
from mall.codes import pasted_code
from mall.database import plain_session
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


def published_product_by_code(session, code: str | None, *, images: bool = True) -> Product | None:
    """The published product behind a short code (any case), with its SKUs, images and brand loaded
    (`images=False`: not the images, which a checkout reads only when it shows the page again)."""
    code = normalise_code(code)
    if not code or len(code) > Product.code.type.length:
        return None
    options = [selectinload(Product.skus), joinedload(Product.brand)]
    if images:
        options.append(selectinload(Product.images))
    return session.scalar(select(Product).where(Product.code == code, Product.published.is_(True)).options(*options))


@dataclass(frozen=True)
class ProductRef:
    code: str
    brand_id: int


def published_product_ref(session, code: str | None) -> ProductRef | None:
    """The published product's code and brand, in one small query (a share link needs no more to record the
    touch and redirect; published_product_by_code loads the SKUs and images too)."""
    code = normalise_code(code)
    if not code or len(code) > Product.code.type.length:
        return None
    row = session.execute(select(Product.code, Product.brand_id)
                          .where(Product.code == code, Product.published.is_(True))).first()
    return ProductRef(row.code, row.brand_id) if row else None


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


_FRESHNESS = (
    select(Product.id, Product.promo_ends_at, Product.brand_id, Sku.id, Sku.price_fen, Sku.list_price_fen, Sku.promo_price_fen,
           Sku.stock > 0)
    .outerjoin(Sku, Sku.product_id == Product.id)
    .where(Product.code == bindparam("code"), Product.published.is_(True))
    .order_by(Sku.id)
)


@dataclass(frozen=True)
class PageFreshness:
    """What a cached copy of the product page must match to be shown, and how long it may be kept."""

    fingerprint: str
    max_seconds: int
    brand_id: int | None


def product_page_freshness(session, code: str | None, *, now: datetime) -> PageFreshness | None:
    """One small query for what the page's prices depend on: every SKU's prices and whether it is in stock
    (the "from" price prefers SKUs in stock), and whether the limited-time price runs. A copy kept while the
    promotion runs expires when it ends. None for a code that shows no product (never cached)."""
    code = normalise_code(code)
    if not code or len(code) > Product.code.type.length:
        return None
    # Core on the request's connection, the statement built once: this query runs on every cached page view.
    rows = plain_session(session).connection().execute(_FRESHNESS, {"code": code}).all()
    if not rows:
        return None
    ends_at = rows[0].promo_ends_at
    running = promo_running(rows[0], now)
    state = repr((running, [tuple(row) for row in rows])).encode()
    max_seconds = int((ends_at - now).total_seconds()) if running else 24 * 3600
    return PageFreshness(hashlib.blake2b(state, digest_size=12).hexdigest(), max_seconds, rows[0].brand_id)
